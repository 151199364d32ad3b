/** The playground's flat configuration mapped onto the engine's typed options, with cross-checks. */
import { DEFAULT_DPO, type DpoMode, type DpoOptions } from '../dpo/options';
import type { JudgeKind } from '../dpo/verdicts';
import { lossOptionProblems } from '../dpo/loss-options';
import { parseLossSpec } from '../dpo/loss-spec';
import type { PairSource } from '../dpo/pairs';
import type { SftOptions } from '../train/sft';
import { DEFAULT_WORLD, worldForModel, type WorldConfig } from '../world/config';
import type { ModelConfig } from '../model/config';
import { CONTROLS, controlProblem, type PlaygroundConfig } from './controls';

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
    cooccurrenceBias: config.cooc,
    annotatorHallucinationRate: config.halluc,
    annotatorSignRate: config.obey,
  });
}

/** Log often enough that short runs still draw a curve, rarely enough to keep readbacks cheap. */
export function logInterval(steps: number): number {
  return Math.max(1, Math.min(10, Math.floor(steps / 20)));
}

export function dpoOptionsFromConfig(config: PlaygroundConfig): DpoOptions {
  return {
    ...DEFAULT_DPO,
    mode: config.mode as DpoMode,
    pairSource: config.pairs as PairSource,
    judge: { ...DEFAULT_DPO.judge, kind: config.judge as JudgeKind, noise: config.noise, coverageBonus: config.cover },
    loss: {
      terms: parseLossSpec(config.loss),
      beta: config.beta,
      labelSmoothing: config.ls,
      referenceFree: config.reffree === 'on',
      mdpoWeight: config.mdpo,
    },
    learningRate: config.lr,
    batchSize: config.batch,
    steps: config.steps,
    sampling: { ...DEFAULT_DPO.sampling, temperature: config.temp, topK: config.topk, topP: config.topp },
    samples: config.k,
    mixedOfflineProbability: config.mixp,
    offlinePairs: config.npairs,
    seed: config.seed,
    referenceSync: { every: config.sync, mix: config.refmix },
    rounds: config.rounds,
    logEvery: logInterval(config.steps),
  };
}

export function sftOptionsFromConfig(config: PlaygroundConfig): Partial<SftOptions> {
  // Continuing SFT from a trained model: no warm-up, the playground's lr, batch counted in examples.
  return {
    steps: config.steps,
    batchSize: config.batch,
    learningRate: config.lr,
    warmupSteps: 0,
    seed: config.seed,
    logEvery: logInterval(config.steps),
  };
}

/** Every problem with a configuration, each in plain words; empty when it can run. */
export function runConfigProblems(config: PlaygroundConfig): string[] {
  const problems: string[] = [];
  for (const control of CONTROLS) {
    const problem = controlProblem(control, String(config[control.key]));
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) return problems;
  if (config.mode !== 'sft') {
    problems.push(...lossOptionProblems(dpoOptionsFromConfig(config).loss));
    if (config.judge === 'human' && config.mode !== 'online')
      problems.push('the human judge ranks online samples: choose the online method (offline data is built before training)');
    if (config.judge === 'human' && config.batch > 8)
      problems.push('with the human judge every pair is your choice: use a batch of 8 or fewer');
    if (config.rounds > config.steps) problems.push(`iterative rounds (${config.rounds}) cannot exceed the steps (${config.steps})`);
  }
  return problems;
}
