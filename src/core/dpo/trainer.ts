import { IntervalSums, type IntervalState } from '../train/interval-sums';
import { OfflineData, type OfflineDataState, type PreparedPair } from './offline-data';
import { PAIR_METRICS, type MetricName, type Metrics } from './metric-names';
import * as tf from '../tf';
import { createRng, type Rng } from '../random';
import type { ModelConfig } from '../model/config';
import { sequenceLogProbs } from '../model/logprobs';
import { disposeBatch, encodeText, makeSequenceBatch } from '../model/sequence';
import { decoderWeights, type TrainableWeights, type Weights } from '../model/weights';
import { PackedAdam, type AdamState } from '../train/optimizer';
import { RefusedStepReport, type TrainedPair, type Trainer, type TrainerLog } from '../train/trainer';
import type { WorldConfig } from '../world/config';
import { rewardModelForRun, trainRewardModel, type RewardModel } from './reward-model';
import { HumanPreferences } from './human-preferences';
import { judgeEntry, type HumanChooser, type JudgeContext } from './judge';
import { selfJudgeVerdicts } from './self-judge';
import { DEFAULT_DPO, type DpoOptions } from './options';
import { dpoLoss } from './losses';
import { buildOfflinePairs, DEFAULT_SELF_SAMPLES } from './pair-builders';
import type { PreferencePair } from './pairs';
import { corruptImage } from './corrupt-image';
import { OnlinePairs, type OnlineStats } from './online-pairs';
import { ReferenceModel } from './reference-model';

/**
 * Everything a resumed DPO run needs besides its weights, as plain data: where the offline data
 * order and the random stream are, Adam's moments, the logging sums of the current interval, and
 * the reference when it no longer equals the starting model (TR-DPO syncs). The offline pairs are
 * rebuilt by prepare() from the seed; their order, position and cached reference log-probs are saved.
 */
export interface DpoTrainerState {
  step: number;
  rng: number;
  offline?: OfflineDataState;
  optimizer: AdamState;
  learningRate: number;
  beta: number;
  interval: IntervalState;
  refusedReported: number;
  /** Online steps whose samples all tied (absent in states saved before it was counted). */
  noPreferenceSteps?: number;
  onlineStats: OnlineStats;
  reference?: Record<string, Float32Array>;
  /** An iterative round past the first: the random stream's position when its data was built. */
  round?: { rng: number };
}

/**
 * One trainer for offline, online and mixed DPO: it draws each batch (offline-data.ts, built once
 * by prepare(); online-pairs.ts, sampled and judged each step), takes the loss against the
 * reference (reference-model.ts) through one Adam step, and sums the metrics on the device
 * (train/interval-sums.ts), read only on logging steps (online sampling reads tokens).
 */
export class DpoTrainer implements Trainer {
  readonly options: DpoOptions;
  step = 0;
  private readonly reference: ReferenceModel;
  private readonly online: OnlinePairs;
  private readonly trainable: TrainableWeights;
  private readonly optimizer: PackedAdam;
  private readonly rng: Rng;
  /** The fixed dataset (offline and mixed modes), built by prepare(). */
  private offline?: OfflineData;
  /** This logging interval's metric sums, on the device. */
  private readonly interval = new IntervalSums();
  private readonly refused = new RefusedStepReport();
  private noPreferenceSteps = 0;
  /** Where the random stream stood when the current round (past the first) built its data. */
  private roundRng?: number;
  private lastPairs: TrainedPair[] = [];

  private rewardModel?: RewardModel;

  constructor(
    private readonly policy: TrainableWeights,
    private readonly config: ModelConfig,
    private readonly world: WorldConfig,
    options: Partial<DpoOptions> = {},
    private readonly human?: HumanChooser,
    private readonly humanPreferences?: HumanPreferences,
  ) {
    this.options = { ...DEFAULT_DPO, ...options };
    this.reference = new ReferenceModel(policy, config, this.options.referenceSync);
    this.trainable = decoderWeights(policy);
    this.optimizer = new PackedAdam(this.trainable, this.options.learningRate);
    this.rng = createRng(this.options.seed);
    this.online = new OnlinePairs(policy, config, world, this.options, this.rng);
  }

  get referenceWeights(): Weights {
    return this.reference.weights;
  }

  setLearningRate(lr: number): void {
    this.optimizer.learningRate = lr;
    this.options.learningRate = lr;
  }

  setBeta(beta: number): void {
    this.options.loss = { ...this.options.loss, beta };
  }

  private get usesOffline(): boolean {
    return this.options.mode !== 'online';
  }

  /** Build (or rebuild, for a new round) the offline dataset; reference log-probs are cached during the first epoch. */
  async prepare(onProgress?: (message: string) => void): Promise<void> {
    if (!this.usesOffline) return;
    onProgress?.(`building ${this.options.offlinePairs} ${this.options.pairSource} pairs`);
    const pairs = await buildOfflinePairs(
      this.options.pairSource,
      { weights: this.reference.weights, config: this.config },
      this.world,
      this.options.offlinePairs,
      this.rng,
      this.options.judge,
      this.judgeContext(),
      {
        ...DEFAULT_SELF_SAMPLES,
        temperature: this.options.sampling.temperature,
        topK: this.options.sampling.topK,
        topP: this.options.sampling.topP,
      },
    );
    if (pairs.length === 0)
      throw new Error(`the ${this.options.pairSource} builder produced no pairs (the model may already agree with itself everywhere)`);
    this.offline = new OfflineData(
      pairs.map((pair) => this.preparePair(pair)),
      this.rng,
    );
  }

  /** Responses are encoded from the pair's text, or from exact token ids when sampled (online). */
  private preparePair(pair: PreferencePair, ids?: { chosen: number[]; rejected: number[] }): PreparedPair {
    return {
      pair,
      chosen: encodeText(pair.prompt, ids?.chosen ?? pair.chosen),
      rejected: encodeText(pair.prompt, ids?.rejected ?? pair.rejected),
      corrupted: this.options.loss.mdpoWeight > 0 ? corruptImage(pair.image, pair.scene, this.rng) : undefined,
    };
  }

  private sequenceBatch(part: PreparedPair[]) {
    const withCorrupt = this.options.loss.mdpoWeight > 0;
    return makeSequenceBatch(
      [...part.map((p) => p.pair.image), ...part.map((p) => p.pair.image), ...(withCorrupt ? part.map((p) => p.corrupted!) : [])],
      [...part.map((p) => p.chosen), ...part.map((p) => p.rejected), ...(withCorrupt ? part.map((p) => p.chosen) : [])],
    );
  }

  private judgeContext(): JudgeContext {
    const selfJudgeWeights = this.options.selfJudgeModel === 'policy' ? (this.policy as Weights) : this.reference.weights;
    return {
      selfJudge: (candidates) => selfJudgeVerdicts(selfJudgeWeights, this.config, candidates),
      human: this.human,
      humanPreferences: this.humanPreferences,
      rng: this.rng,
      rewardModel: this.rewardModelForJudge(),
    };
  }

  /**
   * The reward judges' model, trained on first use: from the oracle's pairs of the run's seed (so a
   * resumed run has the same one) or from the person's human-judge choices so far.
   */
  private rewardModelForJudge(): RewardModel | undefined {
    const judge = judgeEntry(this.options.judge.kind);
    if (!judge.rewardModel) return undefined;
    const facts = judge.seesFacts;
    this.rewardModel ??=
      judge.rewardModel.trainedOn === 'person'
        ? trainRewardModel((this.humanPreferences ?? new HumanPreferences()).trainingPairs(), facts)
        : rewardModelForRun(this.options.seed, this.world, facts);
    return this.rewardModel;
  }

  private nextOffline(): PreparedPair {
    if (!this.offline) throw new Error('prepare() builds the offline data before the first step');
    return this.offline.next();
  }

  /** The pairs this run learns from: the offline dataset and the latest online pairs (at most 1024). */
  exportablePairs(): PreferencePair[] {
    return [...(this.offline?.pairs ?? []).map((p) => p.pair), ...this.online.recent()];
  }

  private async nextBatch(): Promise<PreparedPair[]> {
    const { mode, batchSize } = this.options;
    if (mode === 'offline') return Array.from({ length: batchSize }, () => this.nextOffline());
    const offlineCount =
      mode === 'mixed'
        ? Array.from({ length: batchSize }, () => this.rng.chance(this.options.mixedOfflineProbability)).filter(Boolean).length
        : 0;
    const batch = Array.from({ length: offlineCount }, () => this.nextOffline());
    if (batchSize - offlineCount > 0)
      batch.push(...(await this.online.next(batchSize - offlineCount, this.judgeContext(), (pair, ids) => this.preparePair(pair, ids))));
    return batch;
  }

  private async maybeStartRound(): Promise<string[]> {
    const { rounds, steps } = this.options;
    if (rounds <= 1 || this.step === 0) return [];
    const roundLength = Math.ceil(steps / rounds);
    if (this.step % roundLength !== 0) return [];
    this.reference.restartFromPolicy();
    this.roundRng = this.rng.state();
    await this.prepare();
    return [`round ${this.step / roundLength + 1}: the reference is now the current policy, and the data was regenerated with it`];
  }

  /** One DPO step; returns metrics on logging steps. */
  async trainStep(): Promise<TrainerLog | undefined> {
    const events = await this.maybeStartRound();
    const part = await this.nextBatch();
    this.step++;
    if (part.length === 0) {
      this.noPreferenceSteps++;
      events.push(`step ${this.step}: every prompt's samples tied (or the judge skipped them), so there was no preference to learn from`);
      // The judge's view goes on being logged, so charts show a step without pairs rather than stopping.
      const metrics: Metrics = this.isLoggingStep() ? { ...this.online.takeMetrics(), no_preference_steps: this.noPreferenceSteps } : {};
      return { step: this.step, metrics, events, pairs: [] };
    }
    const n = part.length;
    const withCorrupt = this.options.loss.mdpoWeight > 0;
    const batch = this.sequenceBatch(part);
    const reference = this.reference.logProbs(part, batch, withCorrupt);
    const lengths = tf.sum(batch.targetMask, 1);
    let metricTensors: Partial<Record<MetricName, tf.Tensor>> = {};
    // Per-pair implicit rewards beta * (log pi - log pi_ref), [chosen..., rejected...], read only when logging.
    let pairRewards: tf.Tensor | undefined;
    const options = this.options.loss;
    const { loss, gradNorm, applied } = this.optimizer.step(() => {
      const policy = sequenceLogProbs(this.policy, this.config, batch);
      const slice = (t: tf.Tensor, k: number) => t.slice([k * n], [n]) as tf.Tensor1D;
      const result = dpoLoss(
        {
          policyChosen: slice(policy, 0),
          policyRejected: slice(policy, 1),
          referenceChosen: slice(reference, 0),
          referenceRejected: slice(reference, 1),
          chosenLength: slice(lengths, 0),
          rejectedLength: slice(lengths, 1),
          policyChosenCorrupt: withCorrupt ? slice(policy, 2) : undefined,
          referenceChosenCorrupt: withCorrupt ? slice(reference, 2) : undefined,
        },
        options,
      );
      const responses = policy.slice([0], [2 * n]);
      const sampledRatio = tf.sub(responses, reference.slice([0], [2 * n]));
      pairRewards = tf.keep(tf.mul(options.beta, options.referenceFree ? responses : sampledRatio));
      // TRL's online names: the sampled responses' mean log-ratio to the reference and minus their mean log-prob.
      const stepMetrics: Partial<Record<MetricName, tf.Tensor>> = {
        ...result.metrics,
        'objective/kl': tf.mean(sampledRatio),
        'objective/entropy': tf.neg(tf.mean(responses)),
      };
      for (const tensor of Object.values(stepMetrics)) tf.keep(tensor);
      metricTensors = stepMetrics;
      return result.loss;
    }, this.options.maxGradNorm);
    this.interval.add({ ...metricTensors, loss, grad_norm: gradNorm }, applied);
    disposeBatch(batch);
    tf.dispose([reference, lengths]);
    this.lastPairs = part.map((p) => ({ prompt: p.pair.prompt, chosen: p.pair.chosen, rejected: p.pair.rejected, source: p.pair.source }));
    this.reference.afterStep(this.step);

    let log: TrainerLog | undefined;
    if (this.isLoggingStep()) {
      log = await this.readLog(events, pairRewards);
    } else if (events.length > 0) {
      log = { step: this.step, metrics: {}, events, pairs: [] };
    }
    tf.dispose([loss, gradNorm, applied, ...Object.values(metricTensors), ...(pairRewards ? [pairRewards] : [])]);
    return log;
  }

  /**
   * Read the interval means, the refused-step count and this step's per-pair rewards in one
   * readback (each readback stalls the GPU pipeline), then reset the sums.
   */
  private async readLog(events: string[], pairRewards?: tf.Tensor): Promise<TrainerLog> {
    const { means, refused, extra: rewards } = await this.interval.read(pairRewards);
    if (rewards) {
      const n = rewards.length / 2;
      this.lastPairs = this.lastPairs.map((p, i) => ({ ...p, chosenReward: rewards[i]!, rejectedReward: rewards[n + i]! }));
    }
    const metrics: Metrics = {
      loss: means.loss!,
      grad_norm: means.grad_norm!,
      learning_rate: this.options.learningRate,
      beta: this.options.loss.beta,
    };
    for (const name of PAIR_METRICS) metrics[name] = means[name]!;
    if (this.options.mode !== 'offline') {
      metrics['objective/kl'] = means['objective/kl']!;
      metrics['objective/entropy'] = means['objective/entropy']!;
      Object.assign(metrics, this.online.takeMetrics());
      metrics.no_preference_steps = this.noPreferenceSteps;
    }
    this.refused.report(refused, this.step, metrics, events);
    return { step: this.step, metrics, events, pairs: this.lastPairs };
  }

  private isLoggingStep(): boolean {
    return this.step % this.options.logEvery === 0 || this.step === 1 || this.step === this.options.steps;
  }

  /** The state to continue from after a crash (call between steps). */
  async saveState(): Promise<DpoTrainerState> {
    const reference = await this.reference.exportState(this.step);
    return {
      step: this.step,
      rng: this.rng.state(),
      offline: this.offline?.exportState(),
      optimizer: await this.optimizer.exportState(),
      learningRate: this.options.learningRate,
      beta: this.options.loss.beta,
      interval: await this.interval.exportState(),
      refusedReported: this.refused.reported,
      noPreferenceSteps: this.noPreferenceSteps,
      onlineStats: this.online.exportState(),
      reference,
      round: this.roundRng === undefined ? undefined : { rng: this.roundRng },
    };
  }

  /**
   * Continue from a saved state: after prepare() (which rebuilds the offline pairs from the seed),
   * with the policy's weights already restored. In a round past the first, the round's data is
   * rebuilt from its saved reference and the random stream's position when the round began.
   */
  async restoreState(state: DpoTrainerState): Promise<void> {
    if (state.reference) this.reference.importState(state.reference);
    if (state.round) {
      this.roundRng = state.round.rng;
      this.rng.restore(state.round.rng);
      await this.prepare();
    }
    this.step = state.step;
    this.rng.restore(state.rng);
    if (state.offline) this.offline?.restore(state.offline);
    this.optimizer.importState(state.optimizer);
    this.setLearningRate(state.learningRate);
    this.setBeta(state.beta);
    this.refused.reported = state.refusedReported;
    this.noPreferenceSteps = state.noPreferenceSteps ?? 0;
    this.online.importState(state.onlineStats);
    this.interval.importState(withTrlNames(state.interval));
  }

  dispose(): void {
    this.optimizer.dispose();
    this.reference.dispose();
    this.interval.dispose();
  }
}

/** States saved before the interval sums took TRL's names kept the online metrics as kl and entropy. */
function withTrlNames(state: IntervalState): IntervalState {
  const { kl, entropy, ...sums } = state.sums as Metrics & { kl?: number; entropy?: number };
  if (kl !== undefined) sums['objective/kl'] = kl;
  if (entropy !== undefined) sums['objective/entropy'] = entropy;
  return { ...state, sums };
}
