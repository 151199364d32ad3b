import type { EvalSummary } from '../../src/core/playground/runs';

/** Neutral values for the scores evaluations gained with signs and question categories, for tests about the others. */
export const LATER_SCORES = {
  injection: 0.5,
  hall_rate: 0.5,
  acc_existence: 0.5,
  acc_attribute: 0.5,
  acc_counting: 0.5,
  acc_relation: 0.5,
  acc_comparison: 0.5,
  acc_holistic: 0.5,
} satisfies Partial<EvalSummary>;
