/**
 * npm run sweep -- --beta 0.05,0.1,0.5 --temp 0.7,1 --mode offline,online --seeds 0,1,2 [--out DIR] [other settings]
 * The page's sweep builder from the command line: every setting is a flag under its page name that
 * takes one value or a list (a list sweeps it), the same grid (at most 48 runs, values that change
 * nothing for a run merged) from the same planner, each run the page's run, summarised per grid
 * point as mean and sample standard deviation over seeds. Writes results.csv and results.json (the
 * page's runs CSV and runs file: Import runs reads it).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { disposeWeights } from '../core/model/weights';
import { runHeadless } from '../core/session/headless-run';
import { nextRunColour, type RunRecord } from '../core/runs/run-record';
import { runsToCsv, runsToJson } from '../core/runs/run-files';
import type { Model } from '../core/session/run-session';
import { aggregateSweep } from '../core/sweeps/sweep';
import { useNodeBackend, type NodeBackend } from './backend';
import { runCli, UsageError, usage } from './args';
import { loadCheckpointDir } from './checkpoint-files';
import { startCheckpoint, sweepFromFlags } from './control-flags';
import { SWEEP_FLAGS, parseCommandFlags } from './commands';
import { ProgressBar } from './progress';
import { formatSummary } from './report';
import { sweepTable } from './sweep-table';

await runCli('sweep', SWEEP_FLAGS, async () => {
  const argv = process.argv.slice(2);
  // train's --seed is one seed; a sweep's seeds are a list.
  if (!argv.includes('--help') && argv.some((arg) => /^--seed(=|$)/.test(arg)))
    throw new UsageError('a sweep takes its seeds as a list: --seeds 0,1,2');
  const flags = parseCommandFlags('sweep', argv);
  if (flags.help) return void console.log(usage('sweep', SWEEP_FLAGS));
  const plan = sweepFromFlags(flags);
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  // Each model size starts from its own checkpoint (a --checkpoint: that one for all).
  const dirs = new Map(plan.configs.map((c) => [c.modelSize, startCheckpoint({ checkpoint: flags.checkpoint, model: c.modelSize })]));
  const starts = new Map<string, Model>();
  for (const [model, dir] of dirs) starts.set(model, await loadCheckpointDir(dir));
  const combined = plan.combinations > plan.configs.length ? ` (${plan.combinations} combinations)` : '';
  console.log(`sweep: ${plan.configs.length} runs${combined} from ${[...dirs.values()].join(' and ')} on ${backend}`);
  for (const note of plan.notes) console.log(`  ${note}`);
  const bar = new ProgressBar(plan.configs.length, 'sweep');
  const runs: RunRecord[] = [];
  const sweepId = `sweep-${Date.now().toString(36)}`;
  for (const [i, config] of plan.configs.entries()) {
    const run = await runHeadless(starts.get(config.modelSize)!, config, { name: plan.names[i], colour: nextRunColour(runs), sweepId });
    runs.push(run);
    const last = run.evals.at(-1);
    bar.update(runs.length, `${plan.names[i]}: ${run.status}${last ? `, CHAIR_i ${(100 * last.summary.chair_i).toFixed(1)}%` : ''}`);
  }
  for (const start of starts.values()) disposeWeights(start.weights);
  const groups = aggregateSweep(runs, plan.dimensions);
  const baseline = runs.find((r) => r.evals[0]?.step === 0)?.evals[0];
  if (baseline) console.log(`\nstarting model: ${formatSummary(baseline.summary)}\n`);
  console.log(sweepTable(groups));
  const failed = runs.filter((r) => r.status !== 'done');
  if (failed.length > 0) console.log(`\n${failed.length} run(s) did not finish: ${failed.map((r) => r.error ?? r.status).join('; ')}`);
  await mkdir(flags.out, { recursive: true });
  await writeFile(join(flags.out, 'results.csv'), runsToCsv(runs));
  const command = `npm run sweep -- ${argv.join(' ')}`;
  const checkpoint = [...dirs.values()].join(', ');
  const { dimensions, notes } = plan;
  await writeFile(
    join(flags.out, 'results.json'),
    // A runs file: the page's Import runs reads it; the plan and the per-point summary ride along.
    runsToJson(runs, { command, backend, checkpoint, dimensions, notes, groups }) + '\n',
  );
  console.log(`\nwrote ${join(flags.out, 'results.csv')} and results.json`);
});
