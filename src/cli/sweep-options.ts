/**
 * How `npm run sweep` spreads a grid: --jobs (runs at once, in worker threads), --shard I/N or a job
 * array's environment (which slice of the grid this process runs), --merge DIR... (the slices put
 * back together). The slicing and the merge's checks are core/sweeps/sweep-shard.ts; here the
 * flags and the environment are read, each problem a usage error that says what to type.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MAX_SWEEP_RUNS, type SweepPlan } from '../core/sweeps/sweep-plan';
import { parseShard, shardFromEnvironment, shardPlanProblem, type SweepShard } from '../core/sweeps/sweep-shard';
import { shown } from '../core/validation';
import { UsageError, type Flags } from './args';
import type { SWEEP_FLAGS } from './sweep-flags';

/** The most worker threads --jobs starts (more than the runs is never useful: the sweep's limit). */
export const MAX_JOBS = MAX_SWEEP_RUNS;

export interface SweepOptions {
  /** Runs trained at once (1: one after another in this thread, as before --jobs). */
  jobs: number;
  /** The slice this process runs, and what picked it ("--shard", "SLURM_ARRAY_TASK_ID=1, ..."). */
  shard?: { shard: SweepShard; source: string };
  /** Shard directories to merge (then nothing trains). */
  merge: string[];
  /** Where results.csv and results.json go. */
  out: string;
}

/** --jobs: a whole number >= 1, or 0 or auto for one per core. */
export function parseJobs(text: string, cores = availableParallelism()): number {
  const trimmed = text.trim();
  if (trimmed === 'auto' || trimmed === '0') return Math.min(cores, MAX_JOBS);
  if (!/^\d+$/.test(trimmed) || Number(trimmed) > MAX_JOBS)
    throw new UsageError(`--jobs must be a whole number from 1 to ${MAX_JOBS}, or 0 or auto for one per core (got ${shown(text)})`);
  return Number(trimmed);
}

/** The flags given on the command line (by name, without values). */
function givenFlags(argv: readonly string[]): string[] {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  return argv.slice(0, end).flatMap((arg) => /^--([^=]+)/.exec(arg)?.[1] ?? []);
}

/**
 * The sweep's spread, checked: `flags` as parseCommandFlags read them from `argv`, `env` where a
 * Slurm job array or a Kubernetes Indexed Job says which shard this is.
 */
export function sweepOptionsFromFlags(
  flags: Flags<typeof SWEEP_FLAGS>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  cores = availableParallelism(),
): SweepOptions {
  const given = givenFlags(argv);
  if (flags.merge.length > 0) {
    const others = given.filter((name) => name !== 'merge' && name !== 'out');
    if (others.length > 0)
      throw new UsageError(
        `--merge reads the grid and how it ran from the shards' results.json: leave out ${others.map((n) => `--${n}`).join(', ')} (only --out goes with --merge)`,
      );
    return { jobs: 1, merge: flags.merge, out: flags.out };
  }
  const jobs = parseJobs(flags.jobs, cores);
  let shards: number | undefined;
  if (given.includes('shards')) {
    if (!/^\s*\d+\s*$/.test(flags.shards) || Number(flags.shards) < 1 || Number(flags.shards) > MAX_SWEEP_RUNS)
      throw new UsageError(
        `--shards must be the number of shards, a whole number from 1 to ${MAX_SWEEP_RUNS} (got ${shown(flags.shards)})`,
      );
    shards = Number(flags.shards);
  }
  let shard: SweepOptions['shard'];
  if (given.includes('shard')) {
    if (shards !== undefined) throw new UsageError('give --shard I/N, or --shards N with JOB_COMPLETION_INDEX, not both');
    const read = parseShard(flags.shard);
    if (read.problem !== undefined) throw new UsageError(read.problem);
    shard = { shard: read.shard, source: '--shard' };
  } else {
    const fromEnv = shardFromEnvironment(env, shards);
    if (fromEnv?.problem !== undefined) throw new UsageError(fromEnv.problem);
    if (fromEnv) shard = { shard: fromEnv.shard, source: fromEnv.source ?? 'the environment' };
  }
  // Shards of one sweep share a file system more often than not: by default each writes its own directory.
  const out = shard && !given.includes('out') ? join(flags.out, `shard-${shard.shard.index}-of-${shard.shard.count}`) : flags.out;
  return { jobs, shard, merge: [], out };
}

/** Refused where the plan cannot be split so (more shards than runs). */
export function checkShardOfPlan(plan: SweepPlan, shard: SweepShard | undefined): void {
  const problem = shard && shardPlanProblem(plan.configs.length, shard);
  if (problem) throw new UsageError(problem);
}

/** Flags that say how a sweep runs and where it writes, not what it trains. */
const NOT_THE_GRID = new Set(['shard', 'shards', 'jobs', 'out']);

/** The sweep's command without --shard, --shards, --jobs and --out: the same for every shard of one sweep. */
export function gridCommand(argv: readonly string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([^=]+)(=)?/.exec(argv[i]!);
    if (name && NOT_THE_GRID.has(name[1]!)) {
      if (name[2] === undefined) i++;
      continue;
    }
    kept.push(argv[i]!);
  }
  return `npm run sweep -- ${kept.join(' ')}`.trimEnd();
}

/** A digest of the plan (every run's settings and name, the swept settings, the notes): shards of one sweep share it. */
export function gridDigest(plan: Pick<SweepPlan, 'configs' | 'names' | 'dimensions' | 'notes'>): string {
  const { configs, names, dimensions, notes } = plan;
  const text = JSON.stringify({ configs, names, dimensions, notes });
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}
