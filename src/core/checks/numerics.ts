/**
 * The numbers that decide whether a backend trains correctly, computed on whatever backend is
 * active, at the sizes the playground really uses: the default batch of 16 pairs, the default
 * evaluation batch (64 held-out scenes, greedy) and K = 4 samples per prompt at the default
 * temperature. tests/e2e/equivalence.test.ts compares two backends' reports.
 */
import * as tf from '../tf';
import { sampleCandidates } from '../dpo/pair-builders';
import { captionScenes, heldOutScenes } from '../eval/evaluate';
import type { ModelConfig } from '../model/config';
import type { Weights } from '../model/weights';
import { defaultConfig, type PlaygroundConfig } from '../settings/controls';
import { dpoOptionsFromConfig, worldFromConfig } from '../settings/run-options';
import { renderScene } from '../world/render';
import { fusedKernelChecks, type FusedKernelCheck } from './fused-check';
import { pairLogProbs } from './golden';
import { withScratchRun } from './scratch-run';

export interface NumericsReport {
  backend: string;
  /** Per-sequence log-probs of 16 gt-corrupt pairs: [chosen x16, rejected x16]. */
  logProbs: number[];
  /** The first logged step of the default offline DPO run (TRL names, refused_steps included). */
  firstStep: Record<string, number>;
  /** Every trainable weight after that one Adam step, by name. */
  weightsAfterStep: Record<string, Float32Array>;
  /** Each weight before the step (to express differences in units of the update). */
  weightsBeforeStep: Record<string, Float32Array>;
  /** Refused (non-finite) steps in a short default run, and the events it logged. */
  shortRun: { steps: number; refused: number; events: string[]; losses: number[] };
  /** Greedy captions of the default evaluation batch. */
  greedy: string[];
  /** K = 4 samples per prompt at the default temperature, 16 prompts, seeded. */
  sampled: number[][];
  /** Each fused kernel against its plain tfjs path on this backend (empty where none are used). */
  fusedKernels: FusedKernelCheck[];
  /** Milliseconds per part, for the record (not compared). */
  timings: Record<string, number>;
}

export interface NumericsOptions {
  /** Steps of the short default run whose every step must be accepted. */
  shortRunSteps: number;
  /** Skip generation (the cpu backend is too slow for 64 x 21 tokens in a test). */
  withGeneration: boolean;
}

async function readWeights(weights: Weights, names: readonly string[]): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const name of names) out[name] = (await weights[name]!.data()) as Float32Array;
  return out;
}

export async function numericsReport(model: { weights: Weights; config: ModelConfig }, options: NumericsOptions): Promise<NumericsReport> {
  const settings: PlaygroundConfig = defaultConfig();
  const world = worldFromConfig(settings, model.config);
  const timings: Record<string, number> = {};
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    timings[label] = performance.now() - start;
    return result;
  };

  const logProbs = await timed('logProbs', () => pairLogProbs(model.weights, model.config, 7, settings.batchSize));

  // One step of the default run, exactly as the playground makes it, on a private copy.
  const { firstStep, weightsBeforeStep, weightsAfterStep } = await timed('dpoStep', () =>
    withScratchRun(model, { ...settings, steps: 1 }, { logEvery: 1 }, async ({ trainer, policy }) => {
      const names = Object.keys(policy).filter((n) => !n.startsWith('vision.'));
      const before = await readWeights(policy, names);
      const log = await trainer.trainStep();
      return { firstStep: log?.metrics ?? {}, weightsBeforeStep: before, weightsAfterStep: await readWeights(policy, names) };
    }),
  );

  const shortRun = await timed('shortRun', () =>
    withScratchRun(model, { ...settings, steps: options.shortRunSteps }, { logEvery: 1 }, async ({ trainer }) => {
      const events: string[] = [];
      const losses: number[] = [];
      let refused = 0;
      for (let i = 0; i < options.shortRunSteps; i++) {
        const log = await trainer.trainStep();
        if (!log) continue;
        events.push(...log.events);
        if (log.metrics.loss !== undefined) losses.push(log.metrics.loss);
        refused = log.metrics.refused_steps ?? refused;
      }
      return { steps: options.shortRunSteps, refused, events, losses };
    }),
  );

  let greedy: string[] = [];
  let sampled: number[][] = [];
  if (options.withGeneration) {
    greedy = await timed('greedy', async () => {
      const scenes = heldOutScenes(world, settings.evalSeed, settings.evalScenes);
      const captions = await captionScenes(model.weights, model.config, world, scenes, Math.min(settings.evalScenes, 64));
      return captions.map((c) => c.text);
    });
    sampled = await timed('sampled', async () => {
      const scenes = heldOutScenes(world, settings.evalSeed + 1, settings.batchSize);
      const images = scenes.map((s) => renderScene(s, world.imageSize, world.noise));
      const sampling = dpoOptionsFromConfig(settings).sampling;
      const out = await sampleCandidates(model, scenes, images, settings.samples, sampling, 1234);
      return out.map((c) => c.ids);
    });
  }
  const fusedKernels = await timed('fusedKernels', () => fusedKernelChecks());
  return {
    backend: tf.getBackend(),
    logProbs,
    firstStep,
    weightsBeforeStep,
    weightsAfterStep,
    shortRun,
    greedy,
    sampled,
    fusedKernels,
    timings,
  };
}
