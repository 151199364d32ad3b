import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { controlChoices, parseSetting, settingText, type Control, type ValueOf } from '../core/settings/controls';
import { numberText, problemsOf, sayingAbout, type BoundWords } from '../core/validation';

/**
 * A flag the CLI accepts: its kind, default, and the range a value must fall in; or one of the
 * playground's controls, whose name, default, range, help and validation are the page's.
 */
export type FlagSpec =
  | { kind: 'int'; default?: number; min?: number; max?: number; help: string }
  | { kind: 'number'; default?: number; min?: number; max?: number; exclusiveMin?: boolean; help: string }
  | { kind: 'string'; default?: string; choices?: readonly string[]; help: string }
  | { kind: 'boolean'; help: string }
  /** One or more values, each its own argument (`--merge a b c`, as a shell expands `dir/*`): up to the next flag. */
  | { kind: 'list'; help: string }
  | { kind: 'control'; control: Control };

type Value<S extends FlagSpec> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'list' }
    ? string[]
    : S extends { kind: 'string' }
      ? string
      : S extends { kind: 'control'; control: infer C extends Control }
        ? ValueOf<C>
        : number;
export type Flags<T extends Record<string, FlagSpec>> = { [K in keyof T]: Value<T[K]> };

/** What parseFlags returns: `--help` anywhere asks for help (nothing else is read), else every flag's value. */
export type ParsedFlags<T extends Record<string, FlagSpec>> = { help: true } | (Flags<T> & { help: false });

/** Largest whole-number flag value unless a flag sets its own: the page's seed range. */
export const MAX_INT = 2 ** 31 - 1;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** What values a control takes, for --help: "0..1", "> 0, at most 100", "a|b|c". */
export function controlRange(control: Control): string {
  switch (control.kind) {
    case 'number':
      return control.exclusiveMin ? `> ${control.min}, <= ${control.max}` : `${control.min}..${control.max}`;
    case 'int':
      return `whole, ${control.min}..${control.max}`;
    case 'choice':
    case 'boolean':
      return controlChoices(control)!.join('|');
    case 'text':
      return 'text';
  }
}

export function usage(command: string, specs: Record<string, FlagSpec>): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    if (spec.kind === 'control') {
      const { control } = spec;
      return `  --${name} VALUE  ${control.label}: ${control.help} [${controlRange(control)}] (default ${settingText(control, control.default)})`;
    }
    const def = 'default' in spec && spec.default !== undefined && spec.default !== '' ? ` (default ${spec.default})` : '';
    const choices = spec.kind === 'string' && spec.choices ? ` [${spec.choices.join('|')}]` : '';
    const value = spec.kind === 'boolean' ? '' : spec.kind === 'list' ? ' VALUE...' : ' VALUE';
    return `  --${name}${value}  ${spec.help}${choices}${def}`;
  });
  return `usage: npm run ${command} -- [flags]\n${lines.join('\n')}`;
}

/**
 * The text a plain (non-control) flag accepts, as a valibot schema with the CLI's messages; checks
 * read the text as typed, so messages quote it unchanged.
 */
function flagSchema(name: string, spec: Exclude<FlagSpec, { kind: 'control' | 'boolean' | 'list' }>): v.GenericSchema<string> {
  const says = sayingAbout(`--${name}`);
  if (spec.kind === 'string') {
    return v.pipe(
      v.string(),
      v.check((text) => !spec.choices || spec.choices.includes(text), says(`must be one of ${spec.choices?.join(', ')}`, true)),
      v.check((text) => spec.default !== undefined || text.trim() !== '', `--${name} must not be empty (${spec.help})`),
    );
  }
  // Whole numbers are counts and seeds: beyond 2^31 - 1 a seed wraps to another seed.
  const max = spec.max ?? (spec.kind === 'int' ? MAX_INT : undefined);
  const exclusiveMin = spec.kind === 'number' && spec.exclusiveMin;
  return numberText(says, { whole: spec.kind === 'int', min: spec.min, exclusiveMin, max }, FLAG_BOUNDS);
}

const FLAG_BOUNDS: BoundWords = { atLeast: '>=', greaterThan: '>', atMost: '<=', quoteWhole: true };

/**
 * Parse and validate argv; every problem becomes one UsageError naming the flag and the fix.
 * `--help` anywhere asks for help: nothing else is read or required. `renamed` maps flags of earlier
 * versions to their names now ("scenes" -> "evaln"), so an old command line says what to type; a
 * rename counts where the new flag exists (and the old name is not a flag of its own).
 */
export function parseFlags<T extends Record<string, FlagSpec>>(
  argv: string[],
  specs: T,
  renamed: Record<string, string> = {},
): ParsedFlags<T> {
  // Up to a "--" terminator, as node:util reads options.
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (options.includes('--help')) return { help: true };
  for (const arg of options) {
    const name = /^--([^=]+)/.exec(arg)?.[1];
    const now = name === undefined || name in specs ? undefined : renamed[name];
    if (now !== undefined && now.split(' ')[0]! in specs) throw new UsageError(`--${name} is now --${now}`);
  }
  const { rest, lists } = takeLists(argv, specs);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: Object.fromEntries([
        ['help', { type: 'boolean' }],
        ...Object.entries(specs)
          .filter(([, spec]) => spec.kind !== 'list')
          .map(([name, spec]): [string, { type: 'boolean' | 'string' }] => [
            name,
            { type: spec.kind === 'boolean' ? 'boolean' : 'string' },
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
  const out: Record<string, unknown> = { help: false };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = values[name];
    if (spec.kind === 'control') {
      const { control } = spec;
      if (raw === undefined) {
        out[name] = control.default;
        continue;
      }
      const read = parseSetting(control, String(raw));
      if (read.problem !== undefined) throw new UsageError(`--${name}: ${read.problem}`);
      out[name] = read.value;
      continue;
    }
    if (spec.kind === 'boolean') {
      out[name] = raw === true;
      continue;
    }
    if (spec.kind === 'list') {
      out[name] = lists.get(name) ?? [];
      continue;
    }
    if (raw === undefined) {
      if (spec.default === undefined) throw new UsageError(`--${name} is required (${spec.help})`);
      out[name] = spec.default;
      continue;
    }
    const text = String(raw);
    const problem = problemsOf(flagSchema(name, spec), text)[0];
    if (problem) throw new UsageError(problem);
    out[name] = spec.kind === 'string' ? text : Number(text);
  }
  return out as Flags<T> & { help: false };
}

/**
 * List flags (kind 'list') taken out of argv before node:util reads the rest: each with the
 * arguments after it up to the next flag (`--merge=a` starts the list with a). A list flag given
 * twice, or with no value, is a usage error.
 */
function takeLists(argv: string[], specs: Record<string, FlagSpec>): { rest: string[]; lists: Map<string, string[]> } {
  const rest: string[] = [];
  const lists = new Map<string, string[]>();
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  for (let i = 0; i < argv.length; i++) {
    const match = i < end ? /^--([^=]+)(?:=(.*))?$/s.exec(argv[i]!) : null;
    const spec = match ? specs[match[1]!] : undefined;
    if (!match || spec?.kind !== 'list') {
      rest.push(argv[i]!);
      continue;
    }
    const name = match[1]!;
    if (lists.has(name)) throw new UsageError(`--${name} is given twice; give it once, with all its values after it`);
    const values = match[2] !== undefined ? [match[2]] : [];
    while (i + 1 < end && !argv[i + 1]!.startsWith('--')) values.push(argv[++i]!);
    const given = values.filter((value) => value !== '');
    if (given.length === 0) throw new UsageError(`--${name} needs at least one value (${spec.help})`);
    lists.set(name, given);
  }
  return { rest, lists };
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
