/**
 * The DPO reference model: a frozen copy of the starting policy whose sequence log-probs anchor
 * the implicit rewards. It is cached per offline pair while it stays fixed, moves toward the
 * policy every few steps under TR-DPO (`referenceSync`), and is replaced by the policy at the start
 * of an iterative round (RLAIF-V). A moved or replaced reference exports its weights for an exact resume.
 */
import * as tf from '../tf';
import type { ModelConfig } from '../model/config';
import { sequenceLogProbs } from '../model/logprobs';
import type { SequenceBatch } from '../model/sequence';
import { disposeWeights, frozenCopy, type Weights } from '../model/weights';
import type { PreparedPair } from './offline-data';
import type { DpoOptions } from './options';

export class ReferenceModel {
  private current: Weights;
  /** Replaced by the policy (a new round) or restored from a saved run: no longer the starting model. */
  private replaced = false;

  constructor(
    private readonly policy: Weights,
    private readonly config: ModelConfig,
    private readonly sync: DpoOptions['referenceSync'],
  ) {
    this.current = frozenCopy(policy);
  }

  get weights(): Weights {
    return this.current;
  }

  /**
   * Reference log-probs of a batch laid out [chosen..., rejected..., chosen on corrupted images...]:
   * from the pairs' cache when every pair has one, else computed and cached as they arrive.
   */
  logProbs(part: PreparedPair[], batch: SequenceBatch, withCorrupt: boolean): tf.Tensor1D {
    if (part.every((p) => p.reference))
      return tf.tensor1d([
        ...part.map((p) => p.reference!.chosen),
        ...part.map((p) => p.reference!.rejected),
        ...(withCorrupt ? part.map((p) => p.reference!.chosenCorrupt!) : []),
      ]);
    const computed = tf.tidy(() => sequenceLogProbs(this.current, this.config, batch));
    this.remember(part, computed, withCorrupt);
    return computed;
  }

  /**
   * Cache a batch's log-probs as they come back from the device, without waiting for them: the
   * first epoch computes them inline, later steps reuse them, and step 1 does not wait for the whole
   * dataset (what keeps the first chart point quick). Only while the reference is fixed.
   */
  private remember(part: PreparedPair[], values: tf.Tensor1D, withCorrupt: boolean): void {
    if (this.sync.every !== 0) return;
    // A clone: the step disposes `values` before they arrive. (A new round builds new pair objects,
    // so values that arrive after it land on pairs no longer used.)
    const copy = values.clone();
    const n = part.length;
    void copy
      .data()
      .then((read) => {
        part.forEach((p, i) => {
          p.reference = { chosen: read[i]!, rejected: read[n + i]!, chosenCorrupt: withCorrupt ? read[2 * n + i]! : undefined };
        });
      })
      .finally(() => copy.dispose());
  }

  /** TR-DPO: after `step`, every `sync.every` steps, reference <- mix * policy + (1 - mix) * reference. */
  afterStep(step: number): void {
    const { every, mix } = this.sync;
    if (every <= 0 || step % every !== 0) return;
    const reference = this.current;
    this.replace(
      tf.tidy(() =>
        Object.fromEntries(
          Object.entries(reference).map(([name, ref]) => [name, tf.keep(tf.add(tf.mul(mix, this.policy[name]!), tf.mul(1 - mix, ref)))]),
        ),
      ),
    );
  }

  /** An iterative round: the model that generates the round's data becomes the reference. */
  restartFromPolicy(): void {
    this.replace(frozenCopy(this.policy));
    this.replaced = true;
  }

  /** The weights as plain data once they differ from the starting policy (TR-DPO synced, a new round), else undefined. */
  async exportState(step: number): Promise<Record<string, Float32Array> | undefined> {
    const { every } = this.sync;
    if (!this.replaced && !(every > 0 && step >= every)) return undefined;
    return Object.fromEntries(
      await Promise.all(Object.entries(this.current).map(async ([name, t]) => [name, (await t.data()) as Float32Array] as const)),
    );
  }

  importState(values: Record<string, Float32Array>): void {
    this.replaced = true;
    const reference = this.current;
    this.replace(
      tf.tidy(() => Object.fromEntries(Object.entries(reference).map(([name, t]) => [name, tf.keep(tf.tensor(values[name]!, t.shape))]))),
    );
  }

  private replace(next: Weights): void {
    disposeWeights(this.current);
    this.current = next;
  }

  dispose(): void {
    disposeWeights(this.current);
  }
}
