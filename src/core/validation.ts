/**
 * Validation of untrusted input with valibot schemas, producing the app's plain-words messages:
 * each issue's own message (set where the schema is written), in order, every problem at once.
 */
import * as v from 'valibot';
import { shorten } from './messages';

/**
 * The messages of every problem `value` has against `schema`, each once; empty when it passes. A
 * pipe stops at its first problem: one message per field, and checks across fields (which may loop
 * over a size) run only on values whose fields all passed.
 */
export function problemsOf(schema: v.GenericSchema, value: unknown): string[] {
  const result = v.safeParse(schema, value, { abortPipeEarly: true });
  return result.success ? [] : [...new Set(result.issues.map((issue) => issue.message))];
}

/** A value as a message shows it: JSON, cut to a readable length. */
export function shown(value: unknown): string {
  return shorten(String(JSON.stringify(value) ?? value));
}

/** "<key> must be a whole number from min to max (got x)". */
export const wholeNumberMessage = (key: string, min: number, max: number) => (input: unknown) =>
  `${key} must be a whole number from ${min} to ${max} (got ${shown(input)})`;

/** A whole number from min to max; any problem with it reads `message(input)`. */
export function wholeNumber(min: number, max: number, message: (input: unknown) => string) {
  const issueMessage = (issue: { input: unknown }) => message(issue.input);
  return v.pipe(v.number(issueMessage), v.integer(issueMessage), v.minValue(min, issueMessage), v.maxValue(max, issueMessage));
}
