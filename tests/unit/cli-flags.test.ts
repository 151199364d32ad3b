import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError, type FlagSpec } from '../../src/cli/args';
import { dpoOptionsFromFlags, TRAIN_FLAGS } from '../../src/cli/train-flags';

/** The validator every CLI command uses, in process (one spawned run per command is in tests/integration/cli.test.ts). */
const train = (argv: string[]) => dpoOptionsFromFlags(parseFlags(argv, TRAIN_FLAGS));

describe('CLI flag validation', () => {
  it.each([
    [['--beta', '0'], /--beta must be > 0 \(got 0\)/],
    [['--beta=-1'], /--beta must be > 0 \(got -1\)/],
    [['--loss', 'dpo'], /--loss: unknown loss type "dpo"/],
    [['--loss', 'sigmoid,sft:x'], /weight of sft must be a number/],
    [['--loss', 'sigmoid:0'], /every loss weight is 0/],
    [['--samples', '1'], /--samples must be >= 2 \(got 1\)/],
    [['--judge', 'human'], /--judge must be one of oracle, noisy, self/],
    [['--top-p', '0'], /--top-p must be > 0/],
    [['--bogus'], /Unknown option '--bogus'/],
    // A seed past 2^31 - 1 would wrap to another seed; a repeated flag would keep only its last value.
    [['--seed', '4294967296'], /--seed must be <= 2147483647 \(got 4294967296\)/],
    [['--beta', '0.1', '--beta', '0.5'], /--beta is given 2 times; give it once/],
    [['--steps', 'x'.repeat(1000)], /--steps must be a number \(got "x{40}\.\.\."\)/],
  ])('train %j is refused: %s', (argv, message) => {
    expect(() => train(argv)).toThrow(UsageError);
    expect(() => train(argv)).toThrow(message);
  });

  it('accepts the defaults and a typical command line', () => {
    expect(train([]).loss.beta).toBe(0.1);
    const options = train(['--mode', 'online', '--samples', '4', '--temperature', '0.7', '--seed', '2147483647']);
    expect(options.mode).toBe('online');
    expect(options.seed).toBe(2147483647);
  });

  it('a required text flag may not be empty, and whole numbers have a ceiling unless a flag sets one', () => {
    const specs = { out: { kind: 'string', help: 'output directory' }, steps: { kind: 'int', default: 1, min: 1, max: 1_000_000, help: 'steps' } } satisfies Record<string, FlagSpec>;
    expect(() => parseFlags(['--out', ''], specs)).toThrow(/--out must not be empty/);
    expect(() => parseFlags(['--out', 'x', '--steps', '1e12'], specs)).toThrow(/--steps must be <= 1000000 \(got 1e12\)/);
    expect(parseFlags(['--out', 'x', '--steps', '1e3'], specs).steps).toBe(1000);
  });
});
