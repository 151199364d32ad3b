/**
 * Chart series from runs, DOM-free: one line per (run, metric) in the run's colour, dashed for
 * the second metric of a chart, and the baseline (the starting model's eval) as a flat line.
 */
import type { MetricName } from '../../core/dpo/metric-names';
import type { EvalSummary, RunRecord } from '../../core/playground/runs';

export interface SeriesSpec {
  /** A TRL metric name from the history, or an eval key (`eval:chair_i`). */
  key: MetricName | `eval:${keyof EvalSummary}`;
  label: string;
}

export interface LineSeries {
  label: string;
  colour: string;
  dash: number[];
  points: { x: number; y: number }[];
}

// Six patterns: the question-category chart draws six metrics per run.
const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [14, 4], [10, 2, 2, 2, 2, 2]];

export function seriesFor(runs: readonly RunRecord[], specs: readonly SeriesSpec[], withBaseline = false): LineSeries[] {
  const lines: LineSeries[] = [];
  for (const run of runs) {
    specs.forEach((spec, i) => {
      const label = runs.length > 1 ? `${run.name} ${spec.label}` : spec.label;
      if (spec.key.startsWith('eval:')) {
        const key = spec.key.slice(5) as keyof EvalSummary;
        const points = run.evals.map((e) => ({ x: e.step, y: e.summary[key] }));
        lines.push({ label, colour: run.colour, dash: DASHES[i % DASHES.length]!, points });
        const baseline = run.evals.find((e) => e.step === 0);
        if (withBaseline && baseline) {
          const end = Math.max(run.config.steps, run.step);
          lines.push({
            label: `${label} (SFT start)`,
            colour: `${run.colour}88`,
            dash: [1, 4],
            points: [
              { x: 0, y: baseline.summary[key] },
              { x: end, y: baseline.summary[key] },
            ],
          });
        }
      } else {
        const name = spec.key as MetricName;
        const points = run.history.filter((p) => Number.isFinite(p.metrics[name])).map((p) => ({ x: p.step, y: p.metrics[name]! }));
        lines.push({ label, colour: run.colour, dash: DASHES[i % DASHES.length]!, points });
      }
    });
  }
  return lines;
}

/** A chart in words for screen readers: each line's latest value and step. */
export function describeLines(title: string, lines: readonly LineSeries[]): string {
  const latest = lines
    .filter((l) => !l.label.endsWith('(SFT start)') && l.points.length > 0)
    .map((l) => {
      const last = l.points.at(-1)!;
      return `${l.label} ${Number.isFinite(last.y) ? +last.y.toPrecision(3) : 'not a number'} at step ${last.x}`;
    });
  return latest.length === 0 ? `${title} chart: no points yet` : `${title} chart, latest: ${latest.join('; ')}`;
}
