/**
 * One training run of the playground, DOM-free: a private copy of the starting model trained by
 * SFT or DPO, with hallucination evals and a policy-vs-reference gallery. The worker and the tests
 * drive it through TrainingLoop; nothing here knows about pages or messages.
 */
import type { HumanPreferences } from '../dpo/human-preferences';
import { markCaption, type MarkedCaption } from '../eval/annotate';
import { captionScenes, evaluateModel, heldOutScenes } from '../eval/evaluate';
import type { HumanChooser } from '../dpo/judge';
import { DpoTrainer, type DpoTrainerState } from '../dpo/trainer';
import type { PreferencePair } from '../dpo/pairs';
import type { ModelConfig } from '../model/config';
import { trainableCopy, assignWeights, disposeWeights, frozenCopy, type TrainableWeights, type Weights } from '../model/weights';
import { SftTrainer, type SftTrainerState } from '../train/sft';
import type { TrainedPair, Trainer } from '../train/trainer';
import type { WorldConfig } from '../world/config';
import { toRgba } from '../world/render';
import { groundTruthCaption } from '../world/tasks';
import type { PlaygroundConfig } from '../settings/controls';
import { dpoOptionsFromConfig, GALLERY_SEED, sftOptionsFromConfig, worldFromConfig } from '../settings/run-options';
import type { MetricPoint } from '../runs/run-record';
import { evalRecordOf, type EvalRecord } from '../eval/eval-record';

export interface Model {
  weights: Weights;
  config: ModelConfig;
}

/** A held-out scene with what the policy and the reference say about it. */
export interface ComparedCaption {
  rgba: Uint8ClampedArray;
  size: number;
  truth: string;
  policy: MarkedCaption;
  reference: MarkedCaption;
}

/** A pair the latest step trained on, for the pair inspector. */
export type InspectedPair = TrainedPair;

/** What a resumed run continues from besides its weights (see the trainers' saveState). */
export type SessionState = { method: 'sft'; trainer: SftTrainerState } | { method: 'dpo'; trainer: DpoTrainerState };

export interface StepResult {
  point?: MetricPoint;
  events: string[];
  pairs: InspectedPair[];
}

export class RunSession {
  readonly world: WorldConfig;
  readonly policy: TrainableWeights;
  /** SFT or DPO, driven the same way; the DPO trainer also gives the reference and its pairs. */
  private readonly trainer: Trainer;
  private readonly sft?: SftTrainer;
  private readonly dpo?: DpoTrainer;
  /** The model the run started from (its step-0 evaluation is the baseline). */
  readonly startingWeights: Weights;
  private readonly modelConfig: ModelConfig;
  private referenceCaptions?: { weights: Weights; count: number; seed: number; captions: { text: string }[] };
  /** A saved trainer state to apply once prepare() has rebuilt the data (a resumed run). */
  private pendingState?: SessionState;

  constructor(
    start: Model,
    readonly config: PlaygroundConfig,
    human?: HumanChooser,
    humanPreferences?: HumanPreferences,
  ) {
    this.world = worldFromConfig(config, start.config);
    // The run trains a copy: the starting model stays as it was for the next run.
    this.policy = trainableCopy(start.weights);
    this.startingWeights = frozenCopy(start.weights);
    this.modelConfig = start.config;
    if (config.method === 'sft') this.sft = new SftTrainer(this.policy, start.config, this.world, sftOptionsFromConfig(config));
    else this.dpo = new DpoTrainer(this.policy, start.config, this.world, dpoOptionsFromConfig(config), human, humanPreferences);
    this.trainer = this.sft ?? this.dpo!;
  }

  get step(): number {
    return this.trainer.step;
  }

  get totalSteps(): number {
    return this.config.steps;
  }

  get done(): boolean {
    return this.step >= this.config.steps;
  }

  /** The model the policy is compared with: DPO's reference, or the starting model for SFT. */
  get reference(): Weights {
    return this.dpo?.referenceWeights ?? this.startingWeights;
  }

  get model(): Model {
    return { weights: this.policy, config: this.modelConfig };
  }

  /** Build the offline pairs (DPO; their reference log-probs are cached during the first epoch); nothing for SFT. */
  async prepare(onProgress?: (message: string) => void): Promise<void> {
    await this.trainer.prepare(onProgress);
    const pending = this.pendingState;
    this.pendingState = undefined;
    if (pending?.method === 'dpo' && this.dpo) await this.dpo.restoreState(pending.trainer);
    if (pending?.method === 'sft' && this.sft) this.sft.restoreState(pending.trainer);
  }

  /**
   * Continue from a saved policy (after a crash or device loss). With the trainer's saved state the
   * run continues exactly (optimizer moments, data order, random stream, logging interval); without
   * it, from the weights and step count only.
   */
  restore(policy: Weights, step: number, state?: SessionState): void {
    assignWeights(this.policy, policy);
    this.trainer.step = step;
    if (state && state.method !== (this.sft ? 'sft' : 'dpo'))
      throw new Error(`the saved state is for ${state.method}, this run is ${this.config.method}`);
    this.pendingState = state;
  }

  /** The trainer's state, to save with the weights for an exact resume (between steps). */
  async saveState(): Promise<SessionState> {
    return this.sft ? { method: 'sft', trainer: await this.sft.saveState() } : { method: 'dpo', trainer: await this.dpo!.saveState() };
  }

  async trainStep(): Promise<StepResult> {
    const log = await this.trainer.trainStep();
    if (!log) return { events: [], pairs: [] };
    const point = Object.keys(log.metrics).length > 0 ? { step: log.step, metrics: log.metrics } : undefined;
    return { point, events: log.events, pairs: log.pairs };
  }

  /** Pairs with images for dataset export (offline data and the latest online pairs). */
  exportablePairs(): PreferencePair[] {
    return this.dpo?.exportablePairs() ?? [];
  }

  setLearningRate(lr: number): void {
    this.trainer.setLearningRate(lr);
  }

  setBeta(beta: number): void {
    this.dpo?.setBeta(beta);
  }

  /** CHAIR, Cover and POPE of the policy on the run's held-out scenes. */
  async evaluate(weights: Weights = this.policy): Promise<EvalRecord> {
    return evaluateOnHeldOut({ weights, config: this.modelConfig }, this.world, this.config);
  }

  /** Policy and reference captions of the same held-out scenes, marked against the truth. */
  async compare(count: number, seed = GALLERY_SEED): Promise<ComparedCaption[]> {
    const scenes = heldOutScenes(this.world, seed, count);
    const policy = await captionScenes(this.policy, this.modelConfig, this.world, scenes, count);
    // The reference only changes with TR-DPO syncs or new rounds (a new weights object): reuse its captions.
    const cached = this.referenceCaptions;
    const reference =
      cached && cached.weights === this.reference && cached.count === count && cached.seed === seed
        ? cached.captions
        : await captionScenes(this.reference, this.modelConfig, this.world, scenes, count);
    this.referenceCaptions = { weights: this.reference, count, seed, captions: reference };
    return policy.map(({ scene, image, text }, i) => ({
      rgba: toRgba(image),
      size: this.world.imageSize,
      truth: groundTruthCaption(scene),
      policy: markCaption(text, scene),
      reference: markCaption(reference[i]!.text, scene),
    }));
  }

  dispose(): void {
    this.trainer.dispose();
    disposeWeights(this.policy);
    disposeWeights(this.startingWeights);
  }
}

/** CHAIR, Cover and POPE of a model on the held-out scenes of a run's settings (evalScenes scenes from evalSeed). */
export async function evaluateOnHeldOut(
  model: Model,
  world: WorldConfig,
  config: Pick<PlaygroundConfig, 'evalScenes' | 'evalSeed'>,
): Promise<EvalRecord> {
  const report = await evaluateModel(model.weights, model.config, world, {
    scenes: config.evalScenes,
    seed: config.evalSeed,
    batchSize: Math.min(config.evalScenes, 64),
  });
  return evalRecordOf(report);
}
