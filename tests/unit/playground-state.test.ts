import { describe, expect, it } from 'vitest';
import { seriesFor } from '../../src/ui/charts/series';
import {
  CONTROLS,
  controlNamed,
  defaultConfig,
  parseSetting,
  readSettings,
  settingText,
  type PlaygroundConfig,
} from '../../src/core/settings/controls';
import { shorten } from '../../src/core/messages';
import { signTextProblems } from '../../src/core/world/sign';
import { dpoOptionsFromConfig, logInterval, runConfigProblems, worldFromConfig } from '../../src/core/settings/run-options';
import type { RunRecord } from '../../src/core/runs/run-record';
import { LATER_SCORES } from './later-eval-scores';

const summary = (chair_i: number, cover: number) => ({
  chair_i,
  chair_s: 0,
  cover,
  attr_error: 0,
  count_error: 0,
  pope_acc: 0,
  pope_f1: 0,
  pope_yes_ratio: 0,
  ...LATER_SCORES,
});

function run(name: string, colour: string): RunRecord {
  return {
    id: name,
    name,
    colour,
    config: { ...defaultConfig(), steps: 20 },
    status: 'done',
    createdAt: 0,
    step: 20,
    history: [
      { step: 1, metrics: { loss: 0.69, 'rewards/margins': 0 } },
      { step: 10, metrics: { loss: 0.5 } },
      { step: 20, metrics: { loss: Number.NaN, 'rewards/margins': 1.5 } },
    ],
    evals: [
      { step: 0, summary: summary(0.2, 0.97) },
      { step: 20, summary: summary(0.05, 0.9) },
    ],
    events: [],
    visible: true,
  };
}

describe('chart series from runs', () => {
  it('one line per run and metric in the run colour, skipping steps without the metric or with NaN', () => {
    const lines = seriesFor(
      [run('a', '#111'), run('b', '#222')],
      [
        { key: 'loss', label: 'loss' },
        { key: 'rewards/margins', label: 'margins' },
      ],
    );
    expect(lines.map((l) => l.label)).toEqual(['a loss', 'a margins', 'b loss', 'b margins']);
    expect(lines[0]!.points).toEqual([
      { x: 1, y: 0.69 },
      { x: 10, y: 0.5 },
    ]);
    expect(lines[1]!.points).toEqual([
      { x: 1, y: 0 },
      { x: 20, y: 1.5 },
    ]);
    expect(lines[1]!.dash).not.toEqual(lines[0]!.dash);
    expect(lines[2]!.colour).toBe('#222');
  });

  it('eval series with the starting model drawn flat across the run as the baseline', () => {
    const [line, baseline] = seriesFor([run('a', '#111')], [{ key: 'eval:chair_i', label: 'CHAIR_i' }], true);
    expect(line!.points).toEqual([
      { x: 0, y: 0.2 },
      { x: 20, y: 0.05 },
    ]);
    expect(baseline!.label).toBe('CHAIR_i (SFT start)');
    expect(baseline!.points).toEqual([
      { x: 0, y: 0.2 },
      { x: 20, y: 0.2 },
    ]);
  });
});

describe('playground settings to engine options', () => {
  it('maps the controls onto the trainer and the world', () => {
    const config: PlaygroundConfig = {
      ...defaultConfig(),
      method: 'online',
      beta: 0.3,
      lossTypes: 'ipo,sft:0.5',
      coverageBonus: 0,
      temperature: 1.2,
      samples: 6,
      referenceSync: 10,
      cooccurrenceBias: 0.5,
      referenceFree: true,
    };
    const options = dpoOptionsFromConfig(config);
    expect(options.mode).toBe('online');
    expect(options.loss.beta).toBe(0.3);
    expect(options.loss.terms).toEqual([
      { type: 'ipo', weight: 1 },
      { type: 'sft', weight: 0.5 },
    ]);
    expect(options.judge.coverageBonus).toBe(0);
    expect(options.sampling.temperature).toBe(1.2);
    expect(options.samples).toBe(6);
    expect(options.referenceSync).toEqual({ every: 10, mix: 0.5 });
    expect(options.loss.referenceFree).toBe(true);
    expect(worldFromConfig(config, { imageSize: 36 }).cooccurrenceBias).toBe(0.5);
  });

  it('logs every step of short runs and every 10th of long ones', () => {
    expect([4, 40, 100, 200, 5000].map(logInterval)).toEqual([1, 2, 5, 10, 10]);
  });

  it('refuses combinations that cannot run, in words', () => {
    expect(runConfigProblems(defaultConfig())).toEqual([]);
    expect(runConfigProblems({ ...defaultConfig(), judge: 'human' })[0]).toMatch(/human judge ranks online samples/);
    expect(runConfigProblems({ ...defaultConfig(), method: 'online', judge: 'human', batchSize: 16 })[0]).toMatch(/batch of 8 or fewer/);
    expect(runConfigProblems({ ...defaultConfig(), lossTypes: 'sft' })[0]).toMatch(/sft term alone/);
    expect(runConfigProblems({ ...defaultConfig(), beta: -1 })[0]).toMatch(/Beta must be greater than 0/);
    // SFT ignores the DPO settings.
    expect(runConfigProblems({ ...defaultConfig(), method: 'sft', lossTypes: 'sft' })).toEqual([]);
  });
});

describe('setting text to value: one reading for links, the form, flags and imports', () => {
  it('reads each kind of setting to its type, or says what is wrong', () => {
    expect(parseSetting(controlNamed('learningRate'), '1e-3')).toEqual({ value: 1e-3 });
    expect(parseSetting(controlNamed('steps'), ' 40 ')).toEqual({ value: 40 });
    expect(parseSetting(controlNamed('method'), 'online')).toEqual({ value: 'online' });
    expect(parseSetting(controlNamed('referenceFree'), 'on')).toEqual({ value: true });
    expect(parseSetting(controlNamed('referenceFree'), 'off')).toEqual({ value: false });
    expect(parseSetting(controlNamed('referenceFree'), 'true')).toEqual({ problem: 'Reference-free must be one of off, on (got "true")' });
    expect(parseSetting(controlNamed('lossTypes'), 'ipo')).toEqual({ value: 'ipo' });
    expect(parseSetting(controlNamed('steps'), '2.5')).toEqual({ problem: 'Steps must be a whole number (got 2.5)' });
  });

  it('refuses number text JavaScript reads as another number: "0x10" is not 16', () => {
    for (const text of ['0x10', '0X10', '0b11', '0o7', '1_000', '1e', '.', '+-1'])
      expect(parseSetting(controlNamed('steps'), text).problem, text).toMatch(/^Steps must be a number/);
    expect(parseSetting(controlNamed('steps'), '0x10').problem).toBe(
      'Steps must be a number in decimal digits, like 16 or 1e-3 (got "0x10")',
    );
    for (const [text, value] of [
      ['16', 16],
      ['+16', 16],
      ['1.6e1', 16],
      ['16.', 16],
      ['1E1', 10],
    ] as const)
      expect(parseSetting(controlNamed('steps'), text)).toEqual({ value });
  });

  it('writes every default as text it reads back to the same value', () => {
    for (const control of CONTROLS)
      expect(parseSetting(control, settingText(control, control.default)), control.name).toEqual({ value: control.default });
    expect(settingText(controlNamed('referenceFree'), true)).toBe('on');
  });

  it('reads stored settings by name or by URL key, and notes what it fills in or ignores', () => {
    const notes: string[] = [];
    const config = readSettings({ mode: 'online', learningRate: 0.001, reffree: 'on', referenceSync: 4, bogus: 1 }, 'run 1', notes);
    expect(config).toMatchObject({ method: 'online', learningRate: 0.001, referenceFree: true, referenceSync: 4, beta: 0.1 });
    expect(notes).toContain('run 1: unknown setting "bogus" ignored');
    expect(notes).toContain('run 1: no Beta setting; taken as the default, 0.1');
    expect(readSettings({ ...defaultConfig(), referenceFree: true }, 'x', [])).toEqual({ ...defaultConfig(), referenceFree: true });
    expect(() => readSettings({ beta: true }, 'run 2', [])).toThrow('run 2: Beta has a value of the wrong type (true)');
  });
});

describe('messages quote what was typed as it is', () => {
  it('show an invisible character escaped: a sign word with a soft hyphen is not shown as a valid word', () => {
    const [problem] = signTextProblems('he\u00adart');
    expect(problem).toBe('sign words use the letters a to z only (got "he\\u00adart")');
    expect(signTextProblems('say\u200b heart')[0]).toContain('say\\u200b');
    expect(signTextProblems('heart')).toEqual([]);
  });

  it('cut long text and escape controls, format characters and unusual spaces, but not letters', () => {
    expect(shorten('x'.repeat(100))).toBe(`${'x'.repeat(40)}...`);
    expect(shorten('a\tb\nc\u00a0d\u2028e')).toBe('a\\tb\\nc\\u00a0d\\u2028e');
    expect(shorten('café ñ 😀 a b')).toBe('café ñ 😀 a b');
    expect(parseSetting(controlNamed('beta'), '0.\u200b1').problem).toBe('Beta must be a number (got "0.\\u200b1")');
  });
});
