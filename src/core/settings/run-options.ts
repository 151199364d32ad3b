/** The playground's flat configuration mapped onto the engine's typed options, with cross-checks. */
import { DEFAULT_DPO, type DpoOptions } from '../dpo/options';
import { judgeEntry } from '../dpo/judge';
import { lossOptionProblems } from '../dpo/loss-options';
import { parseLossSpec } from '../dpo/loss-spec';
import type { SftOptions } from '../train/sft';
import { DEFAULT_WORLD, worldForModel, type WorldConfig } from '../world/config';
import type { ModelConfig } from '../model/config';
import { settingProblems, type PlaygroundConfig } from './controls';

/**
 * Seed of the gallery's held-out scenes: the page's "before" gallery and each run's policy vs
 * reference comparison show the same scenes, and (at the default eval seed) not the eval's.
 */
export const GALLERY_SEED = 101;
/** How many scenes the gallery shows. */
export const GALLERY_SCENES = 6;

/** The world of a run: the settings' annotation knobs, drawn at the image size the model reads. */
export function worldFromConfig(config: PlaygroundConfig, model: Pick<ModelConfig, 'imageSize'>): WorldConfig {
  return worldForModel(model, {
    ...DEFAULT_WORLD,
    cooccurrenceBias: config.cooccurrenceBias,
    annotatorHallucinationRate: config.annotatorHallucination,
    annotatorSignRate: config.annotatorFollowsSigns,
  });
}

/** Log often enough that short runs still draw a curve, rarely enough to keep readbacks cheap. */
export function logInterval(steps: number): number {
  return Math.max(1, Math.min(10, Math.floor(steps / 20)));
}

/** The DPO options of a run (settings whose method is sft, measured by the checks as a DPO step, take the offline one). */
export function dpoOptionsFromConfig(config: PlaygroundConfig): DpoOptions {
  return {
    ...DEFAULT_DPO,
    mode: config.method === 'sft' ? 'offline' : config.method,
    pairSource: config.pairSource,
    judge: { ...DEFAULT_DPO.judge, kind: config.judge, noise: config.judgeNoise, coverageBonus: config.coverageBonus },
    loss: {
      terms: parseLossSpec(config.lossTypes),
      beta: config.beta,
      labelSmoothing: config.labelSmoothing,
      referenceFree: config.referenceFree,
      mdpoWeight: config.mdpoWeight,
    },
    learningRate: config.learningRate,
    batchSize: config.batchSize,
    steps: config.steps,
    sampling: { ...DEFAULT_DPO.sampling, temperature: config.temperature, topK: config.topK, topP: config.topP },
    samples: config.samples,
    mixedOfflineProbability: config.mixedOfflineProbability,
    offlinePairs: config.offlinePairs,
    seed: config.seed,
    referenceSync: { every: config.referenceSync, mix: config.referenceSyncMix },
    rounds: config.rounds,
    logEvery: logInterval(config.steps),
  };
}

export function sftOptionsFromConfig(config: PlaygroundConfig): Partial<SftOptions> {
  // Continuing SFT from a trained model: no warm-up, the playground's lr, batch counted in examples.
  return {
    steps: config.steps,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    warmupSteps: 0,
    seed: config.seed,
    logEvery: logInterval(config.steps),
  };
}

/** Every problem with a configuration, each in plain words; empty when it can run. */
export function runConfigProblems(config: PlaygroundConfig): string[] {
  const problems = settingProblems(config);
  if (problems.length > 0) return problems;
  if (config.method !== 'sft') {
    problems.push(...lossOptionProblems(dpoOptionsFromConfig(config).loss));
    const judge = judgeEntry(config.judge);
    if (judge.person === 'picks' && config.method !== 'online')
      problems.push('the human judge ranks online samples: choose the online method (offline data is built before training)');
    if (judge.person === 'picks' && config.batchSize > 8)
      problems.push('with the human judge every pair is your choice: use a batch of 8 or fewer');
    if (config.rounds > config.steps) problems.push(`iterative rounds (${config.rounds}) cannot exceed the steps (${config.steps})`);
  }
  return problems;
}
