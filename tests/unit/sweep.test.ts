import { describe, expect, it } from 'vitest';
import { defaultConfig, type PlaygroundConfig } from '../../src/core/playground/controls';
import type { EvalSummary, RunRecord, RunStatus } from '../../src/core/playground/runs';
import { aggregateSweep, expandSweep, parseNumberList, sweepProblems, type SweepSpec } from '../../src/core/playground/sweep';
import { LATER_SCORES } from './later-eval-scores';

const spec = (over: Partial<SweepSpec> = {}): SweepSpec => ({ beta: [0.1], temp: [0.7], k: [4], mode: ['offline'], seeds: [0], ...over });

const summary = (over: Partial<EvalSummary> = {}): EvalSummary => ({
  chair_i: 0.2,
  chair_s: 0.4,
  cover: 0.8,
  attr_error: 0,
  count_error: 0,
  pope_acc: 0.9,
  pope_f1: 0.9,
  pope_yes_ratio: 0.5,
  ...LATER_SCORES,
  ...over,
});

function run(
  config: Partial<PlaygroundConfig>,
  final: Partial<EvalSummary>,
  status: RunStatus = 'done',
): Pick<RunRecord, 'config' | 'evals' | 'status'> {
  return {
    config: { ...defaultConfig(), ...config },
    status,
    evals: [
      { step: 0, summary: summary({ chair_i: 0.9 }) },
      { step: 100, summary: summary(final) },
    ],
  };
}

describe('parseNumberList', () => {
  it('reads commas and spaces', () => {
    expect(parseNumberList('0.1, 0.5', 'Beta')).toEqual([0.1, 0.5]);
    expect(parseNumberList(' 1 2,3 ', 'Seeds')).toEqual([1, 2, 3]);
    expect(parseNumberList('1e-3', 'lr')).toEqual([0.001]);
  });

  it('throws a message naming the field on empty or garbage input', () => {
    expect(() => parseNumberList('  ', 'Beta')).toThrow('Beta: give at least one number');
    expect(() => parseNumberList('0.1, abc', 'Beta')).toThrow('Beta: "abc" is not a number');
    expect(() => parseNumberList('1, Infinity', 'Seeds')).toThrow('Seeds: "Infinity" is not a number');
  });
});

describe('sweepProblems', () => {
  it('accepts a valid grid', () => {
    expect(sweepProblems(spec({ beta: [0.1, 0.5], seeds: [0, 1, 2] }))).toEqual([]);
  });

  it('reports bad values, empty lists, repeats and too many runs', () => {
    expect(sweepProblems(spec({ beta: [0, 0.1], k: [], mode: ['sideways'], seeds: [1, 1.5, 1] }))).toEqual([
      'Beta must be greater than 0 (got 0)',
      'Samples K: give at least one value',
      expect.stringContaining('(got "sideways")'),
      'Seed must be a whole number (got 1.5)',
      'Seed: 1 is listed more than once',
    ]);
    expect(sweepProblems(spec({ beta: [0.1, 0.2, 0.3], seeds: [0, 1, 2, 3] }), 10)).toEqual([
      'the sweep would start 12 runs; the limit is 10, so use fewer values or seeds',
    ]);
    expect(sweepProblems(spec({ beta: [0.1, 0.2, 0.3], seeds: [0, 1, 2, 3] }))).toEqual([]);
  });
});

describe('expandSweep', () => {
  it('gives 2 betas x 2 seeds as 4 configs, seeds innermost', () => {
    const base = { ...defaultConfig(), lr: 1e-3 };
    const configs = expandSweep(base, spec({ beta: [0.1, 0.5], seeds: [3, 4] }));
    expect(configs.map((c) => [c.beta, c.seed])).toEqual([
      [0.1, 3],
      [0.1, 4],
      [0.5, 3],
      [0.5, 4],
    ]);
    expect(configs.every((c) => c.lr === 1e-3 && c.temp === 0.7 && c.k === 4 && c.mode === 'offline')).toBe(true);
    expect(configs[0]).toEqual({ ...base, beta: 0.1, seed: 3 });
  });

  it('nests beta, temp, k, mode from outermost to innermost', () => {
    const configs = expandSweep(defaultConfig(), spec({ temp: [0.5, 1], mode: ['offline', 'online'] }));
    expect(configs.map((c) => `${c.temp}/${c.mode}`)).toEqual(['0.5/offline', '0.5/online', '1/offline', '1/online']);
  });
});

describe('aggregateSweep', () => {
  it('averages seeds with the sample standard deviation, from the latest eval', () => {
    const [group, ...rest] = aggregateSweep([run({ seed: 0 }, { chair_i: 0.1 }), run({ seed: 1 }, { chair_i: 0.3 })]);
    expect(rest).toEqual([]);
    expect(group!.runs).toBe(2);
    expect(group!.mean.chair_i).toBeCloseTo(0.2, 12);
    expect(group!.std.chair_i).toBeCloseTo(0.1414213562, 9);
    expect(group!.mean.cover).toBeCloseTo(0.8, 12);
    expect(group!.std.cover).toBe(0);
    expect(group!.key).toBe('beta=0.1 temp=0.7 k=4 mode=offline');
  });

  it('keeps one group per grid point, labels only what varies, and skips unfinished runs', () => {
    const groups = aggregateSweep([
      run({ beta: 0.1, seed: 0 }, { chair_i: 0.1 }),
      run({ beta: 0.5, seed: 0 }, { chair_i: 0.4 }),
      run({ beta: 0.1, seed: 1 }, { chair_i: 0.2 }),
      run({ beta: 0.5, seed: 1 }, { chair_i: 0.9 }, 'failed'),
      { ...run({ beta: 0.5, seed: 2 }, {}), evals: [] },
    ]);
    expect(groups.map((g) => [g.key, g.runs, g.std.chair_i])).toEqual([
      ['beta=0.1', 2, expect.any(Number)],
      ['beta=0.5', 1, 0],
    ]);
    expect(groups[0]!.mean.chair_i).toBeCloseTo(0.15, 12);
    expect(groups[1]!.mean.chair_i).toBeCloseTo(0.4, 12);
  });

  it('is empty for no finished runs', () => {
    expect(aggregateSweep([run({}, {}, 'running')])).toEqual([]);
  });
});
