/**
 * npm run sweep -- --beta 0.05,0.1,0.5 --temp 0.7,1 --mode offline,online --seeds 0,1,2 [--out DIR] [other settings]
 * The page's sweep builder from the command line: the same grid (beta x temperature x K x method x
 * seeds, at most 48 runs) from the same settings, each run the page's run, summarised per grid
 * point as mean and sample standard deviation over seeds. Writes results.csv and results.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { disposeWeights } from '../core/model/weights';
import { runHeadless } from '../core/playground/headless-run';
import { aggregateSweep } from '../core/playground/sweep';
import { useNodeBackend, type NodeBackend } from './backend';
import { parseFlags, runCli, usage } from './args';
import { loadCheckpointDir } from './checkpoint-files';
import { RENAMED_FLAGS, startCheckpoint, sweepPlanFromFlags } from './control-flags';
import { SWEEP_FLAGS } from './commands';
import { ProgressBar } from './progress';
import { formatSummary } from './report';
import { sweepCsv, sweepTable, type SweepRun } from './sweep-table';

await runCli('sweep', SWEEP_FLAGS, async () => {
  const flags = parseFlags(process.argv.slice(2), SWEEP_FLAGS, RENAMED_FLAGS);
  if (flags.help) return void console.log(usage('sweep', SWEEP_FLAGS));
  const configs = sweepPlanFromFlags(flags);
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  const checkpoint = startCheckpoint(flags);
  const start = await loadCheckpointDir(checkpoint);
  console.log(`sweep: ${configs.length} runs from ${checkpoint} on ${backend}`);
  const bar = new ProgressBar(configs.length, 'sweep');
  const runs: SweepRun[] = [];
  for (const config of configs) {
    const run = await runHeadless(start, config);
    runs.push({ ...run, config });
    const last = run.evals.at(-1);
    bar.update(
      runs.length,
      `beta=${config.beta} temp=${config.temp} k=${config.k} ${config.mode} seed=${config.seed}: ${run.status}${last ? `, CHAIR_i ${(100 * last.summary.chair_i).toFixed(1)}%` : ''}`,
    );
  }
  disposeWeights(start.weights);
  const groups = aggregateSweep(runs);
  const baseline = runs.find((r) => r.evals[0]?.step === 0)?.evals[0];
  if (baseline) console.log(`\nstarting model: ${formatSummary(baseline.summary)}\n`);
  console.log(sweepTable(groups));
  const failed = runs.filter((r) => r.status !== 'done');
  if (failed.length > 0) console.log(`\n${failed.length} run(s) did not finish: ${failed.map((r) => r.error ?? r.status).join('; ')}`);
  await mkdir(flags.out, { recursive: true });
  await writeFile(join(flags.out, 'results.csv'), sweepCsv(runs));
  const command = `npm run sweep -- ${process.argv.slice(2).join(' ')}`;
  await writeFile(join(flags.out, 'results.json'), JSON.stringify({ command, backend, checkpoint, runs, groups }, null, 2) + '\n');
  console.log(`\nwrote ${join(flags.out, 'results.csv')} and results.json`);
});
