/**
 * A sweep split across machines (`npm run sweep -- --shard I/N`) and put back together
 * (`--merge DIR...`). Shard I of N runs the runs of the plan whose grid index k (0-based, in the
 * planner's order: seeds innermost) has k % N == I - 1: strided rather than in blocks, so each shard
 * gets a share of every part of the grid (online runs cost several times offline ones) and the
 * shards finish close together. A shard's results.json is a runs file with a `shard` field that
 * says which slice of which grid it holds; the merge checks that the slices are all there, once
 * each, of one grid, and lays the runs out in grid order, as one unsharded sweep writes them.
 */
import * as v from 'valibot';
import { CONTROLS, type SettingName } from '../settings/controls';
import { RUN_COLOURS, type RunRecord } from '../runs/run-record';
import { shown } from '../validation';
import { MAX_SWEEP_RUNS } from './sweep-plan';

/** Shard `index` (1-based) of `count`. */
export interface SweepShard {
  index: number;
  count: number;
}

export type ShardRead = { shard: SweepShard; problem?: undefined } | { shard?: undefined; problem: string };

/** "2/3" read as shard 2 of 3; anything else (0/3, 4/3, abc) is a problem naming the flag. */
export function parseShard(text: string, flag = '--shard'): ShardRead {
  const match = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count)
    return { problem: `${flag} must be I/N, shard I of N with 1 <= I <= N, like 2/3 (got ${shown(text)})` };
  return { shard: { index, count } };
}

/** The grid indices shard `shard` runs out of a plan of `total` runs, in grid order. */
export function shardIndices(total: number, { index, count }: SweepShard): number[] {
  const indices: number[] = [];
  for (let k = index - 1; k < total; k += count) indices.push(k);
  return indices;
}

/** Why a plan of `total` runs cannot be split so (more shards than runs leave a shard empty), or undefined. */
export function shardPlanProblem(total: number, shard: SweepShard): string | undefined {
  return shard.count > total
    ? `shard ${shard.index}/${shard.count}: the sweep has ${total} run${total === 1 ? '' : 's'}, so split it into at most ${total} shards`
    : undefined;
}

/** "shard 2/3" */
export function shardText({ index, count }: SweepShard): string {
  return `shard ${index}/${count}`;
}

/** A run's colour in a sweep: by its grid index, whichever finishes first, and the same in every shard. */
export function sweepRunColour(gridIndex: number): string {
  return RUN_COLOURS[gridIndex % RUN_COLOURS.length]!;
}

/** A whole decimal number read from an environment variable, else undefined. */
function whole(text: string | undefined): number | undefined {
  return text !== undefined && /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The shard a job array says this process is, when no --shard is given: a Slurm job array
 * (SLURM_ARRAY_TASK_ID counted from SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT tasks, consecutive
 * ids) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX from 0; Kubernetes does not export the
 * Job's completions, so the count is `shards`, from --shards, or SWEEP_SHARDS). Undefined when
 * neither is set; a problem when one is set but does not say a shard.
 */
export function shardFromEnvironment(env: Environment, shards?: number): (ShardRead & { source?: string }) | undefined {
  const set = (name: string) => env[name] !== undefined && env[name] !== '';
  if (set('SLURM_ARRAY_TASK_ID')) {
    const id = whole(env.SLURM_ARRAY_TASK_ID);
    if (id === undefined) return { problem: `SLURM_ARRAY_TASK_ID is ${shown(env.SLURM_ARRAY_TASK_ID)}, not a task id: give --shard I/N` };
    const count = whole(env.SLURM_ARRAY_TASK_COUNT);
    if (count === undefined || count < 1)
      return {
        problem: `SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is ${set('SLURM_ARRAY_TASK_COUNT') ? shown(env.SLURM_ARRAY_TASK_COUNT) : 'not'}: give --shard I/N`,
      };
    if (set('SLURM_ARRAY_TASK_STEP') && whole(env.SLURM_ARRAY_TASK_STEP) !== 1)
      return { problem: `the Slurm array steps by ${shown(env.SLURM_ARRAY_TASK_STEP)}: shards need consecutive task ids (--array=0-${count - 1})` };
    const min = set('SLURM_ARRAY_TASK_MIN') ? whole(env.SLURM_ARRAY_TASK_MIN) : 0;
    if (min === undefined) return { problem: `SLURM_ARRAY_TASK_MIN is ${shown(env.SLURM_ARRAY_TASK_MIN)}, not a task id: give --shard I/N` };
    const max = whole(env.SLURM_ARRAY_TASK_MAX);
    if (set('SLURM_ARRAY_TASK_MAX') && max !== min + count - 1)
      return {
        problem: `the Slurm array's task ids ${min}..${shown(env.SLURM_ARRAY_TASK_MAX)} are not ${count} consecutive ids (SLURM_ARRAY_TASK_COUNT): run it as --array=${min}-${min + count - 1}`,
      };
    if (id < min || id > min + count - 1)
      return { problem: `SLURM_ARRAY_TASK_ID ${id} is outside the array's task ids ${min}..${min + count - 1}: give --shard I/N` };
    if (shards !== undefined && shards !== count)
      return { problem: `--shards ${shards} is not the Slurm array's ${count} tasks (SLURM_ARRAY_TASK_COUNT): leave --shards out` };
    return { shard: { index: id - min + 1, count }, source: `SLURM_ARRAY_TASK_ID=${id}, task ${id - min + 1} of the array's ${count}` };
  }
  if (set('JOB_COMPLETION_INDEX')) {
    const id = whole(env.JOB_COMPLETION_INDEX);
    if (id === undefined) return { problem: `JOB_COMPLETION_INDEX is ${shown(env.JOB_COMPLETION_INDEX)}, not an index: give --shard I/N` };
    const fromEnv = set('SWEEP_SHARDS') ? whole(env.SWEEP_SHARDS) : undefined;
    if (shards === undefined && set('SWEEP_SHARDS') && (fromEnv === undefined || fromEnv < 1))
      return { problem: `SWEEP_SHARDS must be the number of shards, a whole number >= 1 (got ${shown(env.SWEEP_SHARDS)})` };
    const count = shards ?? fromEnv;
    if (count === undefined)
      return {
        problem:
          "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not how many shards there are (Kubernetes does not export the Job's completions): pass --shards N or set SWEEP_SHARDS=N, N the Job's completions",
      };
    if (id >= count) return { problem: `JOB_COMPLETION_INDEX ${id} is outside 0..${count - 1} (${count} shards): is N the Job's completions?` };
    const from = shards !== undefined ? '--shards' : 'SWEEP_SHARDS';
    return { shard: { index: id + 1, count }, source: `JOB_COMPLETION_INDEX=${id}, ${count} shards from ${from}` };
  }
  if (shards !== undefined)
    return {
      problem: `--shards ${shards} says how many shards, not which one this is: it goes with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); on its own give --shard I/N`,
    };
  return undefined;
}

/** What a shard's results.json says about its slice, under `shard`. */
export interface ShardInfo extends SweepShard {
  /** The whole plan's number of runs. */
  total: number;
  /** Each run's index in the whole plan, in the file's order. */
  gridIndices: number[];
  /** Names the plan: shards of one sweep share it (a digest of every run's settings and name). */
  grid: string;
  /** The sweep's command without what picks the slice, the output and the threads. */
  command: string;
}

const count = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_SWEEP_RUNS));
const ShardInfoSchema = v.object({
  index: count,
  count,
  total: count,
  gridIndices: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_SWEEP_RUNS - 1))), v.maxLength(MAX_SWEEP_RUNS)),
  grid: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  command: v.pipe(v.string(), v.maxLength(10_000)),
});

/** What else of a shard's file the merge reads: the plan's swept settings, notes, backend, checkpoint. */
const AboutSchema = v.object({
  backend: v.string(),
  checkpoint: v.string(),
  dimensions: v.array(v.picklist(CONTROLS.map((c) => c.name))),
  notes: v.array(v.string()),
});

/** A shard's results as read from its directory (`where`), before the merge checks them together. */
export interface ShardFile {
  where: string;
  /** The runs file's fields besides the runs (parsed JSON). */
  about: Record<string, unknown>;
  runs: RunRecord[];
}

export interface MergedSweep {
  /** Every run of the grid, in grid order. */
  runs: RunRecord[];
  command: string;
  backend: string;
  checkpoint: string;
  dimensions: SettingName[];
  notes: string[];
}

const list = (numbers: readonly number[]) => (numbers.length > 8 ? `${numbers.slice(0, 8).join(', ')}, ...` : numbers.join(', '));

/**
 * The shards put back together, or every problem that stops it (a file that is not a shard's, shards
 * of different sweeps, a slice missing or given twice): each names the directory it is about.
 */
export function mergeShards(files: readonly ShardFile[]): { merged: MergedSweep; problems: [] } | { merged?: undefined; problems: string[] } {
  const problems: string[] = [];
  const read: { where: string; shard: ShardInfo; about: v.InferOutput<typeof AboutSchema>; runs: RunRecord[] }[] = [];
  for (const { where, about, runs } of files) {
    if (about.shard === undefined) {
      problems.push(`${where}: the results of a whole sweep, not of a shard (no "shard" field): nothing to merge it with`);
      continue;
    }
    const info = v.safeParse(ShardInfoSchema, about.shard);
    if (!info.success) {
      problems.push(`${where}: its "shard" field is malformed (${v.getDotPath(info.issues[0]) ?? 'shard'}: ${info.issues[0].message})`);
      continue;
    }
    const shard = info.output;
    const rest = v.safeParse(AboutSchema, about);
    if (!rest.success) {
      problems.push(`${where}: its ${v.getDotPath(rest.issues[0]) ?? 'plan'} is malformed (${rest.issues[0].message})`);
      continue;
    }
    const expected = shard.index <= shard.count && shard.count <= shard.total ? shardIndices(shard.total, shard) : undefined;
    if (!expected) problems.push(`${where}: its "shard" field says ${shardText(shard)} of ${shard.total} runs, which cannot be`);
    else if (shard.gridIndices.join() !== expected.join())
      problems.push(`${where}: ${shardText(shard)} of ${shard.total} runs holds grid runs ${list(expected)}, but it lists ${list(shard.gridIndices)}`);
    else if (runs.length !== expected.length)
      problems.push(`${where}: ${shardText(shard)} of ${shard.total} runs holds ${expected.length} runs, but the file has ${runs.length}`);
    else read.push({ where, shard, about: rest.output, runs });
  }
  if (read.length === 0) return { problems: problems.length > 0 ? problems : ['no shards to merge'] };

  const first = read[0]!;
  /** Reads whose `key` differs, grouped: "A, B (label); C (label)". */
  const differing = (what: string, key: (r: (typeof read)[number]) => string, label = key) => {
    const keys = [...new Set(read.map(key))];
    if (keys.length < 2) return false;
    const groups = keys.map((k) => {
      const those = read.filter((r) => key(r) === k);
      return `${those.map((r) => r.where).join(', ')} (${label(those[0]!)})`;
    });
    problems.push(`the shards ${what}: ${groups.join('; ')}`);
    return true;
  };
  const otherGrid =
    differing('come from different sweeps', (r) => r.shard.grid, (r) => r.shard.command) ||
    differing('split the grid differently', (r) => `${r.shard.count} shards of ${r.shard.total} runs`);
  differing('ran on different backends', (r) => r.about.backend);
  differing('started from different checkpoints', (r) => r.about.checkpoint);
  if (!otherGrid) {
    const { count: n, total } = first.shard;
    for (let index = 1; index <= n; index++) {
      const holders = read.filter((r) => r.shard.index === index).map((r) => r.where);
      if (holders.length > 1) problems.push(`${shardText({ index, count: n })} is given ${holders.length} times: ${holders.join(', ')}`);
      if (holders.length === 0) problems.push(`${shardText({ index, count: n })} of this ${total}-run sweep is missing`);
    }
  }
  if (problems.length > 0) return { problems };

  const runs: RunRecord[] = new Array<RunRecord>(first.shard.total);
  for (const { shard, runs: held } of read) shard.gridIndices.forEach((k, i) => (runs[k] = held[i]!));
  const { backend, checkpoint, dimensions, notes } = first.about;
  return { merged: { runs, command: first.shard.command, backend, checkpoint, dimensions, notes }, problems: [] };
}
