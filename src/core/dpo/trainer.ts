import { IntervalSums, type IntervalState } from './interval-sums';
import { OfflineData, type OfflineDataState, type PreparedPair } from './offline-data';
import { PAIR_METRICS, type Metrics } from './metric-names';
import * as tf from '../tf';
import { createRng, type Rng } from '../random';
import type { ModelConfig } from '../model/config';
import { sequenceLogProbs } from '../model/logprobs';
import { disposeBatch, encodeText, makeSequenceBatch } from '../model/sequence';
import { decoderWeights, disposeWeights, frozenCopy, type TrainableWeights, type Weights } from '../model/weights';
import { PackedAdam, type AdamState } from '../train/optimizer';
import type { WorldConfig } from '../world/config';
import { renderScene } from '../world/render';
import { sampleScene } from '../world/scene';
import { DESCRIBE_PROMPT } from '../world/tasks';
import { scoreCandidates, type HumanChooser } from './judge';
import { DEFAULT_DPO, type DpoOptions } from './options';
import { dpoLoss } from './losses';
import { buildOfflinePairs, DEFAULT_SELF_SAMPLES, sampleCandidates } from './pair-builders';
import type { PreferencePair } from './pairs';
import { corruptImage } from './corrupt-image';

/** A pair ready for the device: token ids, and the reference's log-probs when cached. */
export interface DpoLog {
  step: number;
  metrics: Metrics;
  /** Plain-words events since the last log (e.g. a refused non-finite step). */
  events: string[];
  /** The pairs of this step (for the pair inspector). */
  pairs: { prompt: string; chosen: string; rejected: string; source: string; chosenReward?: number; rejectedReward?: number }[];
}

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
  onlineStats: { scores: number[]; margins: number[]; eos: number[] };
  reference?: Record<string, Float32Array>;
}

/**
 * One trainer for offline, online and mixed DPO. Offline pairs are built once and their reference
 * log-probs cached; online pairs are sampled from the current policy and ranked by the judge each
 * step. Values are read from the device only on logging steps (online sampling reads tokens).
 */
export class DpoTrainer {
  readonly options: DpoOptions;
  step = 0;
  private reference: Weights;
  private readonly trainable: TrainableWeights;
  private readonly optimizer: PackedAdam;
  private readonly rng: Rng;
  /** The fixed dataset (offline and mixed modes), built by prepare(). */
  private offline?: OfflineData;
  /** This logging interval's metric sums, on the device. */
  private readonly interval = new IntervalSums();
  private refusedReported = 0;
  private onlineStats: { scores: number[]; margins: number[]; eos: number[] } = { scores: [], margins: [], eos: [] };
  private lastPairs: DpoLog['pairs'] = [];
  /** The latest online pairs with their images (for dataset export), newest last. */
  private onlineHistory: PreferencePair[] = [];
  /** Test hook: a value added to the loss (NaN to inject a fault). */
  lossOffset = 0;

  constructor(
    private readonly policy: TrainableWeights,
    private readonly config: ModelConfig,
    private readonly world: WorldConfig,
    options: Partial<DpoOptions> = {},
    private readonly human?: HumanChooser,
  ) {
    this.options = { ...DEFAULT_DPO, ...options };
    this.reference = frozenCopy(policy);
    this.trainable = decoderWeights(policy);
    this.optimizer = new PackedAdam(this.trainable, this.options.learningRate);
    this.rng = createRng(this.options.seed);
  }

  get referenceWeights(): Weights {
    return this.reference;
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
      { weights: this.reference, config: this.config },
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

  /**
   * Cache a batch's reference log-probs as they come back from the device, without waiting for them:
   * the first epoch computes them inline, later steps reuse them, and step 1 does not wait for the
   * whole dataset (what keeps the first chart point quick). Only while the reference is fixed.
   */
  private rememberReference(part: PreparedPair[], reference: tf.Tensor1D): void {
    if (this.options.referenceSync.every !== 0) return;
    // A clone: the step disposes `reference` before the values arrive. (A new round builds new pair
    // objects, so values that arrive after it land on pairs no longer used.)
    const copy = reference.clone();
    const n = part.length;
    const withCorrupt = this.options.loss.mdpoWeight > 0;
    void copy
      .data()
      .then((values) => {
        part.forEach((p, i) => {
          p.reference = { chosen: values[i]!, rejected: values[n + i]!, chosenCorrupt: withCorrupt ? values[2 * n + i]! : undefined };
        });
      })
      .finally(() => copy.dispose());
  }

  private sequenceBatch(part: PreparedPair[]) {
    const withCorrupt = this.options.loss.mdpoWeight > 0;
    return makeSequenceBatch(
      [...part.map((p) => p.pair.image), ...part.map((p) => p.pair.image), ...(withCorrupt ? part.map((p) => p.corrupted!) : [])],
      [...part.map((p) => p.chosen), ...part.map((p) => p.rejected), ...(withCorrupt ? part.map((p) => p.chosen) : [])],
    );
  }

  private judgeContext() {
    return {
      selfJudgeModel: {
        weights: this.options.selfJudgeModel === 'policy' ? (this.policy as Weights) : this.reference,
        config: this.config,
      },
      human: this.human,
      rng: this.rng,
    };
  }

  private nextOffline(): PreparedPair {
    if (!this.offline) throw new Error('prepare() builds the offline data before the first step');
    return this.offline.next();
  }

  /** Online pairs: K samples per prompt from the current policy; the judge's best vs worst. */
  private async onlinePairs(count: number): Promise<PreparedPair[]> {
    const k = this.options.samples;
    const scenes = Array.from({ length: count }, () => sampleScene(this.rng, this.world));
    const images = scenes.map((s) => renderScene(s, this.world.imageSize, this.world.noise));
    const candidates = await sampleCandidates(
      { weights: this.policy, config: this.config },
      scenes,
      images,
      k,
      this.options.sampling,
      this.rng.int(2 ** 31),
    );
    const scores = await scoreCandidates(this.options.judge, candidates, this.judgeContext());
    this.onlineStats.scores.push(...scores);
    this.onlineStats.eos.push(...candidates.map((c) => (c.endedWithEos ? 1 : 0)));
    const prepared: PreparedPair[] = [];
    for (let i = 0; i < count; i++) {
      let best = i * k;
      let worst = i * k;
      for (let j = i * k; j < (i + 1) * k; j++) {
        if (scores[j]! > scores[best]!) best = j;
        if (scores[j]! < scores[worst]!) worst = j;
      }
      this.onlineStats.margins.push(scores[best]! - scores[worst]!);
      // A tie carries no preference; skip the prompt rather than invent one.
      if (scores[best] === scores[worst]) continue;
      const pair: PreferencePair = {
        scene: scenes[i]!,
        image: images[i]!,
        prompt: DESCRIBE_PROMPT,
        chosen: candidates[best]!.response,
        rejected: candidates[worst]!.response,
        source: `online (${this.options.judge.kind}: ${scores[best]} vs ${scores[worst]})`,
      };
      this.onlineHistory.push(pair);
      // Score the sampled ids exactly, <eos> included only if the model produced it.
      prepared.push(this.preparePair(pair, { chosen: candidates[best]!.ids, rejected: candidates[worst]!.ids }));
    }
    return prepared;
  }

  /** The pairs this run learns from: the offline dataset and the latest online pairs (at most 1024). */
  exportablePairs(): PreferencePair[] {
    this.onlineHistory = this.onlineHistory.slice(-1024);
    return [...(this.offline?.pairs ?? []).map((p) => p.pair), ...this.onlineHistory];
  }

  private async nextBatch(): Promise<PreparedPair[]> {
    const { mode, batchSize } = this.options;
    if (mode === 'offline') return Array.from({ length: batchSize }, () => this.nextOffline());
    const offlineCount =
      mode === 'mixed'
        ? Array.from({ length: batchSize }, () => this.rng.chance(this.options.mixedOfflineProbability)).filter(Boolean).length
        : 0;
    const batch = Array.from({ length: offlineCount }, () => this.nextOffline());
    if (batchSize - offlineCount > 0) batch.push(...(await this.onlinePairs(batchSize - offlineCount)));
    return batch;
  }

  private async maybeStartRound(): Promise<string[]> {
    const { rounds, steps } = this.options;
    if (rounds <= 1 || this.step === 0) return [];
    const roundLength = Math.ceil(steps / rounds);
    if (this.step % roundLength !== 0) return [];
    // RLAIF-V: the model that generates the round's data becomes the reference.
    disposeWeights(this.reference);
    this.reference = frozenCopy(this.policy);
    await this.prepare();
    return [`round ${this.step / roundLength + 1}: the reference is now the current policy, and the data was regenerated with it`];
  }

  private syncReference(): void {
    const { every, mix } = this.options.referenceSync;
    if (every <= 0 || this.step % every !== 0) return;
    const next = tf.tidy(() =>
      Object.fromEntries(
        Object.entries(this.reference).map(([name, ref]) => [name, tf.keep(tf.add(tf.mul(mix, this.policy[name]!), tf.mul(1 - mix, ref)))]),
      ),
    );
    disposeWeights(this.reference);
    this.reference = next;
  }

  /** One DPO step; returns metrics on logging steps. */
  async trainStep(): Promise<DpoLog | undefined> {
    const events = await this.maybeStartRound();
    const part = await this.nextBatch();
    this.step++;
    if (part.length === 0) {
      events.push(`step ${this.step}: every prompt's samples tied (or the judge skipped them), so there was no preference to learn from`);
      return { step: this.step, metrics: {}, events, pairs: [] };
    }
    const n = part.length;
    const withCorrupt = this.options.loss.mdpoWeight > 0;
    const batch = this.sequenceBatch(part);
    const cached = part.every((p) => p.reference);
    const reference = cached
      ? tf.tensor1d([
          ...part.map((p) => p.reference!.chosen),
          ...part.map((p) => p.reference!.rejected),
          ...(withCorrupt ? part.map((p) => p.reference!.chosenCorrupt!) : []),
        ])
      : tf.tidy(() => sequenceLogProbs(this.reference, this.config, batch));
    if (!cached) this.rememberReference(part, reference);
    const lengths = tf.sum(batch.targetMask, 1);
    let metricTensors: Record<string, tf.Tensor> = {};
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
      metricTensors = Object.fromEntries(
        Object.entries({ ...result.metrics, kl: tf.mean(sampledRatio), entropy: tf.neg(tf.mean(responses)) }).map(([k, t]) => [
          k,
          tf.keep(t),
        ]),
      );
      return tf.add(result.loss, this.lossOffset) as tf.Scalar;
    }, this.options.maxGradNorm);
    this.interval.add({ ...metricTensors, loss, grad_norm: gradNorm }, applied);
    disposeBatch(batch);
    tf.dispose([reference, lengths]);
    this.lastPairs = part.map((p) => ({ prompt: p.pair.prompt, chosen: p.pair.chosen, rejected: p.pair.rejected, source: p.pair.source }));
    this.syncReference();

    let log: DpoLog | undefined;
    if (this.step % this.options.logEvery === 0 || this.step === 1 || this.step === this.options.steps) {
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
  private async readLog(events: string[], pairRewards?: tf.Tensor): Promise<DpoLog> {
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
      const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
      metrics['objective/kl'] = means.kl!;
      metrics['objective/entropy'] = means.entropy!;
      metrics['objective/scores'] = mean(this.onlineStats.scores);
      metrics['objective/scores_margin'] = mean(this.onlineStats.margins);
      metrics['val/contain_eos_token'] = mean(this.onlineStats.eos);
      this.onlineStats = { scores: [], margins: [], eos: [] };
    }
    if (refused > this.refusedReported) {
      events.push(
        `${refused - this.refusedReported} step(s) before step ${this.step} had a non-finite loss or gradient: they were refused and the weights restored`,
      );
      this.refusedReported = refused;
    }
    metrics.refused_steps = refused;
    return { step: this.step, metrics, events, pairs: this.lastPairs };
  }

  /** The state to continue from after a crash (call between steps). */
  async saveState(): Promise<DpoTrainerState> {
    const { every } = this.options.referenceSync;
    const movedReference = every > 0 && this.step >= every;
    const reference = movedReference
      ? Object.fromEntries(
          await Promise.all(Object.entries(this.reference).map(async ([name, t]) => [name, (await t.data()) as Float32Array] as const)),
        )
      : undefined;
    return {
      step: this.step,
      rng: this.rng.state(),
      offline: this.offline?.exportState(),
      optimizer: await this.optimizer.exportState(),
      learningRate: this.options.learningRate,
      beta: this.options.loss.beta,
      interval: await this.interval.exportState(),
      refusedReported: this.refusedReported,
      onlineStats: structuredClone(this.onlineStats),
      reference,
    };
  }

  /**
   * Continue from a saved state: after prepare() (which rebuilds the offline pairs from the seed),
   * with the policy's weights already restored. Iterative rounds past the first are not exact: their
   * data would need the round's reference, which is not saved.
   */
  restoreState(state: DpoTrainerState): void {
    this.step = state.step;
    this.rng.restore(state.rng);
    if (state.offline) this.offline?.restore(state.offline);
    this.optimizer.importState(state.optimizer);
    this.setLearningRate(state.learningRate);
    this.setBeta(state.beta);
    this.refusedReported = state.refusedReported;
    this.onlineStats = structuredClone(state.onlineStats);
    this.interval.importState(state.interval);
    if (state.reference) {
      const next = tf.tidy(() =>
        Object.fromEntries(Object.entries(this.reference).map(([name, t]) => [name, tf.keep(tf.tensor(state.reference![name]!, t.shape))])),
      );
      disposeWeights(this.reference);
      this.reference = next;
    }
  }

  dispose(): void {
    this.optimizer.dispose();
    disposeWeights(this.reference);
    this.interval.dispose();
  }
}
