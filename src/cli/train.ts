/**
 * npm run train -- [--mode sft|offline|online|mixed] [--beta 0.1] [...] [--out DIR] [--json]
 * `--json` prints the run as one line of the page's runs file (Import runs in the page reads it).
 * One playground run from the command line: the page's settings under the same names (`--beta` is
 * `#beta=` in a link), trained by the same RunSession and TrainingLoop as the page, so the same
 * settings and seed give the same metric history. `--help` lists every setting.
 */
import type { Metrics } from '../core/dpo/metric-names';
import { describeConfig } from '../core/model/config';
import { disposeWeights } from '../core/model/weights';
import { runHeadless } from '../core/session/headless-run';
import { runsToJson } from '../core/runs/run-files';
import { useNodeBackend, type NodeBackend } from './backend';
import { runCli, usage } from './args';
import { configFromFlags, startCheckpoint } from './control-flags';
import { TRAIN_FLAGS, parseCommandFlags } from './commands';
import { loadCheckpointDir, saveCheckpointDir } from './checkpoint-files';
import { ProgressBar } from './progress';
import { formatSummary } from './report';

await runCli('train', TRAIN_FLAGS, async () => {
  const flags = parseCommandFlags('train', process.argv.slice(2));
  if (flags.help) return void console.log(usage('train', TRAIN_FLAGS));
  const config = configFromFlags(flags);
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  const checkpoint = startCheckpoint(flags);
  const start = await loadCheckpointDir(checkpoint);
  const log = (line: string) => (flags.json ? process.stderr : process.stdout).write(line + '\n');
  const method =
    config.method === 'sft'
      ? 'SFT'
      : `${config.method} DPO, ${config.method === 'online' ? `${config.judge} judge` : `${config.pairSource} pairs`}`;
  log(`model ${describeConfig(start.config)} | backend ${backend} | ${method}, ${config.steps} steps, seed ${config.seed}`);
  const bar = new ProgressBar(config.steps, config.method);
  let latest: Metrics = {};
  let shown = 0;
  const run = await runHeadless(start, config, {
    onUpdate: (update) => {
      for (const point of update.points) latest = point.metrics;
      for (const event of update.events) log(`  ${event}`);
      for (const { step, summary } of update.evals) log(`  step ${step}: ${formatSummary(summary)}`);
      const detail =
        latest.loss === undefined
          ? ''
          : `loss ${latest.loss.toFixed(3)}${latest['rewards/margins'] === undefined ? '' : ` margin ${latest['rewards/margins'].toFixed(2)}`}`;
      if (update.step > shown) {
        shown = update.step;
        bar.update(update.step, detail);
      }
    },
    beforeDispose: async (session) => {
      if (flags.out && session.done) {
        const command = `npm run train -- ${process.argv.slice(2).join(' ')}`;
        await saveCheckpointDir(flags.out, session.policy, start.config, { command, parent: checkpoint, seconds: bar.elapsedSeconds });
      }
    },
  });
  disposeWeights(start.weights);
  if (run.status !== 'done') throw new Error(run.error ?? `the run ended ${run.status} at step ${run.step}`);
  if (flags.json) {
    // One line holding a runs file: the page's "Import runs" reads it as it is.
    console.log(runsToJson([run], { command: `npm run train -- ${process.argv.slice(2).join(' ')}`, backend, checkpoint }, 0));
  } else {
    const [before, after] = [run.evals[0], run.evals.at(-1)];
    console.log(`trained ${run.step} steps in ${(run.seconds ?? 0).toFixed(1)} s (evaluations included)`);
    if (before && after)
      console.log(
        `-- before (step 0) --\n${formatSummary(before.summary)}\n-- after (step ${after.step}) --\n${formatSummary(after.summary)}`,
      );
  }
});
