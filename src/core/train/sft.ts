import * as tf from '../tf';
import { createRng, type Rng } from '../random';
import type { WorldConfig } from '../world/config';
import type { ModelConfig } from '../model/config';
import type { Metrics } from '../dpo/metric-names';
import { sftLoss } from '../model/logprobs';
import { disposeBatch } from '../model/sequence';
import { decoderWeights, type TrainableWeights } from '../model/weights';
import { IntervalSums, type IntervalState } from './interval-sums';
import { PackedAdam, type AdamState } from './optimizer';
import { sampleSftBatch } from './sft-data';
import { RefusedStepReport, type Trainer, type TrainerLog } from './trainer';

export interface SftOptions {
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Linear warm-up, then cosine decay to 10% of the peak. */
  warmupSteps: number;
  maxGradNorm: number;
  seed: number;
  /** Read metrics back from the device every this many steps (readback stalls the pipeline). */
  logEvery: number;
  /** Keep the vision encoder as stage 0 left it (LLaVA keeps CLIP frozen). */
  freezeVision: boolean;
}

export const DEFAULT_SFT: SftOptions = {
  steps: 6000,
  batchSize: 32,
  learningRate: 1e-3,
  warmupSteps: 100,
  maxGradNorm: 1,
  seed: 0,
  logEvery: 25,
  freezeVision: true,
};

export function learningRateAt(step: number, options: SftOptions): number {
  if (step < options.warmupSteps) return (options.learningRate * (step + 1)) / options.warmupSteps;
  const progress = Math.min(1, (step - options.warmupSteps) / Math.max(1, options.steps - options.warmupSteps));
  return options.learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** Everything a resumed SFT run needs besides its weights. */
export interface SftTrainerState {
  step: number;
  rng: number;
  optimizer: AdamState;
  /** The refused-step count (absent in states saved before SFT counted them). */
  interval?: IntervalState;
  refusedReported?: number;
}

/**
 * Supervised fine-tuning on the annotator's captions and answers (flaws and all). A log carries the
 * step's own loss and gradient norm (not interval means), the scheduled learning rate and the
 * refused steps so far.
 */
export class SftTrainer implements Trainer {
  readonly options: SftOptions;
  private readonly optimizer: PackedAdam;
  private readonly rng: Rng;
  /** Projector and decoder, plus the vision encoder unless it is frozen. */
  private readonly trainable: TrainableWeights;
  /** Counts the steps the optimizer refused, on the device (no metric sums: SFT logs the step's own values). */
  private readonly interval = new IntervalSums();
  private readonly refused = new RefusedStepReport();
  step = 0;

  constructor(
    private readonly weights: TrainableWeights,
    private readonly config: ModelConfig,
    private readonly world: WorldConfig,
    options: Partial<SftOptions> = {},
  ) {
    this.options = { ...DEFAULT_SFT, ...options };
    this.rng = createRng(this.options.seed);
    this.trainable = this.options.freezeVision ? decoderWeights(weights) : weights;
    this.optimizer = new PackedAdam(this.trainable, this.options.learningRate, 0.9, 0.98);
  }

  /** Nothing to build: each step samples its own batch. */
  async prepare(): Promise<void> {}

  setLearningRate(lr: number): void {
    this.options.learningRate = lr;
  }

  /** One step; returns metrics only on logging steps (the first, every logEvery and the last), else undefined. */
  async trainStep(): Promise<TrainerLog | undefined> {
    const learningRate = learningRateAt(this.step, this.options);
    this.optimizer.learningRate = learningRate;
    const batch = sampleSftBatch(this.rng, this.world, this.options.batchSize);
    const { loss, gradNorm, applied } = this.optimizer.step(() => sftLoss(this.weights, this.config, batch), this.options.maxGradNorm);
    disposeBatch(batch);
    this.interval.add({}, applied);
    this.step++;
    const logging = this.step % this.options.logEvery === 0 || this.step === this.options.steps || this.step === 1;
    let log: TrainerLog | undefined;
    if (logging) {
      // The step's loss and gradient norm come back with the refused-step count in one readback.
      const values = tf.tidy(() => tf.stack([loss, gradNorm]));
      const { refused, extra } = await this.interval.read(values);
      values.dispose();
      const metrics: Metrics = { loss: extra![0]!, grad_norm: extra![1]!, learning_rate: learningRate };
      const events: string[] = [];
      this.refused.report(refused, this.step, metrics, events);
      log = { step: this.step, metrics, events, pairs: [] };
    }
    tf.dispose([loss, gradNorm, applied]);
    return log;
  }

  async saveState(): Promise<SftTrainerState> {
    return {
      step: this.step,
      rng: this.rng.state(),
      optimizer: await this.optimizer.exportState(),
      interval: await this.interval.exportState(),
      refusedReported: this.refused.reported,
    };
  }

  restoreState(state: SftTrainerState): void {
    this.step = state.step;
    this.rng.restore(state.rng);
    this.optimizer.importState(state.optimizer);
    if (state.interval) this.interval.importState(state.interval);
    this.refused.reported = state.refusedReported ?? 0;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.interval.dispose();
  }
}
