import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

describe('CLI flags', () => {
  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--scenes', '0'], /--scenes must be >= 1 \(got 0\)/],
    [['--scenes', 'many'], /--scenes must be a number \(got "many"\)/],
    [['--scenes', '2.5'], /--scenes must be a whole number/],
    [['--backend', 'tpu'], /--backend must be one of wasm, cpu/],
  ])('eval %j exits 2 with a clear message and the usage', (args, message) => {
    const { code, stderr } = runCli('eval', args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/usage: npm run eval/);
  });

  it('pretrain refuses a missing --out and a zero learning rate', () => {
    expect(runCli('sft', ['--steps', '1']).stderr).toMatch(/--out is required/);
    const zeroLr = runCli('sft', ['--lr', '0', '--out', '/tmp/x']);
    expect(zeroLr.code).toBe(2);
    expect(zeroLr.stderr).toMatch(/--lr must be > 0/);
  });
});

describe('pretrain -> eval round trip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpo-ckpt-'));

  it('pretrain writes a checkpoint, eval.json and a model card; eval --json reproduces eval.json', () => {
    const out = join(dir, 'tiny');
    const trained = runCli('sft', ['--preset', 'tiny', '--steps', '3', '--vision-steps', '2', '--batch', '4', '--out', out, '--eval-scenes', '6']);
    expect(trained.code, trained.stderr).toBe(0);
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    expect(card).toMatch(/npm run sft -- --seed 0 --steps 3/);
    const saved = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));

    const evaluated = runCli('eval', ['--checkpoint', out, '--scenes', '6', '--seed', '1', '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const lastLine = evaluated.stdout.trim().split('\n').at(-1)!;
    const report = JSON.parse(lastLine);
    for (const key of ['chair_i', 'chair_s', 'cover', 'attr_error', 'count_error']) expect(report[key]).toBe(saved[key]);
    for (const split of ['random', 'popular', 'adversarial']) {
      expect(Object.keys(report.pope[split]).sort()).toEqual(['acc', 'f1', 'precision', 'recall', 'yes_ratio']);
      expect(report.pope[split]).toEqual(saved.pope[split]);
    }
  });

  it('eval refuses a corrupted checkpoint with a clear message (exit 1)', () => {
    const out = join(dir, 'tiny');
    const weightsPath = join(out, 'weights.bin');
    const bytes = readFileSync(weightsPath);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(weightsPath, bytes);
    const result = runCli('eval', ['--checkpoint', out, '--scenes', '2']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/corrupted/);
    expect(runCli('eval', ['--checkpoint', join(dir, 'nowhere')]).stderr).toMatch(/checkpoint.json or weights.bin is missing/);
  });
});

describe('train and sweep flags (their validation is tested in process in tests/unit/cli-flags.test.ts)', () => {
  it.each([
    ['train', ['--beta', '0'], /--beta must be > 0 \(got 0\)/],
    ['sweep', ['--beta', '0.1,0'], /--beta must be a comma-separated list of numbers > 0/],
    ['sweep', ['--mode', 'offline,sideways'], /unknown mode "sideways"/],
  ] as const)('%s %j exits 2 with a clear message', (script, args, message) => {
    const { code, stderr } = runCli(script, [...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
