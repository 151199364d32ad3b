import { OPTIONAL_EVAL_KEYS, type OptionalEvalKey } from '../../src/core/eval/eval-record';

/**
 * Neutral values (0.5) for the scores evaluations gained after the first runs were saved (signs,
 * question categories, POPE's precision, recall and other splits), for tests about the others.
 */
export const LATER_SCORES = Object.fromEntries(OPTIONAL_EVAL_KEYS.map((key) => [key, 0.5])) as Record<OptionalEvalKey, number>;
