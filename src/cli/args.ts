import { parseArgs } from 'node:util';
import { shorten } from '../core/messages';
import { controlProblem, type Control } from '../core/playground/controls';

/**
 * A flag the CLI accepts: its kind, default, and the range a value must fall in; or one of the
 * playground's controls, whose name, default, range, help and validation are the page's.
 */
export type FlagSpec =
  | { kind: 'int'; default?: number; min?: number; max?: number; help: string }
  | { kind: 'number'; default?: number; min?: number; max?: number; exclusiveMin?: boolean; help: string }
  | { kind: 'string'; default?: string; choices?: readonly string[]; help: string }
  | { kind: 'boolean'; help: string }
  | { kind: 'control'; control: Control };

type Value<S extends FlagSpec> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'string' }
    ? string
    : S extends { kind: 'control'; control: { kind: 'choice' | 'text' } }
      ? string
      : number;
export type Flags<T extends Record<string, FlagSpec>> = { [K in keyof T]: Value<T[K]> };

/** Largest whole-number flag value unless a flag sets its own: the page's seed range. */
export const MAX_INT = 2 ** 31 - 1;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** What values a control takes, for --help: "0..1", "> 0, at most 100", "a|b|c". */
function controlRange(control: Control): string {
  switch (control.kind) {
    case 'number':
      return control.exclusiveMin ? `> ${control.min}, <= ${control.max}` : `${control.min}..${control.max}`;
    case 'int':
      return `whole, ${control.min}..${control.max}`;
    case 'choice':
      return control.choices.join('|');
    case 'text':
      return 'text';
  }
}

export function usage(command: string, specs: Record<string, FlagSpec>): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    if (spec.kind === 'control') {
      const { control } = spec;
      return `  --${name} VALUE  ${control.label}: ${control.help} [${controlRange(control)}] (default ${control.default})`;
    }
    const def = 'default' in spec && spec.default !== undefined ? ` (default ${spec.default})` : '';
    const choices = spec.kind === 'string' && spec.choices ? ` [${spec.choices.join('|')}]` : '';
    return `  --${name}${spec.kind === 'boolean' ? '' : ' VALUE'}  ${spec.help}${choices}${def}`;
  });
  return `usage: npm run ${command} -- [flags]\n${lines.join('\n')}`;
}

/**
 * Parse and validate argv; every problem becomes one UsageError naming the flag and the fix.
 * `renamed` maps flags that were renamed to their new names, so an old command line says what to type.
 */
export function parseFlags<T extends Record<string, FlagSpec>>(
  argv: string[],
  specs: T,
  renamed: Record<string, string> = {},
): Flags<T> & { help: boolean } {
  for (const arg of argv) {
    const name = /^--([^=]+)/.exec(arg)?.[1];
    if (name && !(name in specs) && renamed[name])
      throw new UsageError(`--${name} is now --${renamed[name]} (the name the page's links use)`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: Object.fromEntries([
        ['help', { type: 'boolean' as const }],
        ...Object.entries(specs).map(([name, spec]) => [
          name,
          { type: spec.kind === 'boolean' ? ('boolean' as const) : ('string' as const) },
        ]),
      ]),
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
  // node:util keeps the last of a repeated flag; a typo'd command line should not pass silently.
  const given = new Map<string, number>();
  for (const token of parsed.tokens ?? []) if (token.kind === 'option') given.set(token.name, (given.get(token.name) ?? 0) + 1);
  for (const [name, count] of given) if (count > 1) throw new UsageError(`--${name} is given ${count} times; give it once`);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const out: Record<string, unknown> = { help: values.help === true };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = values[name];
    if (spec.kind === 'control') {
      const { control } = spec;
      if (raw === undefined) {
        out[name] = control.default;
        continue;
      }
      const problem = controlProblem(control, String(raw));
      if (problem) throw new UsageError(`--${name}: ${problem}`);
      out[name] = control.kind === 'number' || control.kind === 'int' ? Number(raw) : String(raw);
      continue;
    }
    if (spec.kind === 'boolean') {
      out[name] = raw === true;
      continue;
    }
    if (raw === undefined) {
      if (spec.default === undefined) throw new UsageError(`--${name} is required (${spec.help})`);
      out[name] = spec.default;
      continue;
    }
    const text = String(raw);
    if (spec.kind === 'string') {
      if (spec.choices && !spec.choices.includes(text)) {
        throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')} (got "${shorten(text)}")`);
      }
      if (spec.default === undefined && text.trim() === '') throw new UsageError(`--${name} must not be empty (${spec.help})`);
      out[name] = text;
      continue;
    }
    const number = Number(text);
    const shown = shorten(text);
    if (text.trim() === '' || !Number.isFinite(number)) throw new UsageError(`--${name} must be a number (got "${shown}")`);
    if (spec.kind === 'int' && !Number.isInteger(number)) throw new UsageError(`--${name} must be a whole number (got "${shown}")`);
    if (spec.min !== undefined) {
      const tooSmall = spec.kind === 'number' && spec.exclusiveMin ? number <= spec.min : number < spec.min;
      if (tooSmall)
        throw new UsageError(`--${name} must be ${spec.kind === 'number' && spec.exclusiveMin ? '>' : '>='} ${spec.min} (got ${shown})`);
    }
    // Whole numbers are counts and seeds: beyond 2^31 - 1 a seed wraps to another seed.
    const max = spec.max ?? (spec.kind === 'int' ? MAX_INT : undefined);
    if (max !== undefined && number > max) throw new UsageError(`--${name} must be <= ${max} (got ${shown})`);
    out[name] = number;
  }
  return out as Flags<T> & { help: boolean };
}

/** Run a CLI main: usage errors print the message and usage, exit 2; other errors exit 1. */
export async function runCli(command: string, specs: Record<string, FlagSpec>, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${usage(command, specs)}\n`);
      process.exit(2);
    }
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
