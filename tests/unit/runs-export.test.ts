import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONTROLS, defaultConfig, settingText } from '../../src/core/settings/controls';
import type { RunRecord } from '../../src/core/runs/run-record';
import { type EvalRecord } from '../../src/core/eval/eval-record';
import { configDiff, parseRunsJson, runsToCsv, runsToJson } from '../../src/core/runs/run-files';
import { LATER_SCORES } from './later-eval-scores';

const summary = (over: Partial<EvalRecord> = {}): EvalRecord => ({
  chair_i: 0.3,
  chair_s: 0.5,
  cover: 0.8,
  attr_error: 0.1,
  count_error: 0.2,
  pope_acc: 0.7,
  pope_f1: 0.6,
  pope_yes_ratio: 0.5,
  ...LATER_SCORES,
  ...over,
});

function makeRun(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    name: 'baseline',
    colour: '#4e79a7',
    config: defaultConfig(),
    status: 'done',
    createdAt: 1700000000000,
    step: 100,
    history: [
      { step: 50, metrics: { loss: 0.5, 'rewards/margins': 0.4, 'rewards/accuracies': 0.75 } },
      { step: 100, metrics: { loss: 0.25, 'rewards/margins': 1.5 } },
    ],
    evals: [
      { step: 0, summary: summary() },
      { step: 100, summary: summary({ chair_i: 0.1, cover: 0.75 }) },
    ],
    events: ['started'],
    visible: true,
    ...over,
  };
}

afterEach(() => vi.useRealTimers());

describe('configDiff', () => {
  it('lists keys that differ between any runs, in CONTROLS order', () => {
    const a = makeRun();
    const b = makeRun({ config: { ...defaultConfig(), seed: 2, beta: 0.5 } });
    const c = makeRun({ config: { ...defaultConfig(), method: 'online' } });
    expect(configDiff([a, b, c])).toEqual(['method', 'beta', 'seed']);
    expect(configDiff([a, makeRun()])).toEqual([]);
    expect(configDiff([])).toEqual([]);
  });
});

describe('runsToCsv', () => {
  it('has the id, status, every control, final and start evals, and the latest metrics as columns', () => {
    const [header] = runsToCsv([]).split('\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 4)).toEqual(['id', 'name', 'status', 'step']);
    // Settings under their URL keys: the columns stay as before the settings had names in code.
    expect(columns.slice(4, 4 + CONTROLS.length)).toEqual(CONTROLS.map((c) => c.url));
    const scores = columns.slice(4 + CONTROLS.length);
    // 28 scores at the end and at the start, by name in the record's order, then the training metrics and the time.
    expect(scores).toHaveLength(2 * 28 + 5);
    expect(scores.slice(0, 10)).toEqual([
      'final_chair_i',
      'final_chair_s',
      'final_cover',
      'final_attr_error',
      'final_count_error',
      'final_pope_acc',
      'final_pope_precision',
      'final_pope_recall',
      'final_pope_f1',
      'final_pope_yes_ratio',
    ]);
    expect(scores).toContain('final_pope_random_f1');
    expect(scores.slice(27, 30)).toEqual(['final_acc_holistic', 'start_chair_i', 'start_chair_s']);
    expect(scores.slice(-6)).toEqual([
      'start_acc_holistic',
      'final_loss',
      'final_rewards/margins',
      'final_rewards/accuracies',
      'final_objective/kl',
      'seconds',
    ]);
    expect(runsToCsv([])).toBe(`${header}\n`);
  });

  it('writes one row per run with RFC 4180 quoting and a trailing newline', () => {
    const csv = runsToCsv([makeRun({ name: 'a, "b"' })]);
    expect(csv.endsWith('\n')).toBe(true);
    const lines = csv.split('\n');
    expect(lines).toHaveLength(3);
    const row = lines[1]!;
    expect(row.startsWith('r1,"a, ""b""",done,100,0.75,0.7,0.6,offline,')).toBe(true);
    // The loss-types control holds a comma, so it is quoted too.
    expect(row).toContain(',"sigmoid,sft:1",0,0,off,0.1,');
    // final evals, then start evals (POPE precision and recall, the other splits, signs and
    // categories all 0.5 here), then latest loss, margins, the accuracy from the earlier point, no
    // KL logged, no time kept.
    const later = ',0.5'.repeat(18);
    const final = `0.1,0.5,0.75,0.1,0.2,0.7,0.5,0.5,0.6,0.5${later}`;
    const start = `0.3,0.5,0.8,0.1,0.2,0.7,0.5,0.5,0.6,0.5${later}`;
    expect(row.endsWith(`,${final},${start},0.25,1.5,0.75,,`)).toBe(true);
  });

  it('quotes line breaks and leaves missing values empty', () => {
    const csv = runsToCsv([makeRun({ name: 'two\nlines', history: [], evals: [] })]);
    expect(csv).toContain('r1,"two\nlines",done,');
    expect(csv.endsWith(',' + ','.repeat(2 * 28 + 5 - 1) + '\n')).toBe(true);
  });
});

describe('runs JSON', () => {
  it('round-trips runs through runsToJson and parseRunsJson', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-01-02T03:04:05.000Z'));
    const runs = [
      makeRun(),
      makeRun({ id: 'r2', name: 'sweep', sweepId: 's1', config: { ...defaultConfig(), beta: 0.5 }, visible: false }),
    ];
    const text = runsToJson(runs);
    const file = JSON.parse(text);
    expect(file).toMatchObject({ format: 'dpo-playground-runs', version: 2, exportedAt: '2025-01-02T03:04:05.000Z' });
    expect(text).toContain('\n  "version": 2');
    expect(parseRunsJson(text)).toEqual(runs);
  });

  it('brings NaN back (JSON writes it as null), fills missing controls and stops unfinished runs', () => {
    const raw = JSON.parse(runsToJson([makeRun({ status: 'running', history: [{ step: 1, metrics: { loss: Number.NaN } }] })]));
    delete raw.runs[0].config.topP;
    delete raw.runs[0].colour;
    const notes: string[] = [];
    const [run] = parseRunsJson(JSON.stringify(raw), notes);
    expect(run!.history[0]!.metrics.loss).toBeNaN();
    expect(run!.config.topP).toBe(1);
    expect(run!.status).toBe('stopped');
    expect(run!.colour).toBe('#4e79a7');
    // Nothing changes silently: each fill-in is listed.
    expect(notes).toEqual(['run 1: no Top-p setting; taken as the default, 1', 'run 1 was running when exported; imported as stopped']);
  });

  it('reads runs saved or exported before settings had names in code (keyed by URL key, reffree "on"), losing none', () => {
    const config = { ...defaultConfig(), method: 'online' as const, learningRate: 1e-3, referenceFree: true, samples: 6 };
    const raw = JSON.parse(runsToJson([makeRun({ config })]));
    raw.version = 1;
    raw.runs[0].config = Object.fromEntries(
      CONTROLS.map((c) => [c.url, c.kind === 'boolean' ? settingText(c, config[c.name]) : config[c.name]]),
    );
    expect(raw.runs[0].config).toMatchObject({ mode: 'online', lr: 1e-3, reffree: 'on', k: 6 });
    const notes: string[] = [];
    expect(parseRunsJson(JSON.stringify(raw), notes)[0]!.config).toEqual(config);
    expect(notes).toEqual([]);
    // Given both ways, the name wins and the other is named.
    raw.runs[0].config.learningRate = 2e-4;
    const both: string[] = [];
    expect(parseRunsJson(JSON.stringify(raw), both)[0]!.config.learningRate).toBe(2e-4);
    expect(both).toEqual(['run 1: setting "lr" ignored (Learning rate is given as "learningRate")']);
    // A stored yes/no as a boolean or as on/off; anything else is refused.
    raw.runs[0].config.reffree = 'yes';
    expect(() => parseRunsJson(JSON.stringify(raw))).toThrow('run 1: Reference-free must be one of off, on (got "yes")');
    raw.runs[0].config.steps = '0x10';
    raw.runs[0].config.reffree = false;
    expect(() => parseRunsJson(JSON.stringify(raw))).toThrow(
      'run 1: Steps must be a number in decimal digits, like 16 or 1e-3 (got "0x10")',
    );
  });

  it('reads evaluations exported before later scores existed by name, naming the scores it lacks', () => {
    const file = JSON.parse(runsToJson([makeRun()]));
    // A file from before POPE's precision and recall (keys in the middle of the list) and signs.
    for (const point of file.runs[0].evals) for (const key of ['pope_precision', 'pope_recall', 'injection']) delete point.summary[key];
    const notes: string[] = [];
    const [run] = parseRunsJson(JSON.stringify(file), notes);
    const read = run!.evals[0]!.summary;
    // Every key after a missing one keeps its own value: nothing shifts.
    expect([read.chair_i, read.pope_acc, read.pope_f1, read.pope_yes_ratio, read.hall_rate]).toEqual([0.3, 0.7, 0.6, 0.5, 0.5]);
    expect([read.pope_precision, read.pope_recall, read.injection]).toEqual([NaN, NaN, NaN]);
    expect(notes).toEqual([
      'run 1: saved before some scores existed (POPE adversarial precision, POPE adversarial recall, sign injection); those show as n/a',
    ]);
    // A score every file has is required.
    delete file.runs[0].evals[0].summary.pope_f1;
    expect(() => parseRunsJson(JSON.stringify(file))).toThrow(/has no pope_f1/);
  });

  it("refuses points logged past the run's last step and notes a run step past it", () => {
    const file = JSON.parse(runsToJson([makeRun()]));
    file.runs[0].config.steps = 100;
    const past = structuredClone(file);
    past.runs[0].history.push({ step: 5000, metrics: { loss: 0.1 } });
    expect(() => parseRunsJson(JSON.stringify(past))).toThrow("run 1: history point 3 is at step 5000, past the run's 100 steps");
    const pastEval = structuredClone(file);
    pastEval.runs[0].evals[1].step = 101;
    expect(() => parseRunsJson(JSON.stringify(pastEval))).toThrow("run 1: evaluation 2 is at step 101, past the run's 100 steps");
    file.runs[0].step = 100000;
    const notes: string[] = [];
    const [run] = parseRunsJson(JSON.stringify(file), notes);
    expect(run!.step).toBe(100);
    expect(notes).toEqual(['run 1: step 100000 is past its 100 steps; taken as 100, its last logged step']);
  });

  it('refuses out-of-range evaluations and steps, and names a run step it had to replace', () => {
    const good = JSON.parse(
      runsToJson([
        makeRun({
          evals: [
            {
              step: 0,
              summary: {
                chair_i: 0.2,
                chair_s: 0.5,
                cover: 0.9,
                attr_error: 0,
                count_error: 0,
                ...LATER_SCORES,
                pope_acc: 0.8,
                pope_f1: 0.8,
                pope_yes_ratio: 0.5,
                injection: 0.4,
                hall_rate: 0.3,
                acc_existence: 0.9,
                acc_attribute: 0.8,
                acc_counting: 0.5,
                acc_relation: 0.6,
                acc_comparison: 0.7,
                acc_holistic: 0.4,
              },
            },
          ],
        }),
      ]),
    );
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into any field of the parsed JSON
    const edited = (edit: (run: Record<string, any>) => void) => {
      const copy = structuredClone(good);
      edit(copy.runs[0]);
      return JSON.stringify(copy);
    };
    expect(() => parseRunsJson(edited((r) => (r.evals[0].summary.pope_acc = -1e308)))).toThrow(
      'run 1: evaluation 1 has pope_acc = -1e+308, outside 0..1',
    );
    expect(() => parseRunsJson(edited((r) => (r.evals[0].step = 2.5)))).toThrow(/evaluation 1 is malformed \(needs a whole-number step/);
    expect(() => parseRunsJson(edited((r) => (r.history = [{ step: -3, metrics: {} }])))).toThrow(/history point 1 is malformed/);
    const notes: string[] = [];
    const [run] = parseRunsJson(
      edited((r) => (r.step = -7)),
      notes,
    );
    const lastLogged = good.runs[0].history.at(-1).step;
    expect(run!.step).toBe(lastLogged);
    expect(notes).toEqual([`run 1: step -7 is not a step; taken as ${lastLogged}, its last logged step`]);
  });

  it('takes colours from the palette only (they reach inline styles) and names unknown settings', () => {
    const raw = JSON.parse(runsToJson([makeRun()]));
    raw.runs[0].colour = 'red; background: url(https://example.com/track)';
    raw.runs[0].config.sed = 3;
    const notes: string[] = [];
    const [run] = parseRunsJson(JSON.stringify(raw), notes);
    expect(run!.colour).toBe('#4e79a7');
    expect(notes).toEqual([
      'run 1: unknown setting "sed" ignored',
      // The value is cut to a readable length.
      'run 1: colour "red; background: url(https://example.co... is not one of the playground\'s; shown as #4e79a7',
    ]);
    raw.runs[0].colour = '#E15759';
    delete raw.runs[0].config.sed;
    const kept: string[] = [];
    expect(parseRunsJson(JSON.stringify(raw), kept)[0]!.colour).toBe('#e15759');
    expect(kept).toEqual([]);
  });

  it('names every optional field it replaces because of its type', () => {
    const raw = JSON.parse(runsToJson([makeRun({ id: 'r7' })]));
    Object.assign(raw.runs[0], { name: 42, createdAt: 'yesterday', events: ['ok', 3], visible: 'yes', sweepId: {}, error: 5 });
    const notes: string[] = [];
    const [run] = parseRunsJson(JSON.stringify(raw), notes);
    expect(run).toMatchObject({ name: 'r7', events: [], visible: true });
    expect(run!.sweepId).toBeUndefined();
    expect(run!.error).toBeUndefined();
    expect(Number.isFinite(run!.createdAt)).toBe(true);
    expect(notes).toEqual([
      'run 1: name 42 is not valid; named r7',
      'run 1: createdAt "yesterday" is not valid; dated now',
      'run 1: events ["ok",3] is not valid; no events kept',
      'run 1: visible "yes" is not valid; shown',
      'run 1: sweepId {} is not valid; not part of a sweep',
      'run 1: error 5 is not valid; no error message kept',
    ]);
  });

  it('rejects garbage with a clear message', () => {
    const good = JSON.parse(runsToJson([makeRun(), makeRun({ id: 'r2' })]));
    const withRun2 = (edit: (run: Record<string, unknown>) => void) => {
      const copy = structuredClone(good);
      edit(copy.runs[1]);
      return JSON.stringify(copy);
    };
    expect(() => parseRunsJson('hello')).toThrow('not a DPO Playground runs file');
    expect(() => parseRunsJson('{"format":"something-else","runs":[]}')).toThrow(/^not a DPO Playground runs file$/);
    expect(() => parseRunsJson('[1,2]')).toThrow('not a DPO Playground runs file');
    expect(() => parseRunsJson(JSON.stringify({ ...good, version: 3 }))).toThrow('newer playground (version 3)');
    expect(() => parseRunsJson(JSON.stringify({ ...good, version: 0 }))).toThrow('unsupported runs file version 0');
    expect(() => parseRunsJson(JSON.stringify({ ...good, runs: {} }))).toThrow('the runs file has no list of runs');
    expect(() => parseRunsJson(withRun2((r) => delete r.config))).toThrow(/^run 2 has no config$/);
    expect(() => parseRunsJson(withRun2((r) => delete r.id))).toThrow('run 2 has no id');
    expect(() => parseRunsJson(withRun2((r) => (r.id = 'r1')))).toThrow('run 2 has the same id as run 1');
    expect(() => parseRunsJson(withRun2((r) => ((r.config as Record<string, unknown>).beta = -1)))).toThrow(
      'run 2: Beta must be greater than 0 (got -1)',
    );
    expect(() => parseRunsJson(withRun2((r) => ((r.config as Record<string, unknown>).lossTypes = 'dpo')))).toThrow(
      'run 2: Loss types: unknown loss type "dpo"',
    );
    expect(() => parseRunsJson(withRun2((r) => (r.status = 'exploded')))).toThrow('run 2 has an unknown status "exploded"');
    expect(() => parseRunsJson(withRun2((r) => (r.history = [{ step: 1, metrics: { loss: 'low' } }])))).toThrow(
      'run 2: metric "loss" at step 1 is not a number',
    );
    expect(() => parseRunsJson(withRun2((r) => (r.evals = [{ step: 0, summary: { chair_i: 0.1 } }])))).toThrow(
      'run 2: evaluation 1 has no chair_s',
    );
    expect(parseRunsJson(JSON.stringify(good))).toHaveLength(2);
  });
});
