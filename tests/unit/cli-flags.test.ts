import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError, type FlagSpec } from '../../src/cli/args';
import { parseLessonArgs } from '../../src/cli/lesson-args';
import { COMMAND_FLAGS, EVAL_FLAGS, SFT_FLAGS, SWEEP_FLAGS, TRAIN_FLAGS } from '../../src/cli/commands';
import { configFromFlags, RENAMED_FLAGS, sweepPlanFromFlags } from '../../src/cli/control-flags';
import { CONTROLS, defaultConfig } from '../../src/core/playground/controls';
import { decodeHash } from '../../src/core/playground/url-hash';

/** The validators every CLI command uses, in process (one spawned run per command is in tests/integration/cli.test.ts). */
const train = (argv: string[]) => configFromFlags(parseFlags(argv, TRAIN_FLAGS, RENAMED_FLAGS));
const sweep = (argv: string[]) => sweepPlanFromFlags(parseFlags(argv, SWEEP_FLAGS, RENAMED_FLAGS));

describe('train flags are the page controls', () => {
  it.each([
    [['--beta', '0'], /--beta: Beta must be greater than 0 \(got 0\)/],
    [['--beta=-1'], /--beta: Beta must be greater than 0 \(got -1\)/],
    [['--loss', 'dpo'], /--loss: Loss types: unknown loss type "dpo"/],
    [['--loss', 'sigmoid,sft:x'], /weight of sft must be a number/],
    [['--loss', 'sigmoid:0'], /every loss weight is 0/],
    [['--k', '1'], /--k: Samples K must be at least 2 \(got 1\)/],
    [['--mode', 'sideways'], /--mode: Method must be one of sft, offline, online, mixed \(got "sideways"\)/],
    [['--judge', 'human', '--mode', 'online', '--batch', '4'], /the human judge needs the page/],
    [['--topp', '0'], /--topp: Top-p must be greater than 0/],
    [['--rounds', '5', '--steps', '2'], /iterative rounds \(5\) cannot exceed the steps \(2\)/],
    [['--bogus'], /Unknown option '--bogus'/],
    // Old names say what to type now.
    [['--temperature', '0.7'], /--temperature is now --temp/],
    [['--eval-scenes', '100'], /--eval-scenes is now --evaln/],
    // A seed past 2^31 - 1 would wrap to another seed; a repeated flag would keep only its last value.
    [['--seed', '4294967296'], /--seed: Seed must be at most 2147483647 \(got 4294967296\)/],
    [['--beta', '0.1', '--beta', '0.5'], /--beta is given 2 times; give it once/],
    [['--steps', 'x'.repeat(1000)], /--steps: Steps must be a number \(got "x{40}\.\.\."\)/],
  ])('train %j is refused: %s', (argv, message) => {
    expect(() => train(argv)).toThrow(UsageError);
    expect(() => train(argv)).toThrow(message);
  });

  it('default to the page defaults, and a command line equals the link with the same values', () => {
    expect(train([])).toEqual(defaultConfig());
    const argv = ['--mode', 'online', '--k', '6', '--temp', '1', '--seed', '2147483647', '--loss', 'ipo', '--evalseed', '3'];
    const link = decodeHash('#v=1&mode=online&k=6&temp=1&seed=2147483647&loss=ipo&evalseed=3');
    expect(link.problems).toEqual([]);
    expect(train(argv)).toEqual(link.config);
  });

  it('--help lists every control with its label, range and default', async () => {
    const { usage } = await import('../../src/cli/args');
    const text = usage('train', TRAIN_FLAGS);
    for (const control of CONTROLS) expect(text).toContain(`--${control.key} VALUE  ${control.label}: `);
    expect(text).toContain(
      '--beta VALUE  Beta: How strongly the policy is tied to the reference. Small beta lets it move far (and over-optimise). [> 0, <= 100] (default 0.1)',
    );
  });

  it('a required text flag may not be empty, and whole numbers have a ceiling unless a flag sets one', () => {
    const specs = {
      out: { kind: 'string', help: 'output directory' },
      steps: { kind: 'int', default: 1, min: 1, max: 1_000_000, help: 'steps' },
    } satisfies Record<string, FlagSpec>;
    expect(() => parseFlags(['--out', ''], specs)).toThrow(/--out must not be empty/);
    expect(() => parseFlags(['--out', 'x', '--steps', '1e12'], specs)).toThrow(/--steps must be <= 1000000 \(got 1e12\)/);
    expect(parseFlags(['--out', 'x', '--steps', '1e3'], specs).steps).toBe(1000);
  });
});

describe('eval and sft flags', () => {
  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--scenes', '0'], /--scenes must be >= 1 \(got 0\)/],
    [['--scenes', 'many'], /--scenes must be a number \(got "many"\)/],
    [['--scenes', '2.5'], /--scenes must be a whole number/],
    [['--backend', 'tpu'], /--backend must be one of wasm, cpu/],
  ])('eval %j is refused: %s', (argv, message) => {
    expect(() => parseFlags(argv, EVAL_FLAGS)).toThrow(UsageError);
    expect(() => parseFlags(argv, EVAL_FLAGS)).toThrow(message);
  });

  it.each([
    [['--steps', '1'], /--out is required/],
    [['--lr', '0', '--out', '/tmp/x'], /--lr must be > 0/],
    [['--out', ''], /--out/],
  ])('sft %j is refused: %s', (argv, message) => {
    expect(() => parseFlags(argv, SFT_FLAGS)).toThrow(UsageError);
    expect(() => parseFlags(argv, SFT_FLAGS)).toThrow(message);
  });
});

describe('sweep flags plan the page sweep', () => {
  it.each([
    [['--beta', '0.1,0'], /Beta must be greater than 0 \(got 0\)/],
    [['--beta', '1e9'], /Beta must be at most 100 \(got 1000000000\)/],
    [['--k', '1000'], /Samples K must be at most 16/],
    [['--mode', 'offline,sideways'], /Method must be one of sft, offline, online, mixed \(got "sideways"\)/],
    [['--beta', '0.1,0.2,0.3,0.4,0.5,0.6,0.7', '--seeds', '0,1,2,3,4,5,6'], /the sweep would start 49 runs; the limit is 48/],
    [['--seeds', '0,0'], /Seed: 0 is listed more than once/],
    [['--lr', '0'], /Learning rate must be greater than 0/],
  ])('sweep %j is refused: %s', (argv, message) => {
    expect(() => sweep(argv)).toThrow(message);
  });

  it('expands the grid with the fixed settings, seeds innermost', () => {
    const configs = sweep(['--beta', '0.05,0.5', '--mode', 'offline,online', '--seeds', '0,1', '--steps', '30']);
    expect(configs).toHaveLength(8);
    expect(configs.map((c) => [c.beta, c.mode, c.seed])).toEqual([
      [0.05, 'offline', 0],
      [0.05, 'offline', 1],
      [0.05, 'online', 0],
      [0.05, 'online', 1],
      [0.5, 'offline', 0],
      [0.5, 'offline', 1],
      [0.5, 'online', 0],
      [0.5, 'online', 1],
    ]);
    expect(configs.every((c) => c.steps === 30 && c.temp === defaultConfig().temp)).toBe(true);
  });
});

/** `npm run X -- ARGS` lines of a Markdown file's code blocks, with optional [parts] included. */
function printedCommands(path: string): { line: string; script: string; args: string[] }[] {
  const commands: { line: string; script: string; args: string[] }[] = [];
  let inCode = false;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    if (raw.startsWith('```')) inCode = !inCode;
    if (!inCode) continue;
    for (const part of raw.replace(/#.*$/, '').split('&&')) {
      const match = /npm run ([\w:-]+)(.*)$/.exec(part.trim());
      if (!match) continue;
      const rest = match[2]!
        .replace(/[[\]]/g, ' ')
        .trim()
        .replace(/^--\s*/, '');
      // As a shell splits them: a quoted argument ("sigmoid,sft:1;sigmoid") is one, without its quotes.
      const args = (rest.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((a) => a.replace(/^(["'])(.*)\1$/, '$2'));
      commands.push({ line: part.trim(), script: match[1]!, args });
    }
  }
  return commands;
}

describe('every command the README and docs print', () => {
  const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
  const commands = [...printedCommands('README.md'), ...printedCommands('docs/results.md')];

  it('is found (the check below is not vacuous)', () => {
    expect(commands.filter((c) => c.script in COMMAND_FLAGS).length).toBeGreaterThan(10);
  });

  it.each(commands.map((c) => [c.line, c] as const))('%s parses as printed', (_, { script, args }) => {
    expect(scripts, `npm run ${script} is not a script`).toHaveProperty(script);
    // npm runs preX and postX around X: a command must not trigger a hook it did not ask for.
    expect(scripts).not.toHaveProperty(`pre${script}`);
    expect(scripts).not.toHaveProperty(`post${script}`);
    if (!(script in COMMAND_FLAGS)) return;
    if (script === 'lesson') return void parseLessonArgs(args);
    const flags = parseFlags(args, COMMAND_FLAGS[script as keyof typeof COMMAND_FLAGS], RENAMED_FLAGS);
    if (script === 'train') configFromFlags(flags);
    if (script === 'sweep') sweepPlanFromFlags(flags as Parameters<typeof sweepPlanFromFlags>[0]);
  });
});

describe('npm run lesson', () => {
  it('takes the lesson id first, then flags', () => {
    const args = parseLessonArgs(['reward-hacking', '--seeds', '0,1,2', '--evalseed', '5']);
    expect(args.lessons.map((l) => l.id)).toEqual(['reward-hacking']);
    expect(args.seeds).toEqual([0, 1, 2]);
    expect(args.flags.evalseed).toBe(5);
    expect(parseLessonArgs(['all']).lessons.length).toBeGreaterThan(5);
    expect(parseLessonArgs(['--help']).help).toBe(true);
  });

  it('refuses a missing or unknown lesson and bad seeds, saying what to type', () => {
    expect(() => parseLessonArgs([])).toThrow(/name a lesson first \(or all\): why-hallucinate, offline-dpo/);
    expect(() => parseLessonArgs(['nope'])).toThrow(/no lesson "nope": one of/);
    expect(() => parseLessonArgs(['offline-dpo', '--seeds', '0,x'])).toThrow('--seeds: "x" is not a seed');
    expect(() => parseLessonArgs(['offline-dpo', '--seeds', '1,1'])).toThrow('a seed is given twice');
    expect(() => parseLessonArgs(['offline-dpo', '--seeds', 'x'.repeat(100_000)])).toThrow(/^--seeds: "x{20}" is not a seed/);
    expect(() => parseLessonArgs(['offline-dpo', '--evalseed', '-1'])).toThrow(/--evalseed/);
  });
});
