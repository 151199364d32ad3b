/**
 * `npm run sweep`'s flags: every playground setting under its page name (as `train` takes them),
 * each taking one value or a list; a list makes it a dimension of the grid (core sweep-plan.ts
 * reads and checks the values). Seeds are --seeds, as `npm run lesson` and the page's builder name
 * them. --help lists the flags outermost first, in the order the grid nests. --jobs, --shard,
 * --shards and --merge spread a sweep over cores and machines (sweep-options.ts reads them).
 */
import { controlNamed, settingText, type Control, type SettingUrlKey } from '../core/settings/controls';
import { NESTING } from '../core/sweeps/sweep-plan';
import { controlRange, type FlagSpec } from './args';
import { RUN_FLAGS } from './control-flags';

function listFlag(c: Control): FlagSpec {
  // Loss specs hold commas themselves, so their lists are split at semicolons.
  const list = c.kind === 'text' ? 'a list separated by ";"' : 'a comma-separated list';
  return { kind: 'string', default: settingText(c, c.default), help: `${c.label}: ${c.help} [${controlRange(c)}; ${list} sweeps it]` };
}

/** Each setting's flag, named by its URL key (as train's), in nesting order. */
const SETTINGS = Object.fromEntries(
  NESTING.filter((name) => name !== 'seed').map((name) => [controlNamed(name).url, listFlag(controlNamed(name))]),
) as Record<Exclude<SettingUrlKey, 'seed'>, { kind: 'string'; default: string; help: string }>;

export const SWEEP_FLAGS = {
  ...SETTINGS,
  seeds: { kind: 'string', default: '0', help: 'Seed values, comma-separated: every grid point runs once per seed' },
  ...RUN_FLAGS,
  out: {
    kind: 'string',
    default: 'sweeps/latest',
    help: "directory for results.csv and results.json (a shard's default: sweeps/latest/shard-I-of-N)",
  },
  jobs: {
    kind: 'string',
    default: '1',
    help: 'runs trained at once, each in its own worker thread (0 or auto: one per core); the numbers are the same as one at a time',
  },
  shard: {
    kind: 'string',
    default: '',
    help: 'run only shard I of N, I/N: the runs whose grid index k (from 0) has k % N == I - 1; without it a Slurm job array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) picks the shard, and 1/1 runs the whole grid',
  },
  shards: {
    kind: 'string',
    default: '',
    help: 'how many shards a Kubernetes Indexed Job runs (its completions, which it does not export; or set SWEEP_SHARDS), read with JOB_COMPLETION_INDEX',
  },
  merge: {
    kind: 'list',
    help: "merge a sharded sweep: the shards' directories, each with its results.json; writes results.csv and results.json to --out as one sweep would",
  },
} satisfies Record<string, FlagSpec>;
