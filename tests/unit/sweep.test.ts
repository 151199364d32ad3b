import { describe, expect, it } from 'vitest';
import { defaultConfig, type PlaygroundConfig } from '../../src/core/settings/controls';
import { LESSON_SWEEPS } from '../../src/core/lessons/lesson-sweeps';
import { findLesson, lessonConfig } from '../../src/core/lessons/lessons';
import type { RunRecord, RunStatus } from '../../src/core/runs/run-record';
import { type EvalRecord } from '../../src/core/eval/eval-record';
import { aggregateSweep } from '../../src/core/sweeps/sweep';
import { MAX_LIST_CHARS, planSweep, sweepRunName } from '../../src/core/sweeps/sweep-plan';
import { currentSweep, readSweepRecords, sweepProgress } from '../../src/core/sweeps/sweep-progress';
import { inertReason } from '../../src/core/sweeps/sweep-relevance';
import { LATER_SCORES } from './later-eval-scores';

const base = (over: Partial<PlaygroundConfig> = {}): PlaygroundConfig => ({ ...defaultConfig(), ...over });

const summary = (over: Partial<EvalRecord> = {}): EvalRecord => ({
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
  final: Partial<EvalRecord>,
  status: RunStatus = 'done',
): Pick<RunRecord, 'config' | 'evals' | 'status'> {
  return {
    config: base(config),
    status,
    evals: [
      { step: 0, summary: summary({ chair_i: 0.9 }) },
      { step: 100, summary: summary(final) },
    ],
  };
}

describe('which settings change nothing for a run', () => {
  it('sampling, K and the judge only matter where captions are sampled', () => {
    const offline = base({ method: 'offline', pairSource: 'gt-corrupt' });
    expect(inertReason('temperature', offline)).toBe('for offline runs with gt-corrupt pairs');
    expect(inertReason('samples', offline)).toBe('for offline runs');
    expect(inertReason('judge', offline)).toBe('for offline runs with gt-corrupt pairs');
    // Self-sampled offline pairs are sampled at the run's temperature and judged, with their own K.
    const selfSampled = base({ method: 'offline', pairSource: 'self-samples' });
    expect(inertReason('temperature', selfSampled)).toBeUndefined();
    expect(inertReason('judge', selfSampled)).toBeUndefined();
    expect(inertReason('samples', selfSampled)).toBe('for offline runs');
    for (const mode of ['online', 'mixed'] as const)
      for (const key of ['temperature', 'topK', 'topP', 'samples', 'judge'] as const)
        expect(inertReason(key, base({ method: mode }))).toBeUndefined();
  });

  it('pairs only matter offline and mixed, mixp only mixed, noise only noisy, refmix only with sync', () => {
    expect(inertReason('pairSource', base({ method: 'online' }))).toBe('for online runs');
    expect(inertReason('offlinePairs', base({ method: 'mixed' }))).toBeUndefined();
    expect(inertReason('mixedOfflineProbability', base({ method: 'online' }))).toBe('for online runs');
    expect(inertReason('judgeNoise', base({ method: 'online', judge: 'oracle' }))).toBe('for runs with the oracle judge');
    expect(inertReason('judgeNoise', base({ method: 'online', judge: 'noisy' }))).toBeUndefined();
    expect(inertReason('coverageBonus', base({ method: 'online', judge: 'reward' }))).toBe('for runs with the reward judge');
    expect(inertReason('referenceSyncMix', base({ referenceSync: 0 }))).toBe('without reference sync (sync 0)');
    expect(inertReason('referenceSyncMix', base({ referenceSync: 10 }))).toBeUndefined();
  });

  it('plain SFT reads only the data, model, optimiser, seed and evaluation settings', () => {
    const sft = base({ method: 'sft' });
    for (const key of ['beta', 'lossTypes', 'temperature', 'pairSource', 'judge', 'referenceSync'] as const)
      expect(inertReason(key, sft)).toBe('for sft runs');
    for (const key of ['learningRate', 'batchSize', 'steps', 'seed', 'annotatorHallucination', 'evalScenes'] as const)
      expect(inertReason(key, sft)).toBeUndefined();
  });
});

describe('planSweep', () => {
  it('counts the grid, seeds innermost, beta outside method, whatever order the settings are given in', () => {
    const plan = planSweep(base({ learningRate: 1e-3 }), { seed: '3, 4', method: 'offline, online', beta: '0.1 0.5' });
    expect(plan.problems).toEqual([]);
    expect(plan.configs.map((c) => `${c.beta}/${c.method}/${c.seed}`)).toEqual([
      '0.1/offline/3',
      '0.1/offline/4',
      '0.1/online/3',
      '0.1/online/4',
      '0.5/offline/3',
      '0.5/offline/4',
      '0.5/online/3',
      '0.5/online/4',
    ]);
    expect(plan.dimensions).toEqual(['beta', 'method', 'seed']);
    expect(plan.combinations).toBe(8);
    expect(plan.configs.every((c) => c.learningRate === 1e-3)).toBe(true);
  });

  it('merges temperatures for offline runs (the issue: a beta x temperature sweep queued identical runs) and says so', () => {
    const plan = planSweep(base({ method: 'offline' }), { beta: '0.1, 0.5', temperature: '0.5, 1', seed: '0' });
    expect(plan.problems).toEqual([]);
    expect(plan.combinations).toBe(4);
    expect(plan.configs).toHaveLength(2);
    expect(plan.notes).toEqual(['Temperature changes nothing for offline runs with gt-corrupt pairs: merged']);
    expect(plan.names).toEqual(['beta=0.1 offline s0', 'beta=0.5 offline s0']);
  });

  it('merges only the runs a setting does nothing for: online keeps every temperature', () => {
    const plan = planSweep(base(), { temperature: '0.5, 1', samples: '2, 4', method: 'offline, online', seed: '0, 1' });
    // offline: 1 x 2 seeds; online: 2 temps x 2 Ks x 2 seeds.
    expect(plan.configs).toHaveLength(2 + 8);
    expect(plan.combinations).toBe(16);
    expect(plan.notes).toEqual([
      'Temperature changes nothing for offline runs with gt-corrupt pairs: merged',
      'Samples K changes nothing for offline runs: merged',
    ]);
    expect(plan.names.slice(0, 4)).toEqual(['offline s0', 'offline s1', 'temp=0.5 k=2 online s0', 'temp=0.5 k=2 online s1']);
    expect(new Set(plan.names).size).toBe(plan.names.length);
  });

  it('sweeps any setting: loss types (split at ";"), pair source, judge, learning rate', () => {
    const plan = planSweep(base({ method: 'online', batchSize: 8 }), {
      lossTypes: 'sigmoid,sft:1; ipo',
      judge: 'oracle, noisy',
      judgeNoise: '0.1, 0.3',
      learningRate: '1e-4, 2e-4',
      pairSource: 'gt-corrupt, bdhs',
    });
    expect(plan.problems).toEqual([]);
    // noise only for the noisy judge, pairs never online: 2 losses x 2 lr x (oracle + 2 noisy).
    expect(plan.configs).toHaveLength(2 * 2 * 3);
    expect(plan.dimensions).toEqual(['pairSource', 'judge', 'judgeNoise', 'lossTypes', 'learningRate']);
    expect(plan.notes).toEqual([
      'Pair source changes nothing for online runs: merged',
      'Judge noise eps changes nothing for runs with the oracle judge: merged',
    ]);
    expect(plan.names[0]).toBe('judge=oracle loss=sigmoid,sft:1 lr=0.0001 online s0');
    expect(plan.configs[0]).toMatchObject({ lossTypes: 'sigmoid,sft:1', judge: 'oracle', learningRate: 1e-4, pairSource: 'gt-corrupt' });
  });

  it('a single value sets that setting for every run and is not a dimension', () => {
    const plan = planSweep(base(), { steps: '30', seed: '0, 1' });
    expect(plan.dimensions).toEqual(['seed']);
    expect(plan.configs.map((c) => c.steps)).toEqual([30, 30]);
    expect(plan.names).toEqual(['offline s0', 'offline s1']);
  });

  it("the lesson 'Offline vs online vs mixed' asks for three runs, and every lesson's sweep plans from its settings", () => {
    const lesson = findLesson('offline-online-mixed')!;
    const plan = planSweep(lessonConfig(lesson), LESSON_SWEEPS['offline-online-mixed']!);
    expect(plan.configs.map((c) => c.method)).toEqual(['offline', 'online', 'mixed']);
    for (const [id, grid] of Object.entries(LESSON_SWEEPS)) {
      const found = findLesson(id);
      expect(found, id).toBeDefined();
      const planned = planSweep(lessonConfig(found!), grid);
      expect(planned.problems, id).toEqual([]);
      expect(planned.notes, id).toEqual([]);
      expect(planned.configs.length, id).toBeGreaterThan(1);
      expect(planned.configs.length, id).toBeLessThanOrEqual(4);
    }
  });

  it("refuses bad values with each control's own message, empty lists and repeats", () => {
    expect(planSweep(base(), { beta: '0, 0.1', samples: ' ', method: 'sideways', seed: '1, 1.5' }).problems).toEqual([
      'Beta must be greater than 0 (got 0)',
      'Samples K: give at least one value',
      'Method must be one of sft, offline, online, mixed (got "sideways")',
      'Seed must be a whole number (got 1.5)',
    ]);
    expect(planSweep(base(), { beta: '0.1, abc' }).problems).toEqual(['Beta must be a number (got "abc")']);
    expect(planSweep(base(), { lossTypes: 'sigmoid; dpo' }).problems).toEqual([
      expect.stringMatching(/^Loss types: unknown loss type "dpo"/),
    ]);
    expect(planSweep(base(), { seed: '0, 1, 0', beta: '0.1, 0.10' }).problems).toEqual([
      'Beta: 0.1 is listed more than once',
      'Seed: 0 is listed more than once',
    ]);
    // Many bad values: a few messages, then a count.
    expect(planSweep(base(), { learningRate: '-1, -2, -3, -4, -5' }).problems).toEqual([
      'Learning rate must be greater than 0 (got -1)',
      'Learning rate must be greater than 0 (got -2)',
      'Learning rate must be greater than 0 (got -3)',
      'Learning rate: and 2 more values like these',
    ]);
  });

  it('refuses a huge list in one short message, unread', () => {
    const huge = 'x'.repeat(100_000);
    const { problems } = planSweep(base(), { beta: huge });
    expect(problems).toEqual([`Beta: a list of 100000 characters is too long (at most ${MAX_LIST_CHARS})`]);
    // A K list of 100,000 characters, or many repeated values: every message stays short.
    for (const list of ['2,'.repeat(50_000), Array.from({ length: 300 }, (_, i) => 2 + (i % 15)).join(',')])
      for (const p of planSweep(base(), { samples: list }).problems) expect(p.length).toBeLessThan(200);
    const manyBad = Array.from({ length: 400 }, () => 'y').join(',');
    for (const p of planSweep(base(), { lossTypes: manyBad.slice(0, 900) }).problems) expect(p.length).toBeLessThan(200);
  });

  it('refuses past the run limit, after merging, and a grid too large to build', () => {
    expect(planSweep(base(), { beta: '0.1 0.2 0.3', seed: '0 1 2 3' }, { maxRuns: 10 }).problems).toEqual([
      'the sweep would start 12 runs; the limit is 10, so use fewer values or seeds',
    ]);
    // 3 x 4 x 5 temperatures = 60 combinations, but offline runs ignore temperature: 12 runs.
    expect(planSweep(base(), { beta: '0.1 0.2 0.3', seed: '0 1 2 3', temperature: '0.1 0.2 0.3 0.4 0.5' }).configs).toHaveLength(12);
    const seeds = Array.from({ length: 100 }, (_, i) => i).join(',');
    const rates = Array.from({ length: 49 }, (_, i) => (i + 1) / 1000).join(',');
    expect(planSweep(base(), { seed: seeds, learningRate: rates }).problems).toEqual([
      'the grid has 4900 combinations; the limit is 48 runs, so use fewer values or seeds',
    ]);
  });

  it('checks every run as a single run is checked, naming the first run each problem stops', () => {
    const plan = planSweep(base({ batchSize: 4 }), { judge: 'human', method: 'offline, online' });
    expect(plan.problems).toEqual([
      'offline s0: the human judge ranks online samples: choose the online method (offline data is built before training)',
    ]);
    expect(plan.configs).toEqual([]);
  });

  it('pinned settings (the page starts every run from the loaded model) are refused unless they keep the base value', () => {
    const pinned = { modelSize: 'every run here starts from the loaded model' };
    expect(planSweep(base(), { modelSize: 'default, large' }, { pinned }).problems).toEqual([
      'Model size: every run here starts from the loaded model',
    ]);
    expect(planSweep(base(), { modelSize: 'default' }, { pinned }).problems).toEqual([]);
  });

  it('names leave out what changes nothing for the run', () => {
    const dims = ['beta', 'temperature', 'samples', 'method', 'seed'] as const;
    expect(sweepRunName(base({ method: 'offline', beta: 0.1, seed: 2 }), dims)).toBe('beta=0.1 offline s2');
    expect(sweepRunName(base({ method: 'online', beta: 0.1, temperature: 1, samples: 6 }), dims)).toBe('beta=0.1 temp=1 k=6 online s0');
  });
});

describe('sweep progress', () => {
  const runs = (...statuses: RunStatus[]) => statuses.map((status) => ({ status }));

  it('counts n of N against the planned total, runs still queued included', () => {
    expect(sweepProgress(4, runs('running'), 3).text).toBe('0 of 4 runs finished.');
    expect(sweepProgress(4, runs('done', 'done', 'running'), 1).text).toBe('2 of 4 runs finished.');
    expect(sweepProgress(2, runs('done', 'done'), 0)).toMatchObject({ done: 2, stopped: false, text: '2 of 2 runs finished.' });
    expect(sweepProgress(2, runs('done', 'failed'), 0).text).toBe('1 of 2 runs finished (1 failed).');
  });

  it('says "stopped after n of N" once nothing of it trains or waits and runs are missing', () => {
    // Stop clears the queue and stops the run in progress.
    expect(sweepProgress(4, runs('done', 'stopped'), 0)).toMatchObject({ stopped: true, text: 'Stopped after 1 of 4 runs.' });
    // A reload: the queue is gone, the interrupted run comes back stopped.
    expect(sweepProgress(4, runs('done'), 0).text).toBe('Stopped after 1 of 4 runs.');
    expect(sweepProgress(4, runs('done', 'paused'), 2).stopped).toBe(false);
  });

  it('shows the newest sweep with its stored plan, or what its runs say without one', () => {
    const records = [{ id: 'a', createdAt: 1, total: 4, dimensions: ['beta' as const, 'seed' as const] }];
    const stored = [{ sweepId: 'a', createdAt: 2 }, { createdAt: 9 }];
    expect(currentSweep(stored, records)).toEqual({ id: 'a', total: 4, dimensions: ['beta', 'seed'] });
    expect(currentSweep([...stored, { sweepId: 'b', createdAt: 5 }, { sweepId: 'b', createdAt: 6 }], records)).toEqual({
      id: 'b',
      total: 2,
      dimensions: [],
    });
    // Queued behind another run: no run of it yet, but it is the one to show.
    const queued = { id: 'c', createdAt: 10, total: 3, dimensions: [] };
    expect(currentSweep(stored, [...records, queued], ['c'])?.id).toBe('c');
    expect(currentSweep([{ createdAt: 1 }], records)).toBeUndefined();
  });

  it('reads back only well-formed stored plans', () => {
    const good = { id: 'a', createdAt: 1, total: 4, dimensions: ['beta'] };
    expect(readSweepRecords([good, { ...good, total: 1e9 }, { ...good, dimensions: ['bogus'] }, 'x', null])).toEqual([good]);
    expect(readSweepRecords({ not: 'a list' })).toEqual([]);
  });

  it('reads plans stored before settings had names in code (dimensions by URL key) by name', () => {
    const old = { id: 'a', createdAt: 1, total: 4, dimensions: ['temp', 'mode', 'reffree', 'seed'] };
    expect(readSweepRecords([old])).toEqual([{ ...old, dimensions: ['temperature', 'method', 'referenceFree', 'seed'] }]);
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
    expect(group!.key).toBe('mode=offline');
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

  it("labels by the sweep's dimensions where they matter, and one group for runs that only differed by a setting that did nothing", () => {
    // Runs an older version queued: offline runs per temperature.
    const groups = aggregateSweep(
      [
        run({ method: 'offline', temperature: 0.5 }, { chair_i: 0.1 }),
        run({ method: 'offline', temperature: 1 }, { chair_i: 0.3 }),
        run({ method: 'online', temperature: 0.5 }, {}),
        run({ method: 'online', temperature: 1 }, {}),
      ],
      ['temperature', 'method', 'seed'],
    );
    expect(groups.map((g) => [g.key, g.runs])).toEqual([
      ['mode=offline', 2],
      ['temp=0.5 mode=online', 1],
      ['temp=1 mode=online', 1],
    ]);
    expect(new Set(groups.map((g) => g.id)).size).toBe(3);
  });

  it('is empty for no finished runs', () => {
    expect(aggregateSweep([run({}, {}, 'running')])).toEqual([]);
  });
});
