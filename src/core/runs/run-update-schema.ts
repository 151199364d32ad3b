/**
 * The shape of a RunUpdate, the message the worker streams to the page, as a valibot schema: the
 * page checks each one before it touches the runs it keeps (a worker built from other sources, or a
 * bug, fails that run with a message instead of corrupting saved history). Metrics may be NaN or
 * infinite: that is a finding the page diagnoses, not a malformed message.
 */
import * as v from 'valibot';
import { shorten } from '../messages';
import { RUN_STATUSES } from './run-record';
import { EVAL_KEYS } from '../eval/eval-record';

/** Any number, NaN and infinities included (v.number() refuses NaN). */
const anyNumber = v.custom<number>((value) => typeof value === 'number', 'is not a number');
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

const metricPoint = v.object({ step: count, metrics: v.record(v.string(), anyNumber) });
const evalPoint = v.object({
  step: count,
  summary: v.object(Object.fromEntries(EVAL_KEYS.map((key) => [key, anyNumber])) as Record<(typeof EVAL_KEYS)[number], typeof anyNumber>),
});
const markedCaption = v.looseObject({});
const comparedCaption = v.object({
  rgba: v.instance(Uint8ClampedArray),
  size: count,
  truth: v.string(),
  policy: markedCaption,
  reference: markedCaption,
});
const inspectedPair = v.object({
  prompt: v.string(),
  chosen: v.string(),
  rejected: v.string(),
  source: v.string(),
  chosenReward: v.optional(anyNumber),
  rejectedReward: v.optional(anyNumber),
});

export const runUpdateSchema = v.object({
  status: v.picklist(RUN_STATUSES),
  step: count,
  totalSteps: count,
  stepsPerSecond: anyNumber,
  points: v.array(metricPoint),
  evals: v.array(evalPoint),
  events: v.array(v.string()),
  pairs: v.optional(v.array(inspectedPair)),
  gallery: v.optional(v.array(comparedCaption)),
  activity: v.optional(v.string()),
  error: v.optional(v.string()),
});

/** Up to three "field.path: problem" lines where `update` is not a RunUpdate; empty when it is one. */
export function runUpdateProblems(update: unknown): string[] {
  const result = v.safeParse(runUpdateSchema, update, { abortPipeEarly: true });
  if (result.success) return [];
  return result.issues.slice(0, 3).map((issue) => shorten(`${v.getDotPath(issue) ?? 'update'}: ${issue.message}`));
}
