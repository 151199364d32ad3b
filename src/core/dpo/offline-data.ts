/**
 * A run's fixed offline dataset: the prepared pairs, visited in a shuffled order that is reshuffled
 * at every epoch, each with its reference log-probs once computed (cached while the reference is
 * fixed). Its position and cache export as plain data, so a resumed run continues exactly.
 */
import type { Rng } from '../random';
import type { EncodedText } from '../model/sequence';
import type { PreferencePair } from './pairs';

/** A pair ready for a batch: its encoded texts, the corrupted image (mDPO) and cached reference log-probs. */
export interface PreparedPair {
  pair: PreferencePair;
  chosen: EncodedText;
  rejected: EncodedText;
  corrupted?: Float32Array;
  reference?: { chosen: number; rejected: number; chosenCorrupt?: number };
}

export interface OfflineDataState {
  order: number[];
  cursor: number;
  /** Per pair: [chosen, rejected, chosen on the corrupted image] reference log-probs, or null. */
  referenceCache: ([number, number, number | null] | null)[];
}

export class OfflineData {
  private order: number[];
  private cursor = 0;

  constructor(
    readonly pairs: readonly PreparedPair[],
    private readonly rng: Rng,
  ) {
    this.order = rng.shuffle(pairs.map((_, i) => i));
  }

  /** The next pair of the epoch; a new epoch in a new order. */
  next(): PreparedPair {
    if (this.cursor >= this.order.length) {
      this.order = this.rng.shuffle(this.order);
      this.cursor = 0;
    }
    return this.pairs[this.order[this.cursor++]!]!;
  }

  exportState(): OfflineDataState {
    return {
      order: [...this.order],
      cursor: this.cursor,
      // A recomputation in another batch can differ in the last bits, so the cache is kept.
      referenceCache: this.pairs.map((p) =>
        p.reference ? [p.reference.chosen, p.reference.rejected, p.reference.chosenCorrupt ?? null] : null,
      ),
    };
  }

  restore(state: OfflineDataState): void {
    if (state.order.length !== this.pairs.length)
      throw new Error(`the saved run had ${state.order.length} offline pairs; these settings build ${this.pairs.length}`);
    this.order = [...state.order];
    this.cursor = state.cursor;
    this.pairs.forEach((pair, i) => {
      const cached = state.referenceCache[i];
      pair.reference = cached ? { chosen: cached[0], rejected: cached[1], chosenCorrupt: cached[2] ?? undefined } : undefined;
    });
  }
}
