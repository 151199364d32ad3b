import type { Rng } from '../random';

export interface SamplingOptions {
  /** 0 means greedy (argmax). */
  temperature: number;
  /** Keep only the k most likely words (0 = off). */
  topK: number;
  /** Keep the smallest set of words whose probability reaches p (1 = off). */
  topP: number;
}

export const GREEDY: SamplingOptions = { temperature: 0, topK: 0, topP: 1 };

/** Pick the next word id from one row of logits. */
export function sampleFromLogits(logits: ArrayLike<number>, options: SamplingOptions, rng: Rng): number {
  const n = logits.length;
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
  if (options.temperature <= 0) return best;

  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]!);
  const keep = options.topK > 0 ? Math.min(options.topK, n) : n;
  const probs = order.slice(0, keep).map((i) => Math.exp((logits[i]! - logits[best]!) / options.temperature));
  const total = probs.reduce((a, b) => a + b, 0);
  // Nucleus: cut the sorted list once the cumulative probability reaches top-p.
  let cutoff = probs.length;
  if (options.topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < probs.length; i++) {
      cumulative += probs[i]! / total;
      if (cumulative >= options.topP) {
        cutoff = i + 1;
        break;
      }
    }
  }
  const kept = probs.slice(0, cutoff);
  const keptTotal = kept.reduce((a, b) => a + b, 0);
  let u = rng.next() * keptTotal;
  for (let i = 0; i < kept.length; i++) {
    u -= kept[i]!;
    if (u < 0) return order[i]!;
  }
  return order[cutoff - 1]!;
}
