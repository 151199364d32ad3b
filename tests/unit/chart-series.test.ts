/**
 * The charts' series, DOM-free: thinning long lines for drawing (first and last, each bucket's
 * lowest and highest, in order, gaps kept) and the memos that let an unchanged run keep its lines
 * when another run is shown, hidden, renamed or gets a new point.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricPoint, RunRecord } from '../../src/core/runs/run-record';
import { applyRunUpdate } from '../../src/core/runs/run-record';
import { defaultConfig } from '../../src/core/settings/controls';
import {
  describeLines,
  historyPoints,
  markerRadii,
  seriesFor,
  stepsWithoutPairs,
  thinPoints,
  type LineSeries,
  type Point,
} from '../../src/ui/charts/series';
import { summaryWithChair } from './later-eval-scores';

const line = (n: number, y: (i: number) => number = (i) => Math.sin(i / 7) + (i % 13) / 10): Point[] =>
  Array.from({ length: n }, (_, i) => ({ x: i + 1, y: y(i) }));

describe('thinPoints', () => {
  it('leaves a line of at most 2 x buckets + 2 points as it is (the same array)', () => {
    const points = line(402);
    expect(thinPoints(points, 200)).toBe(points);
    expect(thinPoints(line(403), 200)).not.toHaveLength(403);
  });

  it('keeps the first and last points, the lowest and the highest, in their order, at most two per bucket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 1, max: 300 }),
        (ys, buckets) => {
          const points = ys.map((y, i) => ({ x: i * 2, y }));
          const thin = thinPoints(points, buckets);
          expect(thin[0]).toBe(points[0]);
          expect(thin.at(-1)).toBe(points.at(-1));
          expect(thin.length).toBeLessThanOrEqual(Math.min(points.length, 2 * buckets + 2));
          // A subsequence of the points themselves, in order.
          const at = thin.map((p) => points.indexOf(p));
          expect(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!))).toBe(true);
          // The extremes survive, so peaks and dips still show.
          expect(Math.min(...thin.map((p) => p.y))).toBe(Math.min(...ys));
          expect(Math.max(...thin.map((p) => p.y))).toBe(Math.max(...ys));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps gaps (non-finite values) where they are', () => {
    const points = line(5000, (i) => (i === 2500 || i === 2501 ? Number.NaN : i % 7));
    const thin = thinPoints(points, 100);
    const gaps = thin.filter((p) => !Number.isFinite(p.y));
    expect(gaps).toEqual([points[2500], points[2501]]);
    expect(thin.length).toBeLessThanOrEqual(2 * 100 + 2 + 2 + 2);
  });

  it('thins 20000 points to the width of a plot, quickly', () => {
    const points = line(20_000);
    const started = performance.now();
    const thin = thinPoints(points, 400);
    expect(thin.length).toBeLessThanOrEqual(802);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('does not change the points it is given', () => {
    const points = line(1000);
    const copy = structuredClone(points);
    thinPoints(points, 10);
    expect(points).toEqual(copy);
  });
});

const summary = summaryWithChair;

function run(id: string, colour: string, steps = 3): RunRecord {
  const history: MetricPoint[] = Array.from({ length: steps }, (_, i) => ({ step: i + 1, metrics: { loss: 0.7 - i / 10 } }));
  return {
    id,
    name: id,
    colour,
    config: { ...defaultConfig(), steps: 10 },
    status: 'done',
    createdAt: 0,
    step: steps,
    history,
    evals: [{ step: 0, summary: summary(0.2) }],
    events: [],
    visible: true,
  };
}

const LOSS = [{ key: 'loss', label: 'loss' }] as const;
const CHAIR = [{ key: 'eval:chair_i', label: 'CHAIR_i' }] as const;

describe('seriesFor keeps what did not change', () => {
  it('an unchanged run keeps its line objects when another run is hidden; a new point makes a new line with every point', () => {
    const [a, b, c] = [run('a', '#4e79a7'), run('b', '#f28e2b'), run('c', '#e15759')];
    const first = seriesFor([a, b, c], LOSS);
    const hidden = seriesFor([a, c], LOSS);
    expect(hidden[0]).toBe(first[0]);
    expect(hidden[1]).toBe(first[2]);
    applyRunUpdate(a, { status: 'running', step: 4, points: [{ step: 4, metrics: { loss: 0.3 } }], evals: [], events: [] });
    const grown = seriesFor([a, c], LOSS);
    expect(grown[0]).not.toBe(first[0]);
    expect(grown[0]!.points).toEqual(a.history.map((p) => ({ x: p.step, y: p.metrics.loss })));
    expect(grown[0]!.points.at(-1)).toEqual({ x: 4, y: 0.3 });
    expect(grown[1]).toBe(first[2]);
  });

  it('a renamed run gets new lines under its new name; the lines of one run alone are labelled by metric', () => {
    const [a, b] = [run('a', '#4e79a7'), run('b', '#f28e2b')];
    const before = seriesFor([a, b], LOSS);
    b.name = 'renamed';
    const after = seriesFor([a, b], LOSS);
    expect(after[0]).toBe(before[0]);
    expect(after[1]!.label).toBe('renamed loss');
    expect(seriesFor([b], LOSS)[0]!.label).toBe('loss');
  });

  it('appending reads only the new points and gives what reading them all gives', () => {
    const a = run('a', '#4e79a7', 50);
    const once = historyPoints(a.history, 'loss');
    applyRunUpdate(a, {
      status: 'running',
      step: 52,
      points: [
        { step: 51, metrics: { loss: Number.NaN } },
        { step: 52, metrics: { loss: 0.1 } },
      ],
      evals: [],
      events: [],
    });
    const more = historyPoints(a.history, 'loss');
    expect(more).not.toBe(once);
    expect(more).toEqual(historyPoints(structuredClone(a.history), 'loss'));
    expect(more.at(-1)).toEqual({ x: 52, y: 0.1 });
    expect(historyPoints(a.history, 'loss')).toBe(more);
  });

  it('the baseline follows the run as it goes past its planned steps, and the memo tracks steps without pairs', () => {
    const a = run('a', '#4e79a7');
    const [, baseline] = seriesFor([a], CHAIR, true);
    expect(baseline!.points.at(-1)).toEqual({ x: 10, y: 0.2 });
    a.step = 12;
    const [, later] = seriesFor([a], CHAIR, true);
    expect(later!.points.at(-1)).toEqual({ x: 12, y: 0.2 });
    expect(stepsWithoutPairs(a.history)).toBe(0);
    a.history.push({ step: 13, metrics: { no_preference_steps: 2 } });
    expect(stepsWithoutPairs(a.history)).toBe(2);
  });

  it('describes lines as before, and marks long lines on about eight points', () => {
    const lines: LineSeries[] = [
      { label: 'a loss', colour: '#111', dash: [], points: [{ x: 3, y: 0.123456 }] },
      { label: 'a loss (SFT start)', colour: '#111', dash: [], baseline: true, points: [{ x: 0, y: 1 }] },
    ];
    expect(describeLines('Loss', lines)).toBe('Loss chart, latest: a loss 0.123 at step 3');
    expect(describeLines('Loss', [])).toBe('Loss chart: no points yet');
    const long: LineSeries = { label: 'x', colour: '#111', dash: [], marker: 'triangle', points: line(30) };
    const radii = markerRadii(long) as number[];
    expect(radii.filter((r) => r > 0)).toHaveLength(9);
    expect(radii.at(-1)).toBe(3);
    expect(markerRadii({ ...long, marker: undefined })).toBe(0);
    expect(markerRadii({ ...long, points: line(12) })).toBe(3);
  });
});
