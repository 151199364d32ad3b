/**
 * A short probe of the real workload on the active backend: offline DPO steps at the current
 * batch size and a few generated tokens at the current sampling settings. The worker runs it on
 * each backend that passed its self-check and trains on the fastest.
 */
import { heldOutScenes } from '../eval/evaluate';
import { generate } from '../model/generate';
import type { ModelConfig } from '../model/config';
import type { Weights } from '../model/weights';
import { samplesEveryStep, type PlaygroundConfig } from '../settings/controls';
import { worldFromConfig } from '../settings/run-options';
import { renderScene } from '../world/render';
import { DESCRIBE_PROMPT } from '../world/tasks';
import { withScratchRun } from './scratch-run';

export interface ThroughputProbe {
  /** Offline DPO steps per second at the settings' batch size, after one warm-up step. */
  dpoStepsPerSecond: number;
  /** Generated tokens per second (rows x new tokens) for a batch of K x batch prompts. */
  tokensPerSecond: number;
  /** The warm-up step (shader compilation on a GPU), ms. */
  warmupMs: number;
  /**
   * Set when the rate is not a steady-state measurement, saying what it is instead: the warm-up
   * step alone ran past the budget (the rate is that first step's), or the backend was estimated
   * from a forward pass far slower than the best backend's.
   */
  estimate?: string;
}

export interface ProbeOptions {
  /** Stop after the warm-up step if it took longer than this (ms). */
  warmupBudgetMs: number;
  /** Also time generation (online and mixed runs sample captions every step). */
  withGeneration: boolean;
}

/** Timed steps stop after this long (at least one is timed). */
const TIMED_BUDGET_MS = 1500;

export async function probeThroughput(
  model: { weights: Weights; config: ModelConfig },
  settings: PlaygroundConfig,
  options: ProbeOptions = { warmupBudgetMs: Infinity, withGeneration: true },
): Promise<ThroughputProbe> {
  const offline: PlaygroundConfig = { ...settings, method: 'offline', pairSource: 'gt-corrupt', steps: 1000 };
  return withScratchRun(model, offline, { offlinePairs: settings.batchSize, logEvery: 1000 }, async ({ trainer, policy, sync }) => {
    let start = performance.now();
    await trainer.trainStep();
    await sync();
    const warmupMs = performance.now() - start;
    if (warmupMs > options.warmupBudgetMs)
      return {
        dpoStepsPerSecond: 1000 / warmupMs,
        tokensPerSecond: NaN,
        warmupMs,
        estimate: `first step ${(warmupMs / 1000).toFixed(0)} s`,
      };
    start = performance.now();
    let steps = 0;
    do {
      await trainer.trainStep();
      await sync();
      steps++;
    } while (steps < 3 && performance.now() - start < TIMED_BUDGET_MS);
    const dpoStepsPerSecond = steps / ((performance.now() - start) / 1000);
    if (!options.withGeneration) return { dpoStepsPerSecond, tokensPerSecond: NaN, warmupMs };

    const world = worldFromConfig(settings, model.config);
    const rows = Math.min(64, settings.samples * settings.batchSize);
    const images = heldOutScenes(world, 3, rows).map((s) => renderScene(s, world.imageSize, world.noise));
    const prompts = images.map(() => DESCRIBE_PROMPT);
    const sampling = { temperature: settings.temperature, topK: settings.topK, topP: settings.topP, seed: 0 };
    await generate(policy, model.config, images, prompts, { ...sampling, maxNewTokens: 2 });
    start = performance.now();
    const newTokens = 4;
    await generate(policy, model.config, images, prompts, { ...sampling, maxNewTokens: newTokens });
    const tokensPerSecond = (rows * newTokens) / ((performance.now() - start) / 1000);
    return { dpoStepsPerSecond, tokensPerSecond, warmupMs };
  });
}

/** Seconds per training step of the settings' method, from a probe (online steps also sample K captions of up to 21 words). */
export function secondsPerStep(probe: ThroughputProbe, settings: PlaygroundConfig): number {
  const dpo = 1 / probe.dpoStepsPerSecond;
  if (!samplesEveryStep(settings)) return dpo;
  if (!Number.isFinite(probe.tokensPerSecond)) return dpo;
  const sampledTokens =
    settings.samples * settings.batchSize * 21 * (settings.method === 'mixed' ? 1 - settings.mixedOfflineProbability : 1);
  return dpo + sampledTokens / probe.tokensPerSecond;
}
