import * as tf from './tf';
import { createRng } from './random';
import type { ModelConfig } from './model/config';
import { generate } from './model/generate';
import { disposeWeights, initWeights, type TrainableWeights } from './model/weights';
import { SftTrainer } from './train/sft';
import { DpoTrainer } from './dpo/trainer';
import { worldForModel } from './world/config';
import { renderScene } from './world/render';
import { sampleScenes } from './world/scene';
import { DESCRIBE_PROMPT } from './world/tasks';
import { countKernels, kernelsRun } from './ops/kernel-counter';

export interface BenchResult {
  backend: string;
  preset: string;
  sftStepsPerSecond: number;
  sftBatchSize: number;
  generationTokensPerSecond: number;
  generationBatchSize: number;
  /** DPO steps/s with cached reference log-probs (batch of pairs = sftBatchSize / 2); NaN if skipped. */
  dpoOfflineStepsPerSecond: number;
  /** DPO steps/s sampling K=4 responses per prompt from the policy each step (same batch); NaN if skipped. */
  dpoOnlineStepsPerSecond: number;
  /** tfjs kernels per timed offline DPO step and per decoding step of the generation batch. */
  kernelsPerDpoStep: number;
  kernelsPerToken: number;
}

/** Where the bench's weights come from: a trained model (the shipped one) or a seeded init. */
export type BenchWeights = () => TrainableWeights;

async function dpoStepsPerSecond(
  config: ModelConfig,
  load: BenchWeights,
  mode: 'offline' | 'online',
  batchSize: number,
  steps: number,
): Promise<{ rate: number; kernels: number }> {
  const weights = load();
  const trainer = new DpoTrainer(weights, config, worldForModel(config), {
    mode,
    batchSize,
    offlinePairs: 4 * batchSize,
    samples: 4,
    steps: 1e9,
    logEvery: 1e9,
    sampling: { temperature: 1, topK: 0, topP: 1, maxNewTokens: 12 },
  });
  await trainer.prepare();
  // Warm-up: one epoch offline (the reference log-probs get cached during the first), one step online.
  for (let i = 0; i < (mode === 'offline' ? 4 : 1); i++) await trainer.trainStep();
  await weights['final.ln.g']!.data();
  const kernelsBefore = kernelsRun(tf.getBackend());
  const start = performance.now();
  for (let i = 0; i < steps; i++) await trainer.trainStep();
  await weights['final.ln.g']!.data();
  const rate = steps / ((performance.now() - start) / 1000);
  const kernels = (kernelsRun(tf.getBackend()) - kernelsBefore) / steps;
  trainer.dispose();
  disposeWeights(weights);
  return { rate, kernels };
}

/**
 * Throughput of SFT steps, batched sampling and DPO steps on the current backend, and the tfjs
 * kernels a DPO step and a decoding step take. Warm-up steps are excluded (shader compilation on
 * WebGPU/WebGL); one readback at the end of each timed block. `weights` defaults to a seeded init;
 * the shipped model makes generation lengths (and so online DPO) those of a trained model.
 */
export async function benchmark(
  config: ModelConfig,
  options: { sftSteps: number; batchSize: number; generationBatch: number; includeDpo: boolean; weights?: BenchWeights },
): Promise<BenchResult> {
  const load = options.weights ?? (() => initWeights(config, 1));
  countKernels(tf.getBackend());
  const weights = load();
  const trainer = new SftTrainer(weights, config, worldForModel(config), { steps: 1e9, batchSize: options.batchSize, logEvery: 1e9 });
  for (let i = 0; i < 3; i++) await trainer.trainStep();
  await weights['final.ln.g']!.data();
  let start = performance.now();
  for (let i = 0; i < options.sftSteps; i++) await trainer.trainStep();
  await weights['final.ln.g']!.data();
  const sftStepsPerSecond = options.sftSteps / ((performance.now() - start) / 1000);
  trainer.dispose();

  const world = worldForModel(config);
  const scenes = sampleScenes(createRng(1), world, options.generationBatch);
  const images = scenes.map((s) => renderScene(s, world.imageSize, world.noise));
  const prompts = scenes.map(() => DESCRIBE_PROMPT);
  const maxNewTokens = 12;
  await generate(weights, config, images.slice(0, 2), prompts.slice(0, 2), { maxNewTokens: 2 });
  const generationKernels = kernelsRun(tf.getBackend());
  start = performance.now();
  const out = await generate(weights, config, images, prompts, { maxNewTokens, temperature: 1, seed: 1 });
  const tokens = out.reduce((n, g) => n + g.ids.length, 0);
  const generationTokensPerSecond = tokens / ((performance.now() - start) / 1000);
  // Rows advance together: the longest row is the number of decoding steps.
  const kernelsPerToken = (kernelsRun(tf.getBackend()) - generationKernels) / Math.max(...out.map((g) => g.ids.length));
  disposeWeights(weights);
  const dpoBatch = Math.max(1, Math.floor(options.batchSize / 2));
  const offline = options.includeDpo
    ? await dpoStepsPerSecond(config, load, 'offline', dpoBatch, options.sftSteps)
    : { rate: NaN, kernels: NaN };
  const online = options.includeDpo
    ? await dpoStepsPerSecond(config, load, 'online', dpoBatch, Math.max(2, Math.floor(options.sftSteps / 4)))
    : { rate: NaN, kernels: NaN };
  return {
    backend: tf.getBackend(),
    preset: config.preset,
    sftStepsPerSecond,
    sftBatchSize: options.batchSize,
    generationTokensPerSecond,
    generationBatchSize: options.generationBatch,
    dpoOfflineStepsPerSecond: offline.rate,
    dpoOnlineStepsPerSecond: online.rate,
    kernelsPerDpoStep: offline.kernels,
    kernelsPerToken,
  };
}
