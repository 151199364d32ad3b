/**
 * npm run sft -- --seed S --steps N --out DIR
 * (not "pretrain": npm would run a script of that name before every `npm run train`)
 * Stage 0 (vision encoder) + stage 1 (SFT on the flawed annotations), then the held-out eval, then
 * the checkpoint, eval.json and a model card in DIR.
 */
import { DEFAULT_WORLD, worldForModel } from '../core/world/config';
import { PRESETS, describeConfig, isPresetName } from '../core/model/config';
import { initWeights } from '../core/model/weights';
import { DEFAULT_SFT, SftTrainer } from '../core/train/sft';
import { pretrainVision } from '../core/train/vision-pretrain';
import { evaluateModel } from '../core/eval/evaluate';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { parseFlags, runCli, usage, UsageError, type FlagSpec } from './args';
import { saveCheckpointDir } from './checkpoint-files';
import { modelCard } from './model-card';
import { ProgressBar } from './progress';
import { formatReport } from './report';

const FLAGS = {
  seed: { kind: 'int', default: 0, min: 0, help: 'seed of the weights and of the training stream' },
  steps: { kind: 'int', default: DEFAULT_SFT.steps, min: 1, max: 1_000_000, help: 'optimizer steps' },
  out: { kind: 'string', help: 'directory to write checkpoint.json and weights.bin to' },
  preset: { kind: 'string', default: 'default', choices: Object.keys(PRESETS), help: 'model size' },
  batch: { kind: 'int', default: DEFAULT_SFT.batchSize, min: 1, max: 512, help: 'examples per step' },
  lr: { kind: 'number', default: DEFAULT_SFT.learningRate, min: 0, exclusiveMin: true, max: 1, help: 'peak learning rate (Adam)' },
  'train-vision': { kind: 'boolean', help: 'keep training the vision encoder during SFT (default: frozen, as in LLaVA)' },
  'annotator-hallucination': { kind: 'number', default: DEFAULT_WORLD.annotatorHallucinationRate, min: 0, max: 1, help: "P(annotator names a present shape's missing companion)" },
  cooccurrence: { kind: 'number', default: DEFAULT_WORLD.cooccurrenceBias, min: 0, max: 1, help: 'P(companion present | shape present)' },
  'vision-steps': { kind: 'int', default: 1500, min: 0, max: 1_000_000, help: 'stage-0 steps training the vision encoder on per-cell labels' },
  backend: { kind: 'string', default: 'wasm', choices: NODE_BACKENDS, help: 'tfjs backend' },
  'eval-scenes': { kind: 'int', default: 200, min: 1, help: 'held-out scenes for the model card' },
  'eval-seed': { kind: 'int', default: 1, min: 0, help: 'seed of the held-out scenes' },
} satisfies Record<string, FlagSpec>;

await runCli('sft', FLAGS, async () => {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) return void console.log(usage('sft', FLAGS));
  if (!isPresetName(flags.preset)) throw new UsageError(`unknown preset ${flags.preset}`);
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  const config = PRESETS[flags.preset];
  console.log(`model ${describeConfig(config)} | backend ${backend}`);
  const world = { ...worldForModel(config), annotatorHallucinationRate: flags['annotator-hallucination'], cooccurrenceBias: flags.cooccurrence };
  const weights = initWeights(config, flags.seed);
  const started = performance.now();
  if (flags['vision-steps'] > 0) {
    console.log(`stage 0: vision encoder, ${flags['vision-steps']} steps`);
    const visionLoss = await pretrainVision(weights, config, world, { steps: flags['vision-steps'], batchSize: flags.batch, learningRate: 3e-3, seed: flags.seed });
    console.log(`stage 0 done: per-cell shape+colour loss ${visionLoss.toFixed(3)}`);
  }
  const trainer = new SftTrainer(weights, config, world, { steps: flags.steps, batchSize: flags.batch, learningRate: flags.lr, seed: flags.seed, freezeVision: !flags['train-vision'] });
  const bar = new ProgressBar(flags.steps, 'sft');
  let lastLoss = NaN;
  for (let i = 0; i < flags.steps; i++) {
    const log = await trainer.trainStep();
    if (log) lastLoss = log.loss;
    bar.update(i + 1, `loss ${lastLoss.toFixed(3)}`);
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  trainer.dispose();
  const command = `npm run sft -- --seed ${flags.seed} --steps ${flags.steps} --vision-steps ${flags['vision-steps']}${flags['train-vision'] ? ' --train-vision' : ''} --annotator-hallucination ${flags['annotator-hallucination']} --cooccurrence ${flags.cooccurrence} --preset ${flags.preset} --batch ${flags.batch} --lr ${flags.lr} --backend ${backend} --out ${flags.out}`;
  const facts = { command, seed: flags.seed, visionSteps: flags['vision-steps'], steps: flags.steps, batchSize: flags.batch, learningRate: flags.lr, backend, trainingSeconds: seconds, finalLoss: lastLoss, world };
  await saveCheckpointDir(flags.out, weights, config, facts);
  console.log(`saved ${flags.out} after ${seconds} s of training (final loss ${lastLoss.toFixed(4)}); evaluating…`);
  const report = await evaluateModel(weights, config, worldForModel(config), { scenes: flags['eval-scenes'], seed: flags['eval-seed'], batchSize: 100 });
  const evalCommand = `npm run eval -- --checkpoint ${flags.out} --scenes ${flags['eval-scenes']} --seed ${flags['eval-seed']} --backend ${backend}`;
  await writeFile(join(flags.out, 'eval.json'), JSON.stringify({ command: evalCommand, backend, ...report }, null, 2) + '\n');
  await writeFile(join(flags.out, 'README.md'), modelCard({ name: basename(flags.out), config, ...facts, evalCommand, report }));
  console.log(formatReport(report));
});
