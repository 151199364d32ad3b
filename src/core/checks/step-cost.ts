/**
 * What a DPO step and a generated token cost on the active backend: tfjs kernels, and (where the
 * shell can count them) GPU dispatches, blocking readbacks and bytes read back. Dispatches and
 * readbacks are what bound a step on a real GPU for a model this small.
 */
import * as tf from '../tf';
import { heldOutScenes } from '../eval/evaluate';
import { generate } from '../model/generate';
import type { ModelConfig } from '../model/config';
import type { Weights } from '../model/weights';
import { defaultConfig } from '../settings/controls';
import { worldFromConfig } from '../settings/run-options';
import { renderScene } from '../world/render';
import { DESCRIBE_PROMPT } from '../world/tasks';
import { countKernels, kernelsRun } from '../ops/kernel-counter';
import { fusedKernelsActive, setFusedKernels } from '../ops/fused';
import { withScratchRun } from './scratch-run';

export interface DeviceCounters {
  dispatches: number;
  readbacks: number;
  bytesRead: number;
}

export interface StepCost {
  backend: string;
  kernelsPerDpoStep: number;
  /** Per decoding step: one new token for each of the batch's rows. */
  kernelsPerToken: number;
  dpoBatch: number;
  generationBatch: number;
  /** Wall time of a steady-state DPO step, and of one with the fused and loop kernels off. */
  msPerDpoStep: number;
  plainMsPerDpoStep?: number;
  /** Only where the shell counts device work (WebGPU in the worker). */
  device?: { perDpoStep: DeviceCounters; perToken: DeviceCounters };
}

const STEPS = 10;
/** Steps timed with tfjs's own kernels only (slow on a software adapter). */
const PLAIN_STEPS = 3;

function difference(a: DeviceCounters, b: DeviceCounters, per: number): DeviceCounters {
  return {
    dispatches: (b.dispatches - a.dispatches) / per,
    readbacks: (b.readbacks - a.readbacks) / per,
    bytesRead: (b.bytesRead - a.bytesRead) / per,
  };
}

/**
 * Steady-state cost of the default offline DPO run (reference log-probs cached, metrics logged
 * every 5 steps as in a 100-step run) and of greedy generation for 16 captions. Where the fused
 * kernels run, the DPO step is also timed with them off (tfjs's own kernels), in the same page.
 */
export async function measureStepCost(
  model: { weights: Weights; config: ModelConfig },
  readDevice?: () => DeviceCounters,
): Promise<StepCost> {
  const backend = tf.getBackend();
  countKernels(backend);
  const settings = defaultConfig();
  return withScratchRun(model, settings, { offlinePairs: 2 * settings.batchSize }, async ({ trainer, policy, sync }) => {
    // Two epochs of the small dataset: every pair's reference log-probs are cached afterwards.
    for (let i = 0; i < 4; i++) await trainer.trainStep();
    await sync();
    const kernelsBefore = kernelsRun(backend);
    const deviceBefore = readDevice?.();
    let started = performance.now();
    for (let i = 0; i < STEPS; i++) await trainer.trainStep();
    const kernelsPerDpoStep = (kernelsRun(backend) - kernelsBefore) / STEPS;
    const perDpoStep = deviceBefore && difference(deviceBefore, readDevice!(), STEPS);
    await sync();
    const msPerDpoStep = (performance.now() - started) / STEPS;
    let plainMsPerDpoStep: number | undefined;
    if (fusedKernelsActive()) {
      setFusedKernels(false);
      try {
        await trainer.trainStep(); // compiles tfjs's kernels for these shapes
        await sync();
        started = performance.now();
        for (let i = 0; i < PLAIN_STEPS; i++) await trainer.trainStep();
        await sync();
        plainMsPerDpoStep = (performance.now() - started) / PLAIN_STEPS;
      } finally {
        setFusedKernels(true);
      }
    }

    const world = worldFromConfig(settings, model.config);
    const images = heldOutScenes(world, 5, settings.batchSize).map((s) => renderScene(s, world.imageSize, world.noise));
    const prompts = images.map(() => DESCRIBE_PROMPT);
    await generate(policy, model.config, images, prompts, { maxNewTokens: 2 });
    const genKernels = kernelsRun(backend);
    const genDevice = readDevice?.();
    const maxNewTokens = 12;
    const out = await generate(policy, model.config, images, prompts, { maxNewTokens, temperature: 1, seed: 3 });
    // Rows advance together, so the longest row tells how many decoding steps ran.
    const decodingSteps = Math.max(...out.map((g) => g.ids.length));
    const kernelsPerToken = (kernelsRun(backend) - genKernels) / decodingSteps;
    const perToken = genDevice && difference(genDevice, readDevice!(), decodingSteps);
    return {
      backend,
      kernelsPerDpoStep,
      kernelsPerToken,
      dpoBatch: settings.batchSize,
      generationBatch: images.length,
      msPerDpoStep,
      plainMsPerDpoStep,
      device: perDpoStep && perToken ? { perDpoStep, perToken } : undefined,
    };
  });
}
