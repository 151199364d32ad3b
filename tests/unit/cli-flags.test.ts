import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError, type FlagSpec } from '../../src/cli/args';
import { parseLessonArgs } from '../../src/cli/lesson-args';
import { COMMAND_FLAGS, parseCommandFlags, TRAIN_FLAGS, type CommandName } from '../../src/cli/commands';
import { configFromFlags, sweepPlanFromFlags } from '../../src/cli/control-flags';
import { CONTROLS, defaultConfig, settingText } from '../../src/core/settings/controls';
import { decodeHash } from '../../src/core/settings/url-hash';

/** The validators every CLI command uses, in process (one spawned run per command is in tests/integration/cli.test.ts). */
function train(argv: string[]) {
  const flags = parseCommandFlags('train', argv);
  if (flags.help) throw new Error('asked for help');
  return configFromFlags(flags);
}
const sweep = (argv: string[]) => sweepPlanFromFlags(parseCommandFlags('sweep', argv));
const flagsOf = (command: CommandName, argv: string[]) => parseCommandFlags(command, argv);

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
    // Refused before any model loads: it learns from choices made in the page.
    [
      ['--judge', 'reward-human', '--mode', 'online'],
      /the reward-human judge learns from the choices made with the human judge in the page/,
    ],
    [['--judge', 'reward-human-facts', '--mode', 'online'], /the reward-human-facts judge learns from the choices/],
    // Number text is plain decimal: JavaScript reads "0x10" as 16, a setting refuses it.
    [['--steps', '0x10'], /--steps: Steps must be a number in decimal digits, like 16 or 1e-3 \(got "0x10"\)/],
    [['--beta', '0b1'], /--beta: Beta must be a number in decimal digits/],
    [['--loss', 'sigmoid,sft:0x1'], /weight of sft must be a number >= 0 \(got "0x1"\)/],
    [['--reffree', 'yes'], /--reffree: Reference-free must be one of off, on \(got "yes"\)/],
    [['--topp', '0'], /--topp: Top-p must be greater than 0/],
    [['--rounds', '5', '--steps', '2'], /iterative rounds \(5\) cannot exceed the steps \(2\)/],
    [['--bogus'], /Unknown option '--bogus'/],
    // Old names say what to type now.
    [['--temperature', '0.7'], /--temperature is now --temp/],
    [['--eval-scenes', '100'], /--eval-scenes is now --evaln/],
    [['--scenes', '100'], /--scenes is now --evaln/],
    [['--cooccurrence', '0.5'], /--cooccurrence is now --cooc/],
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
    const argv = [
      '--mode',
      'online',
      '--k',
      '6',
      '--temp',
      '1',
      '--seed',
      '2147483647',
      '--loss',
      'ipo',
      '--evalseed',
      '3',
      '--reffree',
      'on',
    ];
    const link = decodeHash('#v=1&mode=online&k=6&temp=1&seed=2147483647&loss=ipo&evalseed=3&reffree=on');
    expect(train(argv)).toMatchObject({ method: 'online', samples: 6, temperature: 1, lossTypes: 'ipo', evalSeed: 3, referenceFree: true });
    expect(link.problems).toEqual([]);
    expect(train(argv)).toEqual(link.config);
  });

  it('--help lists every control with its label, range and default', async () => {
    const { usage } = await import('../../src/cli/args');
    const text = usage('train', TRAIN_FLAGS);
    for (const control of CONTROLS) expect(text).toContain(`--${control.url} VALUE  ${control.label}: `);
    expect(text).toContain('[off|on] (default off)');
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
    expect(parseFlags(['--out', 'x', '--steps', '1e3'], specs)).toMatchObject({ steps: 1000 });
  });

  it('--help asks for help whatever else is given: nothing is required or read', () => {
    const specs = { out: { kind: 'string', help: 'output directory' } } satisfies Record<string, FlagSpec>;
    expect(parseFlags(['--help'], specs)).toEqual({ help: true });
    expect(parseFlags(['--bogus', 'x', '--help'], specs)).toEqual({ help: true });
    for (const command of Object.keys(COMMAND_FLAGS) as CommandName[]) expect(flagsOf(command, ['--help']).help, command).toBe(true);
  });
});

describe('one name per setting on every command', () => {
  it('held-out scenes are --evaln and their seed --evalseed wherever a command evaluates', () => {
    for (const command of ['eval', 'sft', 'train', 'lesson', 'export-trl'] as const)
      for (const flag of ['evaln', 'evalseed']) expect(COMMAND_FLAGS[command], `${command} --${flag}`).toHaveProperty(flag);
  });

  it('sft names its data settings as the page and train do', () => {
    const flags = flagsOf('sft', [
      '--out',
      '/tmp/x',
      '--cooc',
      '0.5',
      '--halluc',
      '0.2',
      '--obey',
      '0.1',
      '--model',
      'large',
      '--evaln',
      '50',
    ]);
    expect(flags).toMatchObject({ cooc: 0.5, halluc: 0.2, obey: 0.1, model: 'large', evaln: 50 });
    for (const name of ['cooc', 'halluc', 'obey', 'model', 'seed', 'steps', 'lr', 'batch'])
      expect(TRAIN_FLAGS, `train --${name}`).toHaveProperty(name);
  });

  it.each([
    ['eval', ['--scenes', '10'], '--scenes is now --evaln'],
    ['eval', ['--seed', '5'], '--seed is now --evalseed'],
    ['eval', ['--batch', '10'], '--batch is now --gen-batch'],
    ['sft', ['--out', 'x', '--eval-scenes', '10'], '--eval-scenes is now --evaln'],
    ['sft', ['--out', 'x', '--eval-seed', '5'], '--eval-seed is now --evalseed'],
    ['sft', ['--out', 'x', '--cooccurrence', '0.5'], '--cooccurrence is now --cooc'],
    ['sft', ['--out', 'x', '--annotator-hallucination', '0.5'], '--annotator-hallucination is now --halluc'],
    ['sft', ['--out', 'x', '--annotator-sign', '0.5'], '--annotator-sign is now --obey'],
    ['sft', ['--out', 'x', '--preset', 'large'], '--preset is now --model'],
    ['bench', ['--preset', 'large'], '--preset is now --model'],
    ['train', ['--eval-seed', '5'], '--eval-seed is now --evalseed'],
    ['lesson', ['--eval-seed', '5'], '--eval-seed is now --evalseed'],
    ['export-trl', ['--out', 'x', '--offline-pairs', '8'], '--offline-pairs is now --npairs'],
  ] as const)('%s %j: %s', (command, argv, message) => {
    expect(() => flagsOf(command, [...argv])).toThrow(UsageError);
    expect(() => flagsOf(command, [...argv])).toThrow(message);
  });

  it('a rename applies only where the new flag exists: golden has no --evaln to point to', () => {
    expect(() => flagsOf('golden', ['--checkpoint', 'x', '--scenes', '3'])).toThrow(/Unknown option '--scenes'/);
    // train's --seed is the training seed, not eval's old --seed.
    expect(train(['--seed', '5']).seed).toBe(5);
  });

  it("every setting flag is its control's URL key, its default as a link writes it", () => {
    const flags = flagsOf('sweep', []);
    for (const control of CONTROLS.filter((c) => c.name !== 'seed'))
      expect(flags, control.url).toHaveProperty(control.url, settingText(control, control.default));
  });
});

describe('eval and sft flags', () => {
  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--evaln', '0'], /--evaln must be >= 1 \(got 0\)/],
    [['--evaln', 'many'], /--evaln must be a number \(got "many"\)/],
    [['--evaln', '2.5'], /--evaln must be a whole number/],
    [['--evaln', '0x10'], /--evaln must be a number in decimal digits, like 16 or 1e-3 \(got "0x10"\)/],
    [['--backend', 'tpu'], /--backend must be one of wasm, cpu/],
  ])('eval %j is refused: %s', (argv, message) => {
    expect(() => flagsOf('eval', argv)).toThrow(UsageError);
    expect(() => flagsOf('eval', argv)).toThrow(message);
  });

  it.each([
    [['--steps', '1'], /--out is required/],
    [['--lr', '0', '--out', '/tmp/x'], /--lr must be > 0/],
    [['--out', ''], /--out/],
    // Capped as eval caps it (the model card's eval command must run as printed).
    [['--out', '/tmp/x', '--evaln', '1e9'], /--evaln must be <= 10000 \(got 1e9\)/],
    [['--out', '/tmp/x', '--model', 'huge'], /--model must be one of default, large/],
  ])('sft %j is refused: %s', (argv, message) => {
    expect(() => flagsOf('sft', argv)).toThrow(UsageError);
    expect(() => flagsOf('sft', argv)).toThrow(message);
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
    expect(configs.map((c) => [c.beta, c.method, c.seed])).toEqual([
      [0.05, 'offline', 0],
      [0.05, 'offline', 1],
      [0.05, 'online', 0],
      [0.05, 'online', 1],
      [0.5, 'offline', 0],
      [0.5, 'offline', 1],
      [0.5, 'online', 0],
      [0.5, 'online', 1],
    ]);
    expect(configs.every((c) => c.steps === 30 && c.temperature === defaultConfig().temperature)).toBe(true);
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
  const commands = [...printedCommands('README.md'), ...printedCommands('docs/results.md'), ...printedCommands('docs/sweeps.md')];

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
    if (script === 'train') return void train(args);
    const flags = flagsOf(script as CommandName, args);
    if (script === 'sweep') sweepPlanFromFlags(flags);
  });
});

describe('npm run lesson', () => {
  it('takes the lesson id first, then flags', () => {
    const args = parseLessonArgs(['reward-hacking', '--seeds', '0,1,2', '--evalseed', '5']);
    if (args.help) throw new Error('asked for help');
    expect(args.lessons.map((l) => l.id)).toEqual(['reward-hacking']);
    expect(args.seeds).toEqual([0, 1, 2]);
    expect(args.flags.evalseed).toBe(5);
    expect(parseLessonArgs(['all'])).toMatchObject({ lessons: expect.arrayContaining([expect.anything(), expect.anything()]) });
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
