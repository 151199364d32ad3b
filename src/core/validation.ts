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

/** Messages about typed text: "<subject> <words> (got x)", the text cut short and quoted when asked. */
export const sayingAbout =
  (subject: string) =>
  (words: string, quote = false) =>
  (issue: { input: unknown }) => {
    const text = shorten(String(issue.input));
    return `${subject} ${words} ${quote ? `(got "${text}")` : `(got ${text})`}`;
  };

export interface NumberRule {
  whole: boolean;
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
}

/** How one kind of input words the bounds: the page says "at least 1", a CLI flag ">= 1". */
export interface BoundWords {
  atLeast: string;
  greaterThan: string;
  atMost: string;
  /** Whether "must be a whole number" quotes the text (the CLI's does). */
  quoteWhole: boolean;
}

/**
 * Number text as a person writes it: decimal digits with an optional sign, point and exponent
 * ("16", "-0.5", ".5", "1e-3"), spaces around allowed. JavaScript's Number() also reads "0x10" (16),
 * "0b11" and "0o7": text like that is refused rather than read as another number than it seems.
 */
export function isDecimalText(text: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim());
}

/**
 * Text that reads as a finite number within `rule`, checked in this order (number, whole, lower
 * bound, upper bound) and worded by `says`: the settings' and the CLI flags' one number check.
 */
export function numberText(says: ReturnType<typeof sayingAbout>, rule: NumberRule, words: BoundWords): v.GenericSchema<string> {
  const { min, max, exclusiveMin } = rule;
  return v.pipe(
    v.string(says('must be a number', true)),
    v.check((text) => text.trim() !== '' && Number.isFinite(Number(text)), says('must be a number', true)),
    v.check(isDecimalText, says('must be a number in decimal digits, like 16 or 1e-3', true)),
    v.check((text) => !rule.whole || Number.isInteger(Number(text)), says('must be a whole number', words.quoteWhole)),
    v.check(
      (text) => min === undefined || (exclusiveMin ? Number(text) > min : Number(text) >= min),
      says(`must be ${exclusiveMin ? words.greaterThan : words.atLeast} ${min}`),
    ),
    v.check((text) => max === undefined || Number(text) <= max, says(`must be ${words.atMost} ${max}`)),
  );
}
