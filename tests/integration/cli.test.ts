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

describe('train and sweep flags', () => {
  it.each([
    [['--beta', '0'], /--beta must be > 0 \(got 0\)/],
    [['--beta=-1'], /--beta must be > 0 \(got -1\)/],
    [['--loss', 'dpo'], /--loss: unknown loss type "dpo"/],
    [['--loss', 'sigmoid,sft:x'], /weight of sft must be a number/],
    [['--mode', 'online', '--samples', '1'], /--samples must be >= 2 \(got 1\)/],
    [['--judge', 'human'], /--judge must be one of oracle, noisy, self/],
    [['--top-p', '0'], /--top-p must be > 0/],
  ])('train %j exits 2 with a clear message', (args, message) => {
    const { code, stderr } = runCli('train', args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it.each([
    [['--beta', '0.1,0'], /--beta must be a comma-separated list of numbers > 0/],
    [['--mode', 'offline,sideways'], /unknown mode "sideways"/],
    [['--samples', '4,1'], /--samples must be a comma-separated list/],
  ])('sweep %j exits 2 with a clear message', (args, message) => {
    const { code, stderr } = runCli('sweep', args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
