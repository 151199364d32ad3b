/** The runs table's sorting, filtering and grouping (src/ui/runs/runs-view.ts), DOM-free. */
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/runs/run-record';
import { defaultConfig, type PlaygroundConfig } from '../../src/core/settings/controls';
import { commonWords, filterRuns, groupRuns, nextSort, sortBy, sortRuns, sortValue, sweepName } from '../../src/ui/runs/runs-view';
import { summaryWithChair } from './later-eval-scores';

const summary = summaryWithChair;

function run(
  id: string,
  fields: Partial<RunRecord> & { chair?: number; margin?: number; change?: Partial<PlaygroundConfig> } = {},
): RunRecord {
  const { chair, margin, change, ...rest } = fields;
  return {
    id,
    name: id,
    colour: '#4e79a7',
    config: { ...defaultConfig(), ...change },
    status: 'done',
    createdAt: 0,
    step: 10,
    history: margin === undefined ? [] : [{ step: 10, metrics: { 'rewards/margins': margin } }],
    evals:
      chair === undefined
        ? []
        : [
            { step: 0, summary: summary(0.25) },
            { step: 10, summary: summary(chair) },
          ],
    events: [],
    visible: true,
    ...rest,
  };
}

const ids = (runs: readonly { id: string }[]) => runs.map((r) => r.id);

describe('sorting the runs table', () => {
  it('sorts stably, and puts items without a value last in either direction', () => {
    const items = [
      { id: 'a', v: 2 },
      { id: 'b', v: undefined },
      { id: 'c', v: 1 },
      { id: 'd', v: Number.NaN },
      { id: 'e', v: 2 },
    ];
    expect(ids(sortBy(items, (i) => i.v, 'ascending'))).toEqual(['c', 'a', 'e', 'b', 'd']);
    expect(ids(sortBy(items, (i) => i.v, 'descending'))).toEqual(['a', 'e', 'c', 'b', 'd']);
    expect(ids(items)).toEqual(['a', 'b', 'c', 'd', 'e']); // a copy: the list itself keeps its order
  });

  it('sorts names as people read numbers in them, scores by the latest evaluation, settings by value', () => {
    const runs = [
      run('run 10', { chair: 0.05, margin: 1, change: { beta: 0.5 } }),
      run('run 9', { chair: 0.2, change: { beta: 0.05 } }),
      run('run 100', { change: { beta: 0.1 } }),
    ];
    expect(ids(sortRuns(runs, { column: 'name', direction: 'ascending' }))).toEqual(['run 9', 'run 10', 'run 100']);
    expect(ids(sortRuns(runs, { column: 'chair_i', direction: 'ascending' }))).toEqual(['run 10', 'run 9', 'run 100']);
    expect(ids(sortRuns(runs, { column: 'chair_i', direction: 'descending' }))).toEqual(['run 9', 'run 10', 'run 100']);
    expect(ids(sortRuns(runs, { column: 'setting:beta', direction: 'descending' }))).toEqual(['run 10', 'run 100', 'run 9']);
    expect(sortValue(runs[0]!, 'margin')).toBe(1);
    expect(sortValue(runs[1]!, 'margin')).toBeUndefined();
    expect(ids(sortRuns(runs, undefined))).toEqual(['run 10', 'run 9', 'run 100']);
  });

  it('orders statuses by where a run is in its life', () => {
    const runs = [
      run('f', { status: 'failed' }),
      run('q', { status: 'queued' }),
      run('r', { status: 'running' }),
      run('d', { status: 'done' }),
    ];
    expect(ids(sortRuns(runs, { column: 'status', direction: 'ascending' }))).toEqual(['q', 'r', 'd', 'f']);
  });

  it('a header click sorts ascending, then descending, then back to the runs’ own order', () => {
    const first = nextSort(undefined, 'cover');
    expect(first).toEqual({ column: 'cover', direction: 'ascending' });
    const second = nextSort(first, 'cover');
    expect(second).toEqual({ column: 'cover', direction: 'descending' });
    expect(nextSort(second, 'cover')).toBeUndefined();
    expect(nextSort(second, 'name')).toEqual({ column: 'name', direction: 'ascending' });
  });
});

describe('filtering the runs table', () => {
  const runs = [
    run('offline s0', { change: { beta: 0.5, seed: 0 } }),
    run('offline s1', { change: { beta: 0.05, seed: 1 } }),
    run('Online judge', { change: { method: 'online', beta: 0.5 } }),
  ];
  const differing = ['method', 'beta', 'seed'] as const;

  it('matches the name and the differing settings as links write them and as labelled, ignoring case', () => {
    expect(ids(filterRuns(runs, 'ONLINE', [...differing]))).toEqual(['Online judge']);
    expect(ids(filterRuns(runs, 'beta=0.5', [...differing]))).toEqual(['offline s0', 'Online judge']);
    expect(ids(filterRuns(runs, 'beta 0.05', [...differing]))).toEqual(['offline s1']);
    expect(ids(filterRuns(runs, '  ', [...differing]))).toEqual(ids(runs));
  });

  it('needs every word, and does not search settings that are the same for all runs', () => {
    expect(ids(filterRuns(runs, 'offline beta=0.5', [...differing]))).toEqual(['offline s0']);
    expect(ids(filterRuns(runs, 'lr=', [...differing]))).toEqual([]);
  });
});

describe("grouping a sweep's runs", () => {
  const runs = [
    run('a'),
    run('s1', { sweepId: 'x', change: { beta: 0.1 } }),
    run('b', { sweepId: 'lonely' }),
    run('s2', { sweepId: 'x', change: { beta: 0.5 } }),
    run('t1', { sweepId: 'y' }),
    run('t2', { sweepId: 'y' }),
  ];

  it('puts runs sharing a sweep under one row where the first of them is; a sweep of one run stays a plain row', () => {
    const rows = groupRuns(runs);
    expect(rows.map((r) => (r.kind === 'group' ? `[${r.id}: ${ids(r.runs).join(' ')}]` : r.run.id))).toEqual([
      'a',
      '[x: s1 s2]',
      's1',
      's2',
      'b',
      '[y: t1 t2]',
      't1',
      't2',
    ]);
    const keys = rows.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('leaves out the runs of a folded sweep, not its row', () => {
    const rows = groupRuns(runs, new Set(['x']));
    expect(rows.map((r) => (r.kind === 'group' ? `[${r.id}]` : r.run.id))).toEqual(['a', '[x]', 'b', '[y]', 't1', 't2']);
  });

  it('names a sweep by what it swept and what its runs’ names share', () => {
    expect(sweepName([runs[1]!, runs[3]!])).toBe('Sweep over beta');
    expect(sweepName([runs[1]!, runs[3]!], ['beta', 'seed'])).toBe('Sweep over beta × seed');
    expect(sweepName([run('offline s0', { change: { seed: 0 } }), run('offline s1', { change: { seed: 1 } })])).toBe('offline (over seed)');
    expect(sweepName([run('same'), run('same')])).toBe('Sweep');
    expect(commonWords(['sweep 9 β=0.5 s3', 'sweep 9 β=0.1 s1'])).toBe('sweep 9');
    expect(commonWords(['offline', 'offline s1'])).toBe('');
    expect(commonWords([])).toBe('');
  });
});
