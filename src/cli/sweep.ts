/**
 * npm run sweep -- --beta 0.05,0.1,0.5 --temp 0.7,1 --mode offline,online --seeds 0,1,2 [--out DIR] [other settings]
 * The page's sweep builder from the command line: every setting is a flag under its page name that
 * takes one value or a list (a list sweeps it), the same grid (at most 48 runs, values that change
 * nothing for a run merged) from the same planner, each run the page's run, summarised per grid
 * point as mean and sample standard deviation over seeds. Writes results.csv and results.json (the
 * page's runs CSV and runs file: Import runs reads it).
 *
 * --jobs N trains N runs at once in worker threads (sweep-pool.ts); --shard I/N (or a Slurm job
 * array's or Kubernetes Indexed Job's index) runs one slice of the grid, and --merge DIR... puts the
 * slices' results together (core/sweeps/sweep-shard.ts). Whichever way it ran, every run is trained
 * alike, named and coloured by its grid index, and written in grid order.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { disposeWeights } from '../core/model/weights';
import { runHeadless } from '../core/session/headless-run';
import type { RunRecord } from '../core/runs/run-record';
import { runsToCsv, runsToJson } from '../core/runs/run-files';
import type { SettingName } from '../core/settings/controls';
import type { Model } from '../core/session/run-session';
import { aggregateSweep } from '../core/sweeps/sweep';
import { shardIndices, shardText, sweepRunColour, type ShardInfo } from '../core/sweeps/sweep-shard';
import { useNodeBackend, type NodeBackend } from './backend';
import { runCli, UsageError, usage } from './args';
import { loadCheckpointDir } from './checkpoint-files';
import { startCheckpoint, sweepFromFlags } from './control-flags';
import { SWEEP_FLAGS, parseCommandFlags } from './commands';
import { ProgressBar } from './progress';
import { formatSummary } from './report';
import { mergeShardDirs } from './sweep-merge';
import { checkShardOfPlan, gridCommand, gridDigest, sweepOptionsFromFlags } from './sweep-options';
import { runInWorkers, type SweepTask } from './sweep-pool';
import { sweepTable } from './sweep-table';

const newSweepId = () => `sweep-${Date.now().toString(36)}`;

/** The starting model's scores, the table per grid point and the runs that did not finish. */
function printResults(runs: readonly RunRecord[], dimensions: readonly SettingName[]) {
  const groups = aggregateSweep(runs, dimensions);
  const baseline = runs.find((r) => r.evals[0]?.step === 0)?.evals[0];
  if (baseline) console.log(`\nstarting model: ${formatSummary(baseline.summary)}\n`);
  console.log(sweepTable(groups));
  const failed = runs.filter((r) => r.status !== 'done');
  if (failed.length > 0) console.log(`\n${failed.length} run(s) did not finish: ${failed.map((r) => r.error ?? r.status).join('; ')}`);
  return groups;
}

/** results.csv and results.json (a runs file: the page's Import runs reads it; the plan and the per-point summary ride along). */
async function writeResults(out: string, runs: readonly RunRecord[], about: Record<string, unknown>) {
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'results.csv'), runsToCsv(runs));
  await writeFile(join(out, 'results.json'), runsToJson(runs, about) + '\n');
  console.log(`\nwrote ${join(out, 'results.csv')} and results.json`);
}

/** --merge: the shards' runs in grid order, printed and written as the unsharded sweep would. */
async function merge(dirs: string[], out: string) {
  const notes: string[] = [];
  const merged = await mergeShardDirs(dirs, notes);
  const sweepId = newSweepId();
  // One sweep now: one id, colours by grid index (as every shard already gave them).
  const runs = merged.runs.map((run, k) => ({ ...run, sweepId, colour: sweepRunColour(k) }));
  console.log(`merged ${dirs.length} shards: ${runs.length} runs from ${merged.checkpoint} on ${merged.backend}`);
  for (const note of [...merged.notes, ...notes]) console.log(`  ${note}`);
  const groups = printResults(runs, merged.dimensions);
  const { command, backend, checkpoint, dimensions, notes: planNotes } = merged;
  await writeResults(out, runs, {
    command: `${command} --out ${out}`,
    backend,
    checkpoint,
    dimensions,
    notes: planNotes,
    groups,
    merged: dirs,
  });
}

await runCli('sweep', SWEEP_FLAGS, async () => {
  const argv = process.argv.slice(2);
  // train's --seed is one seed; a sweep's seeds are a list.
  if (!argv.includes('--help') && argv.some((arg) => /^--seed(=|$)/.test(arg)))
    throw new UsageError('a sweep takes its seeds as a list: --seeds 0,1,2');
  const flags = parseCommandFlags('sweep', argv);
  if (flags.help) return void console.log(usage('sweep', SWEEP_FLAGS));
  const options = sweepOptionsFromFlags(flags, argv);
  if (options.merge.length > 0) return merge(options.merge, options.out);
  const plan = sweepFromFlags(flags);
  checkShardOfPlan(plan, options.shard?.shard);
  const all = plan.configs.map((_, k) => k);
  const indices = options.shard ? shardIndices(plan.configs.length, options.shard.shard) : all;
  // Each model size starts from its own checkpoint (a --checkpoint: that one for all).
  const dirs = new Map(plan.configs.map((c) => [c.modelSize, startCheckpoint({ checkpoint: flags.checkpoint, model: c.modelSize })]));
  const checkpoint = [...dirs.values()].join(', ');
  const jobs = Math.min(options.jobs, indices.length);
  const combined = plan.combinations > plan.configs.length ? ` (${plan.combinations} combinations)` : '';
  const threads = jobs > 1 ? `, ${jobs} at once in worker threads` : '';
  console.log(`sweep: ${plan.configs.length} runs${combined} from ${[...dirs.values()].join(' and ')} on ${flags.backend}${threads}`);
  for (const note of plan.notes) console.log(`  ${note}`);
  if (options.shard) {
    const { shard, source } = options.shard;
    const which = indices.length === plan.configs.length ? 'every run' : `grid indices ${indices.join(', ')}`;
    console.log(`${shardText(shard)} (from ${source}): ${indices.length} of the ${plan.configs.length} runs, ${which}`);
  }

  const sweepId = newSweepId();
  const tasks: SweepTask[] = indices.map((index) => ({
    index,
    config: plan.configs[index]!,
    name: plan.names[index]!,
    colour: sweepRunColour(index),
    sweepId,
  }));
  const bar = new ProgressBar(tasks.length, 'sweep');
  let done = 0;
  const report = (task: SweepTask, run: RunRecord) => {
    const last = run.evals.at(-1);
    bar.update(++done, `${task.name}: ${run.status}${last ? `, CHAIR_i ${(100 * last.summary.chair_i).toFixed(1)}%` : ''}`);
  };
  let byIndex: Map<number, RunRecord>;
  let backend = flags.backend;
  if (jobs > 1) {
    byIndex = await runInWorkers(tasks, jobs, { backend: flags.backend, checkpoints: [...dirs] }, report);
  } else {
    backend = await useNodeBackend(flags.backend as NodeBackend);
    const starts = new Map<string, Model>();
    for (const [model, dir] of dirs) starts.set(model, await loadCheckpointDir(dir));
    byIndex = new Map();
    for (const task of tasks) {
      const { name, colour } = task;
      const run = await runHeadless(starts.get(task.config.modelSize)!, task.config, { name, colour, sweepId });
      byIndex.set(task.index, run);
      report(task, run);
    }
    for (const start of starts.values()) disposeWeights(start.weights);
  }
  // Grid order, whichever finished first.
  const runs = indices.map((k) => byIndex.get(k)!);
  const groups = printResults(runs, plan.dimensions);
  const command = `npm run sweep -- ${argv.join(' ')}`;
  const { dimensions, notes } = plan;
  const shard: ShardInfo | undefined = options.shard && {
    ...options.shard.shard,
    total: plan.configs.length,
    gridIndices: indices,
    grid: gridDigest(plan),
    command: gridCommand(argv),
  };
  await writeResults(options.out, runs, { command, backend, checkpoint, dimensions, notes, groups, ...(shard && { shard }) });
});
