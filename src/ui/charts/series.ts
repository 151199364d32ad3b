/**
 * Chart series from runs, DOM-free: one line per (run, metric), and the baseline (the starting
 * model's eval) as a thin flat line. Every line of a chart has its own colour (colours.ts), and the
 * metrics of a run also differ by dash and marker, so they stay apart in grey print too.
 */
import type { MetricName } from '../../core/dpo/metric-names';
import type { RunRecord } from '../../core/runs/run-record';
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
  points: { x: number; y: number }[];
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

/** The lines of `specs` for `runs`; `light` picks colours that read on the light theme. Runs without points yet draw nothing. */
export function seriesFor(runs: readonly RunRecord[], specs: readonly SeriesSpec[], withBaseline = false, light = false): LineSeries[] {
  const lines: LineSeries[] = [];
  for (const run of runs) {
    specs.forEach((spec, i) => {
      const label = runs.length > 1 ? `${run.name} ${spec.label}` : spec.label;
      const colour = runs.length > 1 ? shade(run.colour, i, light) : metricHue(run.colour, i, light);
      // Markers tell a run's metrics apart; a chart of one metric needs none.
      const marker = specs.length > 1 ? MARKERS[i % MARKERS.length] : undefined;
      const style = { colour, dash: DASHES[i % DASHES.length]!, marker, runId: run.id, run: run.name, metric: spec.label };
      if (spec.key.startsWith('eval:')) {
        const key = spec.key.slice(5) as keyof EvalRecord;
        const points = run.evals.map((e) => ({ x: e.step, y: e.summary[key] }));
        if (points.length > 0) lines.push({ label, ...style, points });
        const start = run.evals.find((e) => e.step === 0);
        if (withBaseline && start) {
          const end = Math.max(run.config.steps, run.step);
          lines.push({
            label: `${label} (SFT start)`,
            ...style,
            colour: `${colour}88`,
            dash: BASELINE_DASH,
            baseline: true,
            points: [
              { x: 0, y: start.summary[key] },
              { x: end, y: start.summary[key] },
            ],
          });
        }
      } else {
        const name = spec.key as MetricName;
        const points = run.history.filter((p) => Number.isFinite(p.metrics[name])).map((p) => ({ x: p.step, y: p.metrics[name]! }));
        if (points.length > 0) lines.push({ label, ...style, points });
      }
    });
  }
  return lines;
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
 * Chart.js point radii: a dot on every point of a short line (evaluations); on a long one (a
 * metric's history) markers on about eight points where they tell metrics apart, else none.
 */
export function markerRadii(line: LineSeries): number | number[] {
  const n = line.points.length;
  if (isBaseline(line)) return 0;
  if (n <= 12) return 3;
  if (!line.marker) return 0;
  const every = Math.ceil(n / 8);
  return line.points.map((_, i) => (i % every === 0 || i === n - 1 ? 3 : 0));
}

/** A chart in words for screen readers: each line's latest value and step. */
export function describeLines(title: string, lines: readonly LineSeries[]): string {
  const latest = lines
    .filter((l) => !isBaseline(l) && l.points.length > 0)
    .map((l) => {
      const last = l.points.at(-1)!;
      return `${l.label} ${Number.isFinite(last.y) ? +last.y.toPrecision(3) : 'not a number'} at step ${last.x}`;
    });
  return latest.length === 0 ? `${title} chart: no points yet` : `${title} chart, latest: ${latest.join('; ')}`;
}
