import { parseArgs } from 'node:util';

/** A flag the CLI accepts: its kind, default, and the range a value must fall in. */
export type FlagSpec =
  | { kind: 'int'; default?: number; min?: number; max?: number; help: string }
  | { kind: 'number'; default?: number; min?: number; max?: number; exclusiveMin?: boolean; help: string }
  | { kind: 'string'; default?: string; choices?: readonly string[]; help: string }
  | { kind: 'boolean'; help: string };

type Value<S extends FlagSpec> = S extends { kind: 'boolean' } ? boolean : S extends { kind: 'string' } ? string : number;
export type Flags<T extends Record<string, FlagSpec>> = { [K in keyof T]: Value<T[K]> };

export class UsageError extends Error {
  override name = 'UsageError';
}

export function usage(command: string, specs: Record<string, FlagSpec>): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const def = 'default' in spec && spec.default !== undefined ? ` (default ${spec.default})` : '';
    const choices = spec.kind === 'string' && spec.choices ? ` [${spec.choices.join('|')}]` : '';
    return `  --${name}${spec.kind === 'boolean' ? '' : ' VALUE'}  ${spec.help}${choices}${def}`;
  });
  return `usage: npm run ${command} -- [flags]\n${lines.join('\n')}`;
}

/** Parse and validate argv; every problem becomes one UsageError naming the flag and the fix. */
export function parseFlags<T extends Record<string, FlagSpec>>(argv: string[], specs: T): Flags<T> & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries([
        ['help', { type: 'boolean' as const }],
        ...Object.entries(specs).map(([name, spec]) => [name, { type: spec.kind === 'boolean' ? ('boolean' as const) : ('string' as const) }]),
      ]),
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const out: Record<string, unknown> = { help: values.help === true };
  for (const [name, spec] of Object.entries(specs)) {
    const raw = values[name];
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
        throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')} (got "${text}")`);
      }
      out[name] = text;
      continue;
    }
    const number = Number(text);
    if (text.trim() === '' || !Number.isFinite(number)) throw new UsageError(`--${name} must be a number (got "${text}")`);
    if (spec.kind === 'int' && !Number.isInteger(number)) throw new UsageError(`--${name} must be a whole number (got "${text}")`);
    if (spec.min !== undefined) {
      const tooSmall = spec.kind === 'number' && spec.exclusiveMin ? number <= spec.min : number < spec.min;
      if (tooSmall) throw new UsageError(`--${name} must be ${spec.kind === 'number' && spec.exclusiveMin ? '>' : '>='} ${spec.min} (got ${text})`);
    }
    if (spec.max !== undefined && number > spec.max) throw new UsageError(`--${name} must be <= ${spec.max} (got ${text})`);
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
