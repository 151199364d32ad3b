import type { EvalReport } from '../core/eval/evaluate';
import { POPE_STRATEGIES } from '../core/eval/pope';

/** A human-readable eval table (percentages). */
export function formatReport(report: EvalReport): string {
  const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
  const lines = [
    `CHAIR_i ${pct(report.chair_i)}%   CHAIR_s ${pct(report.chair_s)}%   Cover ${pct(report.cover)}%`,
    `colour error ${pct(report.attr_error)}%   count error ${pct(report.count_error)}%`,
    `POPE          acc  prec recall    F1  yes-ratio`,
    ...POPE_STRATEGIES.map((s) => {
      const p = report.pope[s];
      return `${s.padEnd(11)} ${pct(p.acc)} ${pct(p.precision)} ${pct(p.recall)} ${pct(p.f1)} ${pct(p.yes_ratio)}`;
    }),
  ];
  return lines.join('\n');
}
