/** npm run pretrain -- --seed S --steps N --out DIR : SFT from scratch on the flawed annotations. */
import { DEFAULT_WORLD } from '../core/world/config';
import { PRESETS, describeConfig, isPresetName } from '../core/model/config';
import { initWeights } from '../core/model/weights';
import { DEFAULT_SFT, SftTrainer } from '../core/train/sft';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { parseFlags, runCli, usage, UsageError, type FlagSpec } from './args';
import { saveCheckpointDir } from './checkpoint-files';
import { ProgressBar } from './progress';

const FLAGS = {
  seed: { kind: 'int', default: 0, min: 0, help: 'seed of the weights and of the training stream' },
  steps: { kind: 'int', default: DEFAULT_SFT.steps, min: 1, help: 'optimizer steps' },
  out: { kind: 'string', help: 'directory to write checkpoint.json and weights.bin to' },
  preset: { kind: 'string', default: 'default', choices: Object.keys(PRESETS), help: 'model size' },
  batch: { kind: 'int', default: DEFAULT_SFT.batchSize, min: 1, max: 512, help: 'examples per step' },
  lr: { kind: 'number', default: DEFAULT_SFT.learningRate, min: 0, exclusiveMin: true, max: 1, help: 'peak learning rate (Adam)' },
  backend: { kind: 'string', default: 'wasm', choices: NODE_BACKENDS, help: 'tfjs backend' },
} satisfies Record<string, FlagSpec>;

await runCli('pretrain', FLAGS, async () => {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) return void console.log(usage('pretrain', FLAGS));
  if (!isPresetName(flags.preset)) throw new UsageError(`unknown preset ${flags.preset}`);
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  const config = PRESETS[flags.preset];
  console.log(`model ${describeConfig(config)} | backend ${backend}`);
  const weights = initWeights(config, flags.seed);
  const trainer = new SftTrainer(weights, config, DEFAULT_WORLD, { steps: flags.steps, batchSize: flags.batch, learningRate: flags.lr, seed: flags.seed });
  const bar = new ProgressBar(flags.steps, 'sft');
  let lastLoss = NaN;
  for (let i = 0; i < flags.steps; i++) {
    const log = await trainer.trainStep();
    if (log) lastLoss = log.loss;
    bar.update(i + 1, `loss ${lastLoss.toFixed(3)}`);
  }
  const seconds = bar.elapsedSeconds;
  await saveCheckpointDir(flags.out, weights, config, {
    command: `npm run pretrain -- --seed ${flags.seed} --steps ${flags.steps} --preset ${flags.preset} --batch ${flags.batch} --lr ${flags.lr} --backend ${backend} --out ${flags.out}`,
    seed: flags.seed,
    steps: flags.steps,
    batchSize: flags.batch,
    learningRate: flags.lr,
    backend,
    trainingSeconds: Math.round(seconds),
    finalLoss: lastLoss,
    world: DEFAULT_WORLD,
  });
  console.log(`saved ${flags.out} after ${seconds.toFixed(0)} s (final loss ${lastLoss.toFixed(4)})`);
  trainer.dispose();
});
