import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { disposeWeights } from '../../src/core/model/weights';
import { defaultConfig } from '../../src/core/settings/controls';
import { trlDatasetForConfig } from '../../src/core/export/trl-export';
import { parseRunsJson } from '../../src/core/runs/run-files';
import { EVAL_KEYS } from '../../src/core/eval/eval-record';
import { runCli } from './run-cli';

describe("CLI flags (every command's validator is tested in process in tests/unit/cli-flags.test.ts)", () => {
  it('a bad eval flag exits 2 with a clear message and the usage', () => {
    const { code, stderr } = runCli('eval', ['--evaln', '0']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--evaln must be >= 1 \(got 0\)/);
    expect(stderr).toMatch(/usage: npm run eval/);
    expect(runCli('eval', ['--scenes', '10']).stderr).toMatch(/--scenes is now --evaln/);
  });

  it('--help prints the usage and exits 0, even where a flag is required', () => {
    for (const command of ['sft', 'golden', 'export-trl', 'eval'] as const) {
      const { code, stdout, stderr } = runCli(command, ['--help']);
      expect(code, `${command}: ${stderr}`).toBe(0);
      expect(stdout).toMatch(new RegExp(`usage: npm run ${command}`));
    }
  });

  it("sweep --help lists every setting as a flag that takes a list, and exits 0; a bad list exits 2 with the control's message", () => {
    const help = runCli('sweep', ['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/--lr VALUE {2}Learning rate: .*a comma-separated list sweeps it\]/);
    expect(help.stdout).toMatch(/--loss VALUE {2}Loss types: .*a list separated by ";" sweeps it\]/);
    expect(help.stdout).toMatch(/--seeds VALUE/);
    const bad = runCli('sweep', ['--judge', 'oracle,wise']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Judge must be one of oracle, noisy, .* \(got "wise"\)/);
    expect(runCli('sweep', ['--seed', '1']).stderr).toMatch(/a sweep takes its seeds as a list: --seeds 0,1,2/);
  });

  it('sft refuses a missing --out before training', () => {
    const { code, stderr } = runCli('sft', ['--steps', '1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--out is required/);
  });
});

describe('pretrain -> eval round trip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpo-ckpt-'));

  it('pretrain writes a checkpoint, eval.json and a model card; eval --json reproduces eval.json', () => {
    const out = join(dir, 'tiny');
    const trained = runCli('sft', ['--model', 'tiny', '--steps', '3', '--vision-steps', '2', '--batch', '4', '--out', out, '--evaln', '6']);
    expect(trained.code, trained.stderr).toBe(0);
    const card = readFileSync(join(out, 'README.md'), 'utf8');
    expect(card).toMatch(/npm run sft -- --seed 0 --steps 3/);
    const saved = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));

    const evaluated = runCli('eval', ['--checkpoint', out, '--evaln', '6', '--evalseed', '1', '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const lastLine = evaluated.stdout.trim().split('\n').at(-1)!;
    const report = JSON.parse(lastLine);
    // One flat record, the one every run keeps per evaluation, plus what it was measured on.
    expect(Object.keys(report)).toEqual([...EVAL_KEYS, 'signed_scenes', 'scenes', 'seed']);
    for (const key of EVAL_KEYS) expect(report[key], key).toBe(saved[key]);
    expect(report).toMatchObject({ scenes: 6, seed: 1 });
  });

  it('eval refuses a corrupted checkpoint with a clear message (exit 1)', () => {
    const out = join(dir, 'tiny');
    const weightsPath = join(out, 'weights.bin');
    const bytes = readFileSync(weightsPath);
    bytes[100] = bytes[100]! ^ 0xff;
    writeFileSync(weightsPath, bytes);
    const result = runCli('eval', ['--checkpoint', out, '--evaln', '2']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/corrupted/);
    expect(runCli('eval', ['--checkpoint', join(dir, 'nowhere')]).stderr).toMatch(/checkpoint.json or weights.bin is missing/);
  });
});

describe('train and sweep, run as the README prints them (their flags are tested in process in tests/unit/cli-flags.test.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpo-cli-'));

  it('train runs the page run: history, evaluations at the start, every N steps and the end, and a checkpoint', () => {
    const out = join(dir, 'trained');
    const result = runCli('train', [
      '--steps',
      '4',
      '--batch',
      '4',
      '--npairs',
      '8',
      '--evalevery',
      '2',
      '--evaln',
      '8',
      '--out',
      out,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    // The last line is a runs file, read by the page's own importer.
    const notes: string[] = [];
    const runs = parseRunsJson(result.stdout.trim().split('\n').at(-1)!, notes);
    expect(runs).toHaveLength(1);
    expect(notes).toEqual([]);
    const run = runs[0]!;
    expect(run.name).toBe('offline gt-corrupt beta=0.1');
    expect(run.seconds).toBeGreaterThan(0);
    expect(run.status).toBe('done');
    expect(run.config).toMatchObject({ method: 'offline', steps: 4, batchSize: 4, offlinePairs: 8, temperature: 0.7, evalSeed: 1 });
    expect(run.history.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(run.history[0]!.metrics).toHaveProperty('rewards/margins');
    expect(run.evals.map((e) => e.step)).toEqual([0, 2, 4]);
    // Every score of the flat evaluation record: 5 caption scores, POPE's 3 splits x 5, injection,
    // the hallucination rate and 6 question categories; each a rate.
    expect(Object.keys(run.evals[0]!.summary)).toHaveLength(28);
    for (const value of Object.values(run.evals[0]!.summary)) expect(value).toSatisfy((v: number) => v >= 0 && v <= 1);
    const header = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    expect(header.meta.command).toMatch(/^npm run train -- --steps 4/);
    expect(header.meta.parent).toBe('models/sft-base');
  });

  it('sweep runs the grid (merged where a setting changes nothing) and writes one CSV row per run and one group per grid point', () => {
    const out = join(dir, 'sweep');
    const result = runCli('sweep', [
      '--beta',
      '0.1,0.5',
      '--temp',
      '0.5,1',
      '--seeds',
      '0,1',
      '--steps',
      '2',
      '--batch',
      '4',
      '--npairs',
      '8',
      '--evalevery',
      '0',
      '--evaln',
      '4',
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    // Offline runs ignore the temperature: its two values are merged, and the output says so.
    expect(result.stdout).toMatch(/sweep: 4 runs \(8 combinations\)/);
    expect(result.stdout).toContain('Temperature changes nothing for offline runs with gt-corrupt pairs: merged');
    expect(result.stdout).toMatch(/beta=0.1 .* 2 /);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    // The page's runs CSV and runs file: one writer, and the page's importer reads the sweep back.
    expect(csv[0]).toMatch(/^id,name,status,step,cooc,halluc,obey,mode,/);
    expect(csv[0]).toMatch(/,final_chair_i,.*,start_chair_i,.*,seconds$/);
    const text = readFileSync(join(out, 'results.json'), 'utf8');
    const runs = parseRunsJson(text);
    expect(runs.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(new Set(runs.map((r) => r.sweepId)).size).toBe(1);
    expect(new Set(runs.map((r) => r.colour)).size).toBe(4);
    const json = JSON.parse(text);
    expect(json.groups.map((g: { key: string; runs: number }) => [g.key, g.runs])).toEqual([
      ['beta=0.1', 2],
      ['beta=0.5', 2],
    ]);
  });

  it("a bad flag exits 2 with the control's own message", () => {
    const { code, stderr } = runCli('train', ['--beta', '0']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--beta: Beta must be greater than 0 \(got 0\)/);
  });
});

describe('sweep on several threads, in shards, merged (the flags are tested in process in tests/unit/sweep-shard.test.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpo-sweep-'));
  // Offline and online runs (online samples every step), two seeds: 4 runs of 2 steps.
  const grid = '--mode offline,online --seeds 0,1 --steps 2 --batch 4 --npairs 8 --evalevery 0 --evaln 4'.split(' ');
  /** results.csv's rows without what differs between two runs of the same sweep: the run id and the wall time. */
  function rows(out: string): string[][] {
    const [header, ...lines] = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    const names = header!.split(',');
    const kept = names.map((name, i) => (name === 'id' || name === 'seconds' ? -1 : i)).filter((i) => i >= 0);
    // Quoted fields hold commas ("sigmoid,sft:1"): split outside quotes.
    return [names, ...lines.map((line) => line.match(/("[^"]*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, '')))].map((row) =>
      kept.map((i) => row[i]!),
    );
  }
  /** Every run as results.json keeps it (history, evaluations, events, colour), less its id, dates and wall time. */
  const runsOf = (name: string) =>
    parseRunsJson(readFileSync(join(dir, name, 'results.json'), 'utf8')).map(
      ({ id: _id, createdAt: _createdAt, seconds: _seconds, sweepId: _sweepId, ...run }) => run,
    );
  /** The printed summary: the starting model, the table per grid point, what did not finish. */
  const table = (stdout: string) => stdout.slice(stdout.indexOf('starting model'), stdout.indexOf('\nwrote'));
  let sequentialTable = '';
  const sweep = (name: string, ...args: string[]) => {
    const result = runCli('sweep', [...grid, '--out', join(dir, name), ...args]);
    expect(result.code, result.stderr).toBe(0);
    return result;
  };

  it('--jobs 2 trains the same runs as one at a time: every number, name and colour, in grid order', () => {
    sequentialTable = table(sweep('jobs1').stdout);
    expect(sequentialTable).toMatch(/grid point/);
    const parallel = sweep('jobs2', '--jobs', '2');
    expect(parallel.stdout).toMatch(/sweep: 4 runs from models\/sft-base on wasm, 2 at once in worker threads/);
    // The progress bar (off a terminal: every 10 s and at the end).
    expect(parallel.stderr).toMatch(/^sweep \[#+\] 4\/4 /m);
    const sequential = rows(join(dir, 'jobs1'));
    expect(sequential).toHaveLength(5);
    expect(rows(join(dir, 'jobs2'))).toEqual(sequential);
    expect(runsOf('jobs2')).toEqual(runsOf('jobs1'));
    expect(table(parallel.stdout)).toBe(sequentialTable);
  });

  it('3 shards merged are the unsharded sweep exactly; a missing or repeated shard is refused and nothing is written', () => {
    const shard = sweep('s2', '--shard', '2/3');
    expect(shard.stdout).toContain('shard 2/3 (from --shard): 1 of the 4 runs, grid indices 1');
    sweep('s1', '--shard', '1/3', '--jobs', '2');
    sweep('s3', '--shard', '3/3');
    const shards = ['s1', 's2', 's3'].map((name) => join(dir, name));
    // Shard 2 missing, shard 3 twice: both said, nothing written.
    const broken = runCli('sweep', ['--merge', shards[0]!, shards[2]!, shards[2]!, '--out', join(dir, 'broken')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('cannot merge the shards; nothing was written');
    expect(broken.stderr).toContain(`shard 3/3 is given 2 times: ${shards[2]}, ${shards[2]}`);
    expect(broken.stderr).toContain('shard 2/3 of this 4-run sweep is missing');
    expect(existsSync(join(dir, 'broken'))).toBe(false);

    const merged = runCli('sweep', ['--merge', ...shards.reverse(), '--out', join(dir, 'merged')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(rows(join(dir, 'merged'))).toEqual(rows(join(dir, 'jobs1')));
    const json = (name: string) => JSON.parse(readFileSync(join(dir, name, 'results.json'), 'utf8')) as Record<string, unknown>;
    expect(json('merged').groups).toEqual(json('jobs1').groups);
    expect(runsOf('merged')).toEqual(runsOf('jobs1'));
    const runs = parseRunsJson(readFileSync(join(dir, 'merged', 'results.json'), 'utf8'));
    expect(new Set(runs.map((r) => r.sweepId)).size).toBe(1);
    expect(table(merged.stdout)).toBe(sequentialTable);
  });
});

describe('export-trl', () => {
  it("writes the page's TRL dataset zip for the same settings: the same rows and the same images", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dpo-trl-')), 'pairs.zip');
    const result = runCli('export-trl', ['--pairs', 'bdhs', '--npairs', '8', '--seed', '3', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/wrote 8 bdhs pairs/);
    // The page (no run yet) exports through trlDatasetForConfig with the same config.
    const start = await loadCheckpointDir('models/sft-base');
    const page = unzipSync(await trlDatasetForConfig(start, { ...defaultConfig(), pairSource: 'bdhs', offlinePairs: 8, seed: 3 }));
    disposeWeights(start.weights);
    const cli = unzipSync(new Uint8Array(readFileSync(out)));
    expect(Object.keys(cli).sort()).toEqual(Object.keys(page).sort());
    expect(Object.keys(cli)).toHaveLength(8 + 2);
    for (const [name, bytes] of Object.entries(page)) expect(Buffer.from(cli[name]!).equals(Buffer.from(bytes)), name).toBe(true);
    expect(strFromU8(cli['data.jsonl']!).trim().split('\n')).toHaveLength(8);
    expect(runCli('export-trl', ['--mode', 'online', '--out', out]).stderr).toMatch(/--mode online has no preference pairs before a run/);
  });
});
