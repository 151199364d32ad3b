import * as tf from '../tf';
import { createRng, type Rng } from '../random';
import type { WorldConfig } from '../world/config';
import type { ModelConfig } from '../model/config';
import { sftLoss } from '../model/logprobs';
import { disposeBatch } from '../model/sequence';
import { decoderWeights, type TrainableWeights } from '../model/weights';
import { PackedAdam, type AdamState } from './optimizer';
import { sampleSftBatch } from './sft-data';

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

export interface SftLog {
  step: number;
  loss: number;
  gradNorm: number;
  learningRate: number;
}

export function learningRateAt(step: number, options: SftOptions): number {
  if (step < options.warmupSteps) return (options.learningRate * (step + 1)) / options.warmupSteps;
  const progress = Math.min(1, (step - options.warmupSteps) / Math.max(1, options.steps - options.warmupSteps));
  return options.learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** Supervised fine-tuning on the annotator's captions and answers (flaws and all). */
/** Everything a resumed SFT run needs besides its weights. */
export interface SftTrainerState {
  step: number;
  rng: number;
  optimizer: AdamState;
}

export class SftTrainer {
  readonly options: SftOptions;
  private readonly optimizer: PackedAdam;
  private readonly rng: Rng;
  /** Projector and decoder, plus the vision encoder unless it is frozen. */
  private readonly trainable: TrainableWeights;
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

  /** One step; returns metrics only on logging steps (and the last step), else undefined. */
  async trainStep(): Promise<SftLog | undefined> {
    const learningRate = learningRateAt(this.step, this.options);
    this.optimizer.learningRate = learningRate;
    const batch = sampleSftBatch(this.rng, this.world, this.options.batchSize);
    const { loss, gradNorm, applied } = this.optimizer.step(() => sftLoss(this.weights, this.config, batch), this.options.maxGradNorm);
    disposeBatch(batch);
    this.step++;
    const logging = this.step % this.options.logEvery === 0 || this.step === this.options.steps || this.step === 1;
    let log: SftLog | undefined;
    if (logging) {
      const [lossValue, gradValue] = await Promise.all([loss.data(), gradNorm.data()]);
      log = { step: this.step, loss: lossValue[0]!, gradNorm: gradValue[0]!, learningRate };
    }
    tf.dispose([loss, gradNorm, applied]);
    return log;
  }

  async saveState(): Promise<SftTrainerState> {
    return { step: this.step, rng: this.rng.state(), optimizer: await this.optimizer.exportState() };
  }

  restoreState(state: SftTrainerState): void {
    this.step = state.step;
    this.rng.restore(state.rng);
    this.optimizer.importState(state.optimizer);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
