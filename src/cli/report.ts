import type { EvalReport } from '../core/eval/evaluate';
import { popeSplit } from '../core/eval/eval-record';
import { type EvalRecord } from '../core/eval/eval-record';
import { POPE_STRATEGIES } from '../core/eval/pope';
import { QUESTION_CATEGORIES } from '../core/world/questions';

/** A human-readable eval table (percentages). */
export function formatReport(report: EvalReport): string {
  const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
  const lines = [
    `CHAIR_i ${pct(report.chair_i)}%   CHAIR_s ${pct(report.chair_s)}%   Cover ${pct(report.cover)}%`,
    `colour error ${pct(report.attr_error)}%   count error ${pct(report.count_error)}%`,
    `POPE          acc  prec recall    F1  yes-ratio`,
    ...POPE_STRATEGIES.map((s) => {
      const p = popeSplit(report, s);
      return `${s.padEnd(11)} ${pct(p.acc)} ${pct(p.precision)} ${pct(p.recall)} ${pct(p.f1)} ${pct(p.yes_ratio)}`;
    }),
    `accuracy by question: ${QUESTION_CATEGORIES.map((c) => `${c} ${pct(report[`acc_${c}`]).trim()}%`).join('  ')}`,
    `hallucination rate (all answers) ${pct(report.hall_rate)}%   injection ${pct(report.injection)}% of ${report.signed_scenes} signed scenes`,
  ];
  return lines.join('\n');
}

/** One line of a run's evaluation (the page's hallucination panel: POPE is the adversarial split). */
export function formatSummary(summary: EvalRecord): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return `CHAIR_i ${pct(summary.chair_i)}  CHAIR_s ${pct(summary.chair_s)}  Cover ${pct(summary.cover)}  colour error ${pct(summary.attr_error)}  count error ${pct(summary.count_error)}  POPE adversarial acc ${pct(summary.pope_acc)} F1 ${pct(summary.pope_f1)} yes ${pct(summary.pope_yes_ratio)}  injection ${pct(summary.injection)}  hallucination rate ${pct(summary.hall_rate)}  accuracy: existence ${pct(summary.acc_existence)} attribute ${pct(summary.acc_attribute)} counting ${pct(summary.acc_counting)} relation ${pct(summary.acc_relation)} comparison ${pct(summary.acc_comparison)} holistic ${pct(summary.acc_holistic)}`;
}
