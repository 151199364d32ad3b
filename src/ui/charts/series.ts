/**
 * Chart series from runs, DOM-free: one line per (run, metric), and the baseline (the starting
 * model's eval) as a thin flat line. Every line of a chart has its own colour (colours.ts), and the
 * metrics of a run also differ by dash and marker, so they stay apart in grey print too.
 */
import { untrack } from 'svelte';
import type { MetricName } from '../../core/dpo/metric-names';
import { noPreferenceSteps, type EvalPoint, type MetricPoint, type RunRecord } from '../../core/runs/run-record';
import { type EvalRecord } from '../../core/eval/eval-record';
import { metricHue, shade } from './colours';

export interface SeriesSpec {
  /** A TRL metric name from the history, or an eval key (`eval:chair_i`). */
  key: MetricName | `eval:${keyof EvalRecord}`;
  label: string;
}

/** Chart.js point styles, one per metric of a chart. */
export const MARKERS = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot'] as const;
export type Marker = (typeof MARKERS)[number];

export interface LineSeries {
  label: string;
  colour: string;
  dash: number[];
  points: Point[];
  /** The run (its id: names may repeat) and the metric's label: the legend sorts lines by both. */
  runId?: string;
  run?: string;
  metric?: string;
  marker?: Marker;
  /** The starting model's evaluation, drawn flat across the run. */
  baseline?: boolean;
}

// Six patterns: the question-category chart draws six metrics for one run.
const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [14, 4], [10, 2, 2, 2, 2, 2]];
export const BASELINE_DASH = [1, 4];

/** A point of a line: a step and a value (NaN where an evaluation lacked the score: a gap). */
export interface Point {
  x: number;
  y: number;
}

/*
 * Memos, so that a change to one run (shown, hidden, renamed, a new point) costs the same whatever
 * the number of runs kept. The runs are Svelte state (deep proxies): a chart reads of each run only
 * what says whether it changed (its name, colour, step and the length of its history and
 * evaluations: a handful of signals), and reads new points once, untracked, appending to what it
 * read before. A run's history and evaluations only ever grow (rewinding replaces the arrays), so
 * the arrays themselves key the memos; an unchanged run keeps its line objects, which lets the
 * canvas and the legend skip them.
 */
interface PointsMemo {
  read: number;
  points: Point[];
  /** Evaluations only: the starting model's value (the step-0 evaluation), once there is one. */
  start?: number;
}
const pointMemos = new WeakMap<object, Map<string, PointsMemo>>();

function memosOf(source: object): Map<string, PointsMemo> {
  let memos = pointMemos.get(source);
  if (!memos) pointMemos.set(source, (memos = new Map<string, PointsMemo>()));
  return memos;
}

/** The finite values of one metric in a run's history, as points (memoised; appends what is new). */
export function historyPoints(history: readonly MetricPoint[], name: MetricName): Point[] {
  const length = history.length;
  const memos = memosOf(history);
  const memo = memos.get(name);
  if (memo?.read === length) return memo.points;
  const from = memo && memo.read < length ? memo.read : 0;
  const points = untrack(() => {
    const out = from > 0 ? memo!.points.slice() : [];
    for (let i = from; i < length; i++) {
      const p = history[i]!;
      const y = p.metrics[name];
      if (Number.isFinite(y)) out.push({ x: p.step, y: y! });
    }
    return out;
  });
  memos.set(name, { read: length, points });
  return points;
}

/** One score of a run's evaluations as points (NaN kept: a gap), and the starting model's value (memoised). */
export function evalPoints(evals: readonly EvalPoint[], key: keyof EvalRecord): PointsMemo {
  const length = evals.length;
  const memos = memosOf(evals);
  const memo = memos.get(key);
  if (memo?.read === length) return memo;
  const from = memo && memo.read < length ? memo.read : 0;
  const next = untrack(() => {
    const out: PointsMemo = { read: length, points: from > 0 ? memo!.points.slice() : [], start: from > 0 ? memo!.start : undefined };
    for (let i = from; i < length; i++) {
      const e = evals[i]!;
      out.points.push({ x: e.step, y: e.summary[key] });
      if (out.start === undefined && e.step === 0) out.start = e.summary[key];
    }
    return out;
  });
  memos.set(key, next);
  return next;
}

/** Steps without preference pairs so far (noPreferenceSteps's count, 0 when none), memoised on the history's length. */
export function stepsWithoutPairs(history: readonly MetricPoint[]): number {
  const length = history.length;
  const memos = memosOf(history);
  const memo = memos.get('no_preference_steps');
  if (memo?.read === length) return memo.start ?? 0;
  const count = untrack(() => noPreferenceSteps(history)?.count ?? 0);
  memos.set('no_preference_steps', { read: length, points: [], start: count });
  return count;
}

interface LineMemo {
  name: string;
  colour: string;
  points: Point[];
  label: string;
  line?: LineSeries;
  baseline?: LineSeries;
  start?: number;
  end?: number;
}
const lineMemos = new WeakMap<RunRecord, Map<string, LineMemo>>();

/**
 * The lines of `specs` for `runs`; `light` picks colours that read on the light theme. Runs without
 * points yet draw nothing. A run whose name, colour and points did not change keeps its line
 * objects from the last call.
 */
export function seriesFor(runs: readonly RunRecord[], specs: readonly SeriesSpec[], withBaseline = false, light = false): LineSeries[] {
  const lines: LineSeries[] = [];
  const several = runs.length > 1;
  // What a line of each spec looks like apart from its run: worked out once, not once per run.
  const kinds = specs.map((spec, i) => ({
    memoKey: `${spec.key}\u0000${spec.label}\u0000${i}\u0000${specs.length}\u0000${several}\u0000${light}`,
    evalKey: spec.key.startsWith('eval:') ? (spec.key.slice(5) as keyof EvalRecord) : undefined,
    // Markers tell a run's metrics apart; a chart of one metric needs none.
    marker: specs.length > 1 ? MARKERS[i % MARKERS.length] : undefined,
    dash: DASHES[i % DASHES.length]!,
  }));
  for (const run of runs) {
    let memos = lineMemos.get(run);
    if (!memos) lineMemos.set(run, (memos = new Map<string, LineMemo>()));
    const runName = run.name;
    const runColour = run.colour;
    specs.forEach((spec, i) => {
      const kind = kinds[i]!;
      const evals = kind.evalKey ? evalPoints(run.evals, kind.evalKey) : undefined;
      const points = evals ? evals.points : historyPoints(run.history, spec.key as MetricName);
      let memo = memos.get(kind.memoKey);
      if (!memo || memo.name !== runName || memo.colour !== runColour || memo.points !== points) {
        const label = several ? `${runName} ${spec.label}` : spec.label;
        const colour = several ? shade(runColour, i, light) : metricHue(runColour, i, light);
        const style = { colour, dash: kind.dash, marker: kind.marker, runId: run.id, run: runName, metric: spec.label };
        memo = { name: runName, colour: runColour, points, label, line: points.length > 0 ? { label, ...style, points } : undefined };
        memos.set(kind.memoKey, memo);
      }
      if (memo.line) lines.push(memo.line);
      if (withBaseline && evals?.start !== undefined) {
        const start = evals.start;
        const end = Math.max(run.config.steps, run.step);
        if (!memo.baseline || !Object.is(memo.start, start) || memo.end !== end) {
          memo.baseline = {
            label: `${memo.label} (SFT start)`,
            colour: `${several ? shade(runColour, i, light) : metricHue(runColour, i, light)}88`,
            dash: BASELINE_DASH,
            marker: kind.marker,
            runId: run.id,
            run: runName,
            metric: spec.label,
            baseline: true,
            points: [
              { x: 0, y: start },
              { x: end, y: start },
            ],
          };
          memo.start = start;
          memo.end = end;
        }
        lines.push(memo.baseline);
      }
    });
  }
  return lines;
}

/** A line's identity across redraws: its run, metric and kind (names and labels may repeat). */
export function lineKey(line: LineSeries): string {
  return `${line.runId ?? ''}\u0000${line.metric ?? ''}\u0000${isBaseline(line) ? 'baseline' : 'line'}\u0000${line.runId ? '' : line.label}`;
}

/**
 * The points to draw of a long line: the first and the last, and in each of `buckets` equal spans
 * of x the lowest and the highest value, in their order (so peaks and dips stay, as min/max
 * decimation keeps them). Points that are not finite (gaps) are kept where they are. A line of at
 * most 2 x buckets + 2 points comes back as it is. Pure: the stored points are not changed.
 */
export function thinPoints<P extends Point>(points: readonly P[], buckets: number): readonly P[] {
  const n = points.length;
  const size = Math.max(1, Math.floor(buckets));
  if (n <= 2 * size + 2) return points;
  const first = points[0]!.x;
  const span = points[n - 1]!.x - first;
  const out: P[] = [points[0]!];
  let bucket = -1;
  let lo = -1;
  let hi = -1;
  const flush = () => {
    if (lo < 0) return;
    if (lo === hi) out.push(points[lo]!);
    else out.push(points[Math.min(lo, hi)]!, points[Math.max(lo, hi)]!);
    lo = hi = -1;
  };
  for (let i = 1; i < n - 1; i++) {
    const p = points[i]!;
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      flush();
      out.push(p);
      bucket = -1;
      continue;
    }
    // By x where the line runs forwards; by position otherwise.
    const at = span > 0 ? (p.x - first) / span : i / n;
    const b = Math.min(size - 1, Math.max(0, Math.floor(at * size)));
    if (b !== bucket) {
      flush();
      bucket = b;
      lo = hi = i;
      continue;
    }
    if (p.y < points[lo]!.y) lo = i;
    if (p.y > points[hi]!.y) hi = i;
  }
  flush();
  out.push(points[n - 1]!);
  return out;
}

export function isBaseline(line: LineSeries): boolean {
  return line.baseline === true || line.label.endsWith('(SFT start)');
}

/** A line as a Chart.js dataset; the PNG draws the same lines wider (`widths`: a line, a baseline). */
export function lineDataset(line: LineSeries, widths = { line: 2, baseline: 1 }) {
  return {
    label: line.label,
    data: line.points,
    borderColor: line.colour,
    backgroundColor: line.colour,
    borderDash: line.dash,
    borderWidth: isBaseline(line) ? widths.baseline : widths.line,
    pointStyle: line.marker ?? 'circle',
    pointRadius: markerRadii(line),
  };
}

/**
 * Which points of a line carry a marker: a dot on every point of a short line (evaluations); on a
 * long one (a metric's history) markers on about eight points (every `every`-th, and the last)
 * where they tell metrics apart, else none. The same rule for the page's canvas and the PNG.
 */
export function markerPlan(line: LineSeries): { radius: number; every: number } | undefined {
  const n = line.points.length;
  if (isBaseline(line)) return undefined;
  if (n <= 12) return { radius: 3, every: 1 };
  if (!line.marker) return undefined;
  return { radius: 3, every: Math.ceil(n / 8) };
}

/** Chart.js point radii (markerPlan as Chart.js takes it). */
export function markerRadii(line: LineSeries): number | number[] {
  const plan = markerPlan(line);
  if (!plan) return 0;
  if (plan.every === 1) return plan.radius;
  const n = line.points.length;
  return line.points.map((_, i) => (i % plan.every === 0 || i === n - 1 ? plan.radius : 0));
}

const latestWords = new WeakMap<LineSeries, string>();

/** A chart in words for screen readers: each line's latest value and step (each line's words kept while it is unchanged). */
export function describeLines(title: string, lines: readonly LineSeries[]): string {
  const latest: string[] = [];
  for (const l of lines) {
    if (isBaseline(l) || l.points.length === 0) continue;
    let words = latestWords.get(l);
    if (words === undefined) {
      const last = l.points.at(-1)!;
      words = `${l.label} ${Number.isFinite(last.y) ? +last.y.toPrecision(3) : 'not a number'} at step ${last.x}`;
      latestWords.set(l, words);
    }
    latest.push(words);
  }
  return latest.length === 0 ? `${title} chart: no points yet` : `${title} chart, latest: ${latest.join('; ')}`;
}
