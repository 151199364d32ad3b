/**
 * Validation of untrusted input with valibot schemas, producing the app's plain-words messages:
 * each issue's own message (set where the schema is written), in order, every problem at once.
 */
import * as v from 'valibot';
import { shorten } from './messages';

/**
 * The messages of every problem `value` has against `schema`; empty when it passes. A pipe stops at
 * its first problem: one message per field, and checks across fields (which may loop over a size)
 * run only on values whose fields all passed.
 */
export function problemsOf(schema: v.GenericSchema, value: unknown): string[] {
  const result = v.safeParse(schema, value, { abortPipeEarly: true });
  return result.success ? [] : result.issues.map((issue) => issue.message);
}

/** A value as a message shows it: JSON, cut to a readable length. */
export function shown(value: unknown): string {
  return shorten(String(JSON.stringify(value) ?? value));
}

/** A whole number from min to max, with the message "<key> must be a whole number from min to max (got x)". */
export function wholeNumber(key: string, min: number, max: number) {
  const message = (issue: { input: unknown }) => `${key} must be a whole number from ${min} to ${max} (got ${shown(issue.input)})`;
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
}
