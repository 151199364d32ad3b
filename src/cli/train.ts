/**
 * npm run train -- --mode offline|online|mixed --pairs gt-corrupt|bdhs|self-samples --judge ... [--json]
 * DPO from the shipped SFT checkpoint (or --checkpoint), with the hallucination eval before and after.
 */
import { worldForModel } from '../core/world/config';
import { describeConfig } from '../core/model/config';
import { evaluateModel } from '../core/eval/evaluate';
import { DpoTrainer } from '../core/dpo/trainer';
import { useNodeBackend, type NodeBackend } from './backend';
import { parseFlags, runCli, usage } from './args';
import { TRAIN_FLAGS, dpoOptionsFromFlags } from './train-flags';
import { loadCheckpointDir, saveCheckpointDir } from './checkpoint-files';
import { ProgressBar } from './progress';
import { formatReport } from './report';

await runCli('train', TRAIN_FLAGS, async () => {
  const flags = parseFlags(process.argv.slice(2), TRAIN_FLAGS);
  if (flags.help) return void console.log(usage('train', TRAIN_FLAGS));
  const options = dpoOptionsFromFlags(flags);
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  const { weights, config } = await loadCheckpointDir(flags.checkpoint);
  const log = (line: string) => (flags.json ? process.stderr : process.stdout).write(line + '\n');
  log(`model ${describeConfig(config)} | backend ${backend} | ${options.mode} DPO, ${options.pairSource} pairs, ${options.judge.kind} judge`);
  const evalOptions = { scenes: flags['eval-scenes'], seed: flags['eval-seed'], batchSize: 100 };
  const evalBefore = await evaluateModel(weights, config, worldForModel(config), evalOptions);
  const started = performance.now();
  const trainer = new DpoTrainer(weights, config, worldForModel(config), options);
  await trainer.prepare((m) => log(m));
  const bar = new ProgressBar(options.steps, 'dpo');
  let last: Record<string, number> = {};
  const evalHistory: { step: number; report: Awaited<ReturnType<typeof evaluateModel>> }[] = [];
  let evalSeconds = 0;
  for (let i = 0; i < options.steps; i++) {
    const entry = await trainer.trainStep();
    if (flags['eval-every'] > 0 && trainer.step % flags['eval-every'] === 0 && trainer.step < options.steps) {
      const evalStarted = performance.now();
      const report = await evaluateModel(weights, config, worldForModel(config), evalOptions);
      evalSeconds += (performance.now() - evalStarted) / 1000;
      evalHistory.push({ step: trainer.step, report });
      log(`  step ${trainer.step}: CHAIR_i ${(100 * report.chair_i).toFixed(1)}%  Cover ${(100 * report.cover).toFixed(1)}%  POPE adversarial F1 ${(100 * report.pope.adversarial.f1).toFixed(1)}%`);
    }
    if (entry) {
      if (Object.keys(entry.metrics).length > 0) last = entry.metrics;
      for (const event of entry.events) log(`  ${event}`);
    }
    bar.update(i + 1, last.loss !== undefined ? `loss ${last.loss.toFixed(3)} margin ${last['rewards/margins']!.toFixed(2)} acc ${last['rewards/accuracies']!.toFixed(2)}` : '');
  }
  // Training time: pair building, reference caching and steps, without the periodic evals.
  const seconds = (performance.now() - started) / 1000 - evalSeconds;
  const evalAfter = await evaluateModel(weights, config, worldForModel(config), evalOptions);
  if (flags.out) await saveCheckpointDir(flags.out, weights, config, { command: `npm run train -- ${process.argv.slice(2).join(' ')}`, parent: flags.checkpoint, seconds });
  trainer.dispose();
  if (flags.json) {
    console.log(JSON.stringify({ config: { ...options, backend, checkpoint: flags.checkpoint }, metrics: last, train_seconds: seconds, eval_before: evalBefore, eval_history: evalHistory, eval_after: evalAfter }));
  } else {
    console.log(`trained ${options.steps} steps in ${seconds.toFixed(1)} s\n-- before --\n${formatReport(evalBefore)}\n-- after --\n${formatReport(evalAfter)}`);
  }
});
