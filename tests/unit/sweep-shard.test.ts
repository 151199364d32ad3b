import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError, type FlagSpec } from '../../src/cli/args';
import { parseCommandFlags } from '../../src/cli/commands';
import { gridCommand, gridDigest, parseJobs, sweepOptionsFromFlags } from '../../src/cli/sweep-options';
import { sweepFromFlags } from '../../src/cli/control-flags';
import { createRun, nextRunColour, RUN_COLOURS, type RunRecord } from '../../src/core/runs/run-record';
import { defaultConfig } from '../../src/core/settings/controls';
import {
  mergeShards,
  parseShard,
  shardFromEnvironment,
  shardIndices,
  shardPlanProblem,
  sweepRunColour,
  type ShardFile,
  type SweepShard,
} from '../../src/core/sweeps/sweep-shard';

/** `npm run sweep` options as the CLI reads them, with a given environment and core count. */
function options(argv: string[], env: Record<string, string> = {}, cores = 2) {
  const flags = parseCommandFlags('sweep', argv);
  if (flags.help) throw new Error('asked for help');
  return sweepOptionsFromFlags(flags, argv, env, cores);
}

describe('shard slicing', () => {
  it('shard I of N runs the grid indices k with k % N == I - 1: every run exactly once over the shards, in grid order', () => {
    expect(shardIndices(12, { index: 1, count: 3 })).toEqual([0, 3, 6, 9]);
    expect(shardIndices(12, { index: 3, count: 3 })).toEqual([2, 5, 8, 11]);
    expect(shardIndices(4, { index: 1, count: 3 })).toEqual([0, 3]);
    expect(shardIndices(4, { index: 3, count: 3 })).toEqual([2]);
    expect(shardIndices(5, { index: 1, count: 1 })).toEqual([0, 1, 2, 3, 4]);
    for (const total of [1, 7, 12, 48])
      for (let count = 1; count <= total; count += 3) {
        const all = Array.from({ length: count }, (_, i) => shardIndices(total, { index: i + 1, count })).flat();
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, k) => k));
      }
  });

  it('reads I/N, refusing 0/3, 4/3, abc and the like; more shards than runs is refused once the plan is known', () => {
    expect(parseShard('2/3')).toEqual({ shard: { index: 2, count: 3 } });
    expect(parseShard(' 1 / 1 ')).toEqual({ shard: { index: 1, count: 1 } });
    for (const text of ['0/3', '4/3', 'abc', '1/0', '2', '2/3/4', '-1/3', '1.5/3', ''])
      expect(parseShard(text).problem, text).toMatch(/^--shard must be I\/N, shard I of N with 1 <= I <= N, like 2\/3 \(got "/);
    expect(shardPlanProblem(4, { index: 5, count: 5 })).toBe('shard 5/5: the sweep has 4 runs, so split it into at most 4 shards');
    expect(shardPlanProblem(4, { index: 4, count: 4 })).toBeUndefined();
  });

  it('colours runs by grid index: the sequential sweep’s colours, the same in every shard', () => {
    const runs: RunRecord[] = [];
    for (let k = 0; k < 14; k++) {
      expect(sweepRunColour(k), `run ${k}`).toBe(nextRunColour(runs));
      runs.push(createRun(defaultConfig(), { name: `r${k}`, colour: sweepRunColour(k) }));
    }
    expect(sweepRunColour(10)).toBe(RUN_COLOURS[0]);
  });
});

describe('the shard from a job array’s environment', () => {
  const slurm = (id: number, count: number, min = 0) => ({
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_COUNT: String(count),
    SLURM_ARRAY_TASK_MIN: String(min),
    SLURM_ARRAY_TASK_MAX: String(min + count - 1),
    SLURM_ARRAY_TASK_STEP: '1',
  });

  it('Slurm: the task id counted from SLURM_ARRAY_TASK_MIN, out of SLURM_ARRAY_TASK_COUNT', () => {
    expect(shardFromEnvironment(slurm(0, 3))).toMatchObject({ shard: { index: 1, count: 3 } });
    expect(shardFromEnvironment(slurm(3, 3, 1))).toMatchObject({ shard: { index: 3, count: 3 } });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toMatchObject({
      shard: { index: 3, count: 4 },
      source: "SLURM_ARRAY_TASK_ID=2, task 3 of the array's 4",
    });
  });

  it('Slurm: refused where the array does not say a shard', () => {
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1' })?.problem).toMatch(/SLURM_ARRAY_TASK_COUNT is not: give --shard I\/N/);
    expect(shardFromEnvironment({ ...slurm(0, 3), SLURM_ARRAY_TASK_STEP: '2' })?.problem).toMatch(/steps by "2"/);
    expect(shardFromEnvironment({ ...slurm(0, 3), SLURM_ARRAY_TASK_MAX: '7' })?.problem).toMatch(/are not 3 consecutive ids/);
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '3' })?.problem).toMatch(
      /outside the array's task ids 0..2/,
    );
    expect(shardFromEnvironment({ ...slurm(0, 3), SLURM_ARRAY_TASK_ID: 'x' })?.problem).toMatch(/SLURM_ARRAY_TASK_ID is "x"/);
    expect(shardFromEnvironment(slurm(0, 3), 4)?.problem).toMatch(/--shards 4 is not the Slurm array's 3 tasks/);
  });

  it('Kubernetes Indexed Job: JOB_COMPLETION_INDEX from 0, the count from --shards or SWEEP_SHARDS (Kubernetes does not export it)', () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 3)).toMatchObject({ shard: { index: 1, count: 3 } });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '2', SWEEP_SHARDS: '3' })).toMatchObject({
      shard: { index: 3, count: 3 },
      source: 'JOB_COMPLETION_INDEX=2, 3 shards from SWEEP_SHARDS',
    });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' })?.problem).toMatch(/pass --shards N or set SWEEP_SHARDS=N/);
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' }, 3)?.problem).toMatch(/JOB_COMPLETION_INDEX 3 is outside 0..2/);
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', SWEEP_SHARDS: 'three' })?.problem).toMatch(/SWEEP_SHARDS must be/);
  });

  it('nothing set is no shard; --shards alone is refused', () => {
    expect(shardFromEnvironment({})).toBeUndefined();
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '' })).toBeUndefined();
    expect(shardFromEnvironment({}, 3)?.problem).toMatch(/--shards 3 says how many shards, not which one/);
  });
});

describe('sweep flags: --jobs, --shard, --shards, --merge', () => {
  it('--jobs is a whole number from 1, or 0 / auto for one per core; default 1', () => {
    expect(options([]).jobs).toBe(1);
    expect(options(['--jobs', '3']).jobs).toBe(3);
    expect(options(['--jobs', 'auto'], {}, 6).jobs).toBe(6);
    expect(options(['--jobs', '0'], {}, 4).jobs).toBe(4);
    expect(parseJobs('auto', 500)).toBe(48);
    for (const text of ['x', '1.5', '-1', '', '49', '2e1', ' '])
      expect(() => parseJobs(text), text).toThrow(/--jobs must be a whole number from 1 to 48, or 0 or auto for one per core/);
    expect(() => options(['--jobs', 'many'])).toThrow(UsageError);
  });

  it('--shard I/N picks the slice and, unless --out is given, a directory of its own', () => {
    expect(options(['--shard', '2/3'])).toMatchObject({
      shard: { shard: { index: 2, count: 3 }, source: '--shard' },
      out: 'sweeps/latest/shard-2-of-3',
    });
    expect(options(['--shard', '2/3', '--out', 'x/s2']).out).toBe('x/s2');
    expect(options([]).shard).toBeUndefined();
    for (const text of ['0/3', '4/3', 'abc', '']) expect(() => options(['--shard', text]), text).toThrow(/--shard must be I\/N/);
    expect(() => options(['--shard', '1/3', '--shards', '3'])).toThrow(
      /give --shard I\/N, or --shards N with JOB_COMPLETION_INDEX, not both/,
    );
    expect(() => options(['--shards', '0'], { JOB_COMPLETION_INDEX: '0' })).toThrow(/--shards must be the number of shards/);
  });

  it('without --shard, a job array’s index picks it; --shard wins over the environment', () => {
    expect(options([], { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' }).shard?.shard).toEqual({ index: 2, count: 2 });
    expect(options(['--shards', '4'], { JOB_COMPLETION_INDEX: '3' }).shard?.shard).toEqual({ index: 4, count: 4 });
    expect(options(['--shard', '1/1'], { JOB_COMPLETION_INDEX: '3' }).shard?.shard).toEqual({ index: 1, count: 1 });
    expect(() => options([], { JOB_COMPLETION_INDEX: '3' })).toThrow(UsageError);
  });

  it('--merge takes the directories after it (as a shell expands dir/*), and only --out beside it', () => {
    expect(options(['--merge', 'a', 'b', 'c', '--out', 'm'])).toMatchObject({ merge: ['a', 'b', 'c'], out: 'm' });
    expect(options(['--out', 'm', '--merge=a', 'b']).merge).toEqual(['a', 'b']);
    expect(options([]).merge).toEqual([]);
    expect(() => options(['--merge'])).toThrow(/--merge needs at least one value/);
    expect(() => options(['--merge', '--out', 'x'])).toThrow(/--merge needs at least one value/);
    expect(() => options(['--merge', 'a', '--merge', 'b'])).toThrow(/--merge is given twice/);
    expect(() => options(['--merge', 'a', '--beta', '0.1', '--jobs', '2'])).toThrow(
      /--merge reads the grid and how it ran from the shards' results.json: leave out --beta, --jobs \(only --out goes with --merge\)/,
    );
  });

  it('a list flag is for list flags only: others still take one value', () => {
    const specs = { merge: { kind: 'list', help: 'dirs' }, out: { kind: 'string', default: 'o', help: 'out' } } satisfies Record<
      string,
      FlagSpec
    >;
    expect(() => parseFlags(['--out', 'x', 'y'], specs)).toThrow(/Unexpected argument 'y'/);
    expect(parseFlags(['--merge', 'a', 'b'], specs)).toMatchObject({ merge: ['a', 'b'], out: 'o' });
    expect(() => parseFlags(['--merge', 'a', '--', 'b'], specs)).toThrow(/Unexpected argument 'b'/);
  });

  it('the grid command leaves out what picks the slice, the threads and the output; the digest changes with the grid', () => {
    expect(gridCommand(['--beta', '0.1,0.5', '--shard', '1/3', '--jobs=2', '--out', 'x', '--seeds', '0,1'])).toBe(
      'npm run sweep -- --beta 0.1,0.5 --seeds 0,1',
    );
    const plan = (argv: string[]) => sweepFromFlags(parseCommandFlags('sweep', argv));
    expect(gridDigest(plan(['--beta', '0.1,0.5', '--seeds', '0,1']))).toBe(gridDigest(plan(['--seeds', '0,1', '--beta', '0.1,0.5'])));
    expect(gridDigest(plan(['--beta', '0.1,0.5', '--seeds', '0,1']))).not.toBe(gridDigest(plan(['--beta', '0.1,0.5', '--seeds', '0,2'])));
  });
});

describe('merging shards', () => {
  const total = 5;
  const config = defaultConfig();
  const runAt = (k: number) => createRun({ ...config, seed: k }, { name: `run ${k}`, colour: sweepRunColour(k), sweepId: 's' });
  /** Shard `index` of `count` as its results.json says it (`over` its fields, `shard` its shard field's), run k trained with seed k. */
  function shardFile(index: number, count: number, over: Record<string, unknown> = {}, shard: Record<string, unknown> = {}): ShardFile {
    const slice: SweepShard = { index, count };
    const gridIndices = shardIndices(total, slice);
    return {
      where: `dir${index}`,
      about: {
        backend: 'wasm',
        checkpoint: 'models/sft-base',
        dimensions: ['seed'],
        notes: [],
        shard: { ...slice, total, gridIndices, grid: 'sha256:aa', command: 'npm run sweep -- --seeds 0,1,2,3,4', ...shard },
        ...over,
      },
      runs: gridIndices.map(runAt),
    };
  }
  const shards = (count: number) => Array.from({ length: count }, (_, i) => shardFile(i + 1, count));

  it('lays every run out in grid order, whatever order the shards are given in', () => {
    const result = mergeShards(shards(2).reverse());
    expect(result.problems).toEqual([]);
    expect(result.merged?.runs.map((r) => r.config.seed)).toEqual([0, 1, 2, 3, 4]);
    expect(result.merged).toMatchObject({ backend: 'wasm', dimensions: ['seed'], command: 'npm run sweep -- --seeds 0,1,2,3,4' });
  });

  it('refuses a missing or a repeated slice, naming it', () => {
    const [a, b, c] = shards(3);
    expect(mergeShards([a!, c!]).problems).toEqual(['shard 2/3 of this 5-run sweep is missing']);
    expect(mergeShards([a!, b!, b!, c!]).problems).toEqual(['shard 2/3 is given 2 times: dir2, dir2']);
  });

  it('refuses shards of different sweeps, splits, backends or checkpoints', () => {
    const [a] = shards(2);
    const other = shardFile(2, 2, {}, { grid: 'sha256:bb', command: 'npm run sweep -- --seeds 5,6,7,8,9' });
    expect(mergeShards([a!, other]).problems).toEqual([
      'the shards come from different sweeps: dir1 (npm run sweep -- --seeds 0,1,2,3,4); dir2 (npm run sweep -- --seeds 5,6,7,8,9)',
    ]);
    expect(mergeShards([a!, shardFile(2, 3)]).problems[0]).toBe(
      'the shards split the grid differently: dir1 (2 shards of 5 runs); dir2 (3 shards of 5 runs)',
    );
    expect(mergeShards([a!, shardFile(2, 2, { backend: 'cpu' })]).problems).toEqual([
      'the shards ran on different backends: dir1 (wasm); dir2 (cpu)',
    ]);
    expect(mergeShards([a!, shardFile(2, 2, { checkpoint: 'x' })]).problems).toEqual([
      'the shards started from different checkpoints: dir1 (models/sft-base); dir2 (x)',
    ]);
  });

  it('refuses a whole sweep’s results, a malformed shard field and a file whose runs do not match its slice', () => {
    const [a, b] = shards(2);
    const { shard: _shard, ...whole } = b!.about;
    expect(mergeShards([a!, { ...b!, about: whole }]).problems).toEqual([
      'dir2: the results of a whole sweep, not of a shard (no "shard" field): nothing to merge it with',
      'shard 2/2 of this 5-run sweep is missing',
    ]);
    expect(mergeShards([shardFile(1, 2, {}, { index: 'one' }), b!]).problems[0]).toMatch(/^dir1: its "shard" field is malformed \(index: /);
    expect(mergeShards([{ ...a!, runs: a!.runs.slice(1) }, b!]).problems[0]).toBe(
      'dir1: shard 1/2 of 5 runs holds 3 runs, but the file has 2',
    );
    const lying = shardFile(1, 2, {}, { gridIndices: [0, 1, 2] });
    expect(mergeShards([lying, b!]).problems[0]).toBe('dir1: shard 1/2 of 5 runs holds grid runs 0, 2, 4, but it lists 0, 1, 2');
    expect(mergeShards([{ ...a!, about: { ...a!.about, dimensions: ['nope'] } }, b!]).problems[0]).toMatch(
      /^dir1: its dimensions.0 is malformed/,
    );
    expect(mergeShards([]).problems).toEqual(['no shards to merge']);
  });
});
