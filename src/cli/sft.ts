/**
 * npm run sft -- --seed S --steps N --out DIR
 * (not "pretrain": npm would run a script of that name before every `npm run train`)
 * Stage 0 (vision encoder) + stage 1 (SFT on the flawed annotations), then the held-out eval, then
 * the checkpoint, eval.json and a model card in DIR.
 */
import { worldForModel } from '../core/world/config';
import { PRESETS, describeConfig, isPresetName } from '../core/model/config';
import { initWeights } from '../core/model/weights';
import { SftTrainer } from '../core/train/sft';
import { pretrainVision } from '../core/train/vision-pretrain';
import { evaluateModel } from '../core/eval/evaluate';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { useNodeBackend, type NodeBackend } from './backend';
import { SFT_FLAGS, parseCommandFlags } from './commands';
import { runCli, usage, UsageError } from './args';
import { saveCheckpointDir } from './checkpoint-files';
import { modelCard } from './model-card';
import { ProgressBar } from './progress';
import { formatReport } from './report';

await runCli('sft', SFT_FLAGS, async () => {
  const flags = parseCommandFlags('sft', process.argv.slice(2));
  if (flags.help) return void console.log(usage('sft', SFT_FLAGS));
  if (!isPresetName(flags.model)) throw new UsageError(`unknown model size ${flags.model}`);
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  const config = PRESETS[flags.model];
  console.log(`model ${describeConfig(config)} | backend ${backend}`);
  const world = {
    ...worldForModel(config),
    annotatorHallucinationRate: flags.halluc,
    cooccurrenceBias: flags.cooc,
    signRate: flags.signs,
    annotatorSignRate: flags.obey,
  };
  const weights = initWeights(config, flags.seed);
  const started = performance.now();
  if (flags['vision-steps'] > 0) {
    console.log(`stage 0: vision encoder, ${flags['vision-steps']} steps`);
    const visionLoss = await pretrainVision(weights, config, world, {
      steps: flags['vision-steps'],
      batchSize: flags.batch,
      learningRate: 3e-3,
      seed: flags.seed,
    });
    console.log(`stage 0 done: per-cell shape, colour and sign loss ${visionLoss.toFixed(3)}`);
  }
  const trainer = new SftTrainer(weights, config, world, {
    steps: flags.steps,
    batchSize: flags.batch,
    learningRate: flags.lr,
    seed: flags.seed,
    freezeVision: !flags['train-vision'],
  });
  const bar = new ProgressBar(flags.steps, 'sft');
  let lastLoss = NaN;
  for (let i = 0; i < flags.steps; i++) {
    const log = await trainer.trainStep();
    if (log?.metrics.loss !== undefined) lastLoss = log.metrics.loss;
    for (const event of log?.events ?? []) console.log(`  ${event}`);
    bar.update(i + 1, `loss ${lastLoss.toFixed(3)}`);
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  trainer.dispose();
  const command = `npm run sft -- --seed ${flags.seed} --steps ${flags.steps} --vision-steps ${flags['vision-steps']}${flags['train-vision'] ? ' --train-vision' : ''} --halluc ${flags.halluc} --cooc ${flags.cooc} --signs ${flags.signs} --obey ${flags.obey} --model ${flags.model} --batch ${flags.batch} --lr ${flags.lr} --backend ${backend} --out ${flags.out}`;
  const facts = {
    command,
    seed: flags.seed,
    visionSteps: flags['vision-steps'],
    steps: flags.steps,
    batchSize: flags.batch,
    learningRate: flags.lr,
    backend,
    trainingSeconds: seconds,
    finalLoss: lastLoss,
    world,
  };
  await saveCheckpointDir(flags.out, weights, config, facts);
  console.log(`saved ${flags.out} after ${seconds} s of training (final loss ${lastLoss.toFixed(4)}); evaluating…`);
  const report = await evaluateModel(weights, config, worldForModel(config), {
    scenes: flags.evaln,
    seed: flags.evalseed,
    batchSize: 100,
  });
  const evalCommand = `npm run eval -- --checkpoint ${flags.out} --evaln ${flags.evaln} --evalseed ${flags.evalseed} --backend ${backend}`;
  await writeFile(join(flags.out, 'eval.json'), JSON.stringify({ command: evalCommand, backend, ...report }, null, 2) + '\n');
  await writeFile(join(flags.out, 'README.md'), modelCard({ name: basename(flags.out), config, ...facts, evalCommand, report }));
  console.log(formatReport(report));
});
