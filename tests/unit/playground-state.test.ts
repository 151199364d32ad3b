import { describe, expect, it } from 'vitest';
import { seriesFor } from '../../src/ui/charts/series';
import { defaultConfig } from '../../src/core/playground/controls';
import { dpoOptionsFromConfig, logInterval, runConfigProblems, worldFromConfig } from '../../src/core/playground/run-options';
import type { RunRecord } from '../../src/core/playground/runs';
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
    const config = { ...defaultConfig(), mode: 'online', beta: 0.3, loss: 'ipo,sft:0.5', cover: 0, temp: 1.2, k: 6, sync: 10, cooc: 0.5 };
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
    expect(worldFromConfig(config, { imageSize: 36 }).cooccurrenceBias).toBe(0.5);
  });

  it('logs every step of short runs and every 10th of long ones', () => {
    expect([4, 40, 100, 200, 5000].map(logInterval)).toEqual([1, 2, 5, 10, 10]);
  });

  it('refuses combinations that cannot run, in words', () => {
    expect(runConfigProblems(defaultConfig())).toEqual([]);
    expect(runConfigProblems({ ...defaultConfig(), judge: 'human' })[0]).toMatch(/human judge ranks online samples/);
    expect(runConfigProblems({ ...defaultConfig(), mode: 'online', judge: 'human', batch: 16 })[0]).toMatch(/batch of 8 or fewer/);
    expect(runConfigProblems({ ...defaultConfig(), loss: 'sft' })[0]).toMatch(/sft term alone/);
    expect(runConfigProblems({ ...defaultConfig(), beta: -1 })[0]).toMatch(/Beta must be greater than 0/);
    // SFT ignores the DPO settings.
    expect(runConfigProblems({ ...defaultConfig(), mode: 'sft', loss: 'sft' })).toEqual([]);
  });
});
