/**
 * Property-based tests of the four places where outside input enters: links, imported runs,
 * checkpoint files and command-line flags. Each property runs 1000 generated cases from a fixed
 * seed (so a failure reproduces), and checks that nothing crashes, hangs or changes silently: every
 * input is either accepted as valid values or refused with a short message of the boundary's own
 * error type.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args';
import { parseCommandFlags, renamedFlags, TRAIN_FLAGS } from '../../src/cli/commands';
import { configFromFlags } from '../../src/cli/control-flags';
import { CheckpointError, decodeCheckpoint } from '../../src/core/model/checkpoint';
import {
  CONTROLS,
  configFrom,
  controlProblem,
  defaultConfig,
  settingText,
  type Control,
  type PlaygroundConfig,
  type SettingValue,
} from '../../src/core/settings/controls';
import { parseRunsJson, runsToJson } from '../../src/core/runs/run-files';
import { RUN_COLOURS, RUN_STATUSES, type RunRecord } from '../../src/core/runs/run-record';
import { EVAL_KEYS } from '../../src/core/eval/eval-record';
import { decodeHash, encodeHash } from '../../src/core/settings/url-hash';

const CASES = { numRuns: 1000, seed: 20261122 };
/** Longest message any boundary may produce: values are quoted cut short. */
const MAX_MESSAGE = 600;

/** Every value of a configuration is one its control accepts. */
function expectValidConfig(config: PlaygroundConfig): void {
  for (const control of CONTROLS) expect(controlProblem(control, settingText(control, config[control.name])), control.name).toBeUndefined();
}

/** A value a control accepts. */
function validValue(control: Control): fc.Arbitrary<SettingValue> {
  switch (control.kind) {
    case 'int':
      return fc.integer({ min: control.min, max: control.max });
    case 'number': {
      const min = control.exclusiveMin ? control.min + 1e-9 : control.min;
      return fc.double({ min, max: control.max, noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0));
    }
    case 'choice':
      return fc.constantFrom(...control.choices);
    case 'boolean':
      return fc.boolean();
    case 'text':
      return fc.constantFrom('sigmoid', 'ipo', 'sigmoid,sft:1', 'hinge,sft:0.5', 'robust', 'sigmoid:2,ipo:0.5');
  }
}

const validConfig: fc.Arbitrary<PlaygroundConfig> = fc
  .tuple(...CONTROLS.map((c) => validValue(c)))
  .map((values) => configFrom((c) => values[CONTROLS.indexOf(c)]!));

/** Text a careless or hostile hand could put in a field: numbers, edge cases, junk, long runs. */
const fieldText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '0x10',
    '0b11',
    '0o7',
    '1_0',
    '1,2',
    '%',
    '&',
    '=',
    '#',
    'sigmoid:',
    'sigmoid:1:5',
  ),
  fc.constantFrom('on', 'off', 'true', '1', 'he\u00adart', '\u200b5'),
  fc.string({ minLength: 200, maxLength: 2000 }),
);

const hashKey = fc.oneof(fc.constantFrom(...CONTROLS.map((c) => c.url), 'v', 'lesson', 'hide', 'present'), fc.string({ maxLength: 8 }));

const hash = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc
    .array(fc.tuple(hashKey, fieldText), { maxLength: 8 })
    .map((pairs) => '#' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
);

describe('links (decodeHash)', () => {
  it('any hash gives valid settings and short messages, never an exception', () => {
    fc.assert(
      fc.property(hash, (text) => {
        const decoded = decodeHash(text);
        expectValidConfig(decoded.config);
        for (const problem of decoded.problems) expect(problem.length).toBeLessThan(MAX_MESSAGE);
        for (const name of decoded.hidden) expect(CONTROLS.some((c) => c.name === name)).toBe(true);
      }),
      CASES,
    );
  });

  it('any valid configuration survives a link unchanged and without a message', () => {
    fc.assert(
      fc.property(validConfig, fc.boolean(), (config, present) => {
        const decoded = decodeHash(encodeHash(config, [], undefined, present));
        expect(decoded.problems).toEqual([]);
        expect(decoded.config).toEqual(config);
        expect(decoded.present).toBe(present);
      }),
      CASES,
    );
  });
});

const RUN_FIELDS = [
  'id',
  'name',
  'colour',
  'config',
  'status',
  'createdAt',
  'step',
  'history',
  'evals',
  'events',
  'sweepId',
  'visible',
] as const;

function goodRun(config: PlaygroundConfig): RunRecord {
  return {
    id: 'r1',
    name: 'run',
    colour: RUN_COLOURS[0]!,
    config,
    status: 'done',
    createdAt: 1,
    // Within the run's steps: an importer names a step past them.
    step: Math.min(10, config.steps),
    history: [{ step: Math.min(10, config.steps), metrics: { loss: 0.5, 'rewards/margins': 1 } }],
    evals: [{ step: 0, summary: Object.fromEntries(EVAL_KEYS.map((k) => [k, 0.5])) as unknown as RunRecord['evals'][number]['summary'] }],
    events: ['an event'],
    visible: true,
  };
}

/** A valid runs file with one field of one run (or of its config) replaced by any JSON value. */
const damagedRunsFile = fc
  .tuple(
    validConfig,
    // A setting by name, or by URL key as files from before the names have them.
    fc.oneof(
      fc.constantFrom(...RUN_FIELDS),
      fc.constantFrom(...CONTROLS.flatMap((c) => [`config.${c.name}`, `config.${c.url}`])),
      fc.string({ maxLength: 6 }),
    ),
    fc.jsonValue(),
  )
  .map(([config, field, value]) => {
    const file = JSON.parse(runsToJson([goodRun(config)]));
    const run = file.runs[0];
    if (field.startsWith('config.')) run.config[field.slice(7)] = value;
    else run[field] = value;
    return JSON.stringify(file);
  });

describe('imported runs (parseRunsJson)', () => {
  it('any file is refused with a short Error or read as valid runs, every repair named', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          damagedRunsFile,
          fc.string({ maxLength: 50 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const notes: string[] = [];
          let runs: RunRecord[];
          try {
            runs = parseRunsJson(text, notes);
          } catch (error) {
            expect((error as Error).constructor).toBe(Error);
            expect((error as Error).message.length).toBeLessThan(MAX_MESSAGE);
            return;
          }
          for (const note of notes) expect(note.length).toBeLessThan(MAX_MESSAGE);
          for (const run of runs) {
            expect(RUN_COLOURS).toContain(run.colour);
            expect(RUN_STATUSES).toContain(run.status);
            expect(Number.isInteger(run.step) && run.step >= 0).toBe(true);
            expectValidConfig(run.config);
            for (const point of run.evals)
              for (const key of EVAL_KEYS) expect(point.summary[key]).toSatisfy((v: number) => v >= 0 && v <= 1);
            for (const point of run.history) for (const v of Object.values(point.metrics)) expect(Number.isFinite(v)).toBe(true);
          }
        },
      ),
      CASES,
    );
  });

  it('a valid file loses nothing and needs no note', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const notes: string[] = [];
        const [run] = parseRunsJson(runsToJson([goodRun(config)]), notes);
        expect(notes).toEqual([]);
        expect(run!.config).toEqual(config);
      }),
      CASES,
    );
  });
});

const HEADER = JSON.parse(readFileSync('models/sft-base/checkpoint.json', 'utf8'));
const DATA = new Uint8Array(readFileSync('models/sft-base/weights.bin'));

/** Every path of the header a damaged file could change: top-level fields, the config, tensor entries. */
const HEADER_PATHS: string[][] = [
  ...Object.keys(HEADER).map((k) => [k]),
  ...Object.keys(HEADER.config).map((k) => ['config', k]),
  ...HEADER.tensors.flatMap((_: unknown, i: number) => ['name', 'shape', 'offset'].map((k) => ['tensors', String(i), k])),
  ['tensors', '0'],
  ['golden', 'logProbs'],
];

const oddValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(1e9, -4, 0, 0.5, 3e38, '1', null, [], {}, [null], 'x'.repeat(10_000)),
  fc.integer({ min: -10, max: 1e9 }),
);

describe('checkpoint files (decodeCheckpoint)', () => {
  it('any damaged header or data is refused with a short CheckpointError, or still decodes to finite weights', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...HEADER_PATHS),
        oddValue,
        fc.option(fc.record({ at: fc.nat({ max: DATA.length - 1 }), cut: fc.boolean() }), { nil: undefined }),
        (path, value, damage) => {
          const header = structuredClone(HEADER);
          let target = header;
          for (const key of path.slice(0, -1)) target = target?.[key];
          if (target && typeof target === 'object') target[path.at(-1)!] = value;
          let data = DATA;
          if (damage) {
            data = damage.cut ? DATA.slice(0, damage.at) : DATA.slice();
            if (!damage.cut) data[damage.at] = data[damage.at]! ^ 0xff;
          }
          try {
            const decoded = decodeCheckpoint(header, data);
            for (const { data: values } of Object.values(decoded.values)) expect(values.every((v) => Number.isFinite(v))).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(CheckpointError);
            expect((error as Error).message.length).toBeLessThan(MAX_MESSAGE);
          }
        },
      ),
      CASES,
    );
  });
});

const flagName = fc.constantFrom(
  ...Object.keys(TRAIN_FLAGS).map((k) => `--${k}`),
  ...Object.keys(renamedFlags('train')).map((k) => `--${k}`),
  '--help',
  '--',
);
const argv = fc.array(
  fc.oneof(
    flagName,
    fieldText,
    flagName.chain((f) => fieldText.map((v) => `${f}=${v}`)),
  ),
  { maxLength: 8 },
);

describe('command-line flags (train)', () => {
  it('any argv is refused with a short UsageError or gives valid settings', () => {
    fc.assert(
      fc.property(argv, (args) => {
        try {
          const flags = parseCommandFlags('train', args);
          if (!flags.help) expectValidConfig(configFromFlags(flags));
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message.length).toBeLessThan(MAX_MESSAGE);
        }
      }),
      CASES,
    );
  });

  it('any valid configuration given as flags comes back unchanged', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        const args = CONTROLS.flatMap((c) => [`--${c.url}`, settingText(c, config[c.name])]);
        let parsed: PlaygroundConfig;
        try {
          const flags = parseCommandFlags('train', args);
          if (flags.help) throw new Error('no --help was given');
          parsed = configFromFlags(flags);
        } catch (error) {
          // Only the cross-field rules (the page refuses these too) may refuse a configuration of valid values.
          expect((error as Error).message).toMatch(/human judge|iterative rounds|loss/);
          return;
        }
        expect(parsed).toEqual(config);
        expect(defaultConfig()).toBeDefined();
      }),
      CASES,
    );
  });
});
