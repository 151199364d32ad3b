import { OPTIONAL_EVAL_KEYS, type EvalRecord, type OptionalEvalKey } from '../../src/core/eval/eval-record';

/**
 * Neutral values (0.5) for the scores evaluations gained after the first runs were saved (signs,
 * question categories, POPE's precision, recall and other splits), for tests about the others.
 */
export const LATER_SCORES = Object.fromEntries(OPTIONAL_EVAL_KEYS.map((key) => [key, 0.5])) as Record<OptionalEvalKey, number>;

/** A whole evaluation with `chair_i` as given and middling other scores, for tests where only CHAIR_i matters. */
export const summaryWithChair = (chair_i: number): EvalRecord => ({
  chair_i,
  chair_s: 0.5,
  cover: 0.9,
  attr_error: 0,
  count_error: 0,
  pope_acc: 0.8,
  pope_f1: 0.8,
  pope_yes_ratio: 0.5,
  ...LATER_SCORES,
});
