/**
 * Golden values: the log-probabilities of a few fixed sequences, computed on the cpu backend (plain
 * JavaScript, the reference implementation of every tfjs kernel) when a checkpoint is written.
 * Before training, the worker recomputes them on its backend: a GPU driver, a broken kernel or a
 * tampered weight file that gives other numbers is caught before anyone trains on it.
 */
import * as tf from '../tf';
import { groundTruthCorruptionPair } from '../dpo/pairs';
import { sequenceLogProbs } from '../model/logprobs';
import type { ModelConfig } from '../model/config';
import { disposeBatch, encodeText, makeSequenceBatch } from '../model/sequence';
import type { Weights } from '../model/weights';
import { createRng } from '../random';
import { DEFAULT_WORLD } from '../world/config';

export interface GoldenValues {
  /** The backend that computed them (always cpu for shipped checkpoints). */
  backend: string;
  /** Seed of the fixed sequences (ground-truth vs corrupted answers, see pairLogProbs). */
  seed: number;
  /** Per-sequence log-probs, [chosen x n, rejected x n]. */
  logProbs: number[];
}

/**
 * Agreement required of another backend, in nats per sequence. float32 kernels reducing in other
 * orders differ by about 1e-5 here; a wrong kernel is off by far more than 1e-3.
 */
export const GOLDEN_TOLERANCE = 1e-3;
const GOLDEN_SEED = 4242;
const GOLDEN_PAIRS = 4;

/**
 * Per-sequence log-probs on the active backend of `count` seeded gt-corrupt pairs (the default
 * world): [chosen x count, rejected x count]. The golden values and the equivalence report use it.
 */
export async function pairLogProbs(weights: Weights, config: ModelConfig, seed: number, count: number): Promise<number[]> {
  const rng = createRng(seed);
  const pairs = Array.from({ length: count }, () => groundTruthCorruptionPair(rng, DEFAULT_WORLD));
  const batch = makeSequenceBatch(
    [...pairs.map((p) => p.image), ...pairs.map((p) => p.image)],
    [...pairs.map((p) => encodeText(p.prompt, p.chosen)), ...pairs.map((p) => encodeText(p.prompt, p.rejected))],
  );
  const values = tf.tidy(() => sequenceLogProbs(weights, config, batch));
  const result = Array.from(await values.data());
  values.dispose();
  disposeBatch(batch);
  return result;
}

/** The golden sequences' log-probs on the active backend. */
export function goldenLogProbs(weights: Weights, config: ModelConfig, seed = GOLDEN_SEED): Promise<number[]> {
  return pairLogProbs(weights, config, seed, GOLDEN_PAIRS);
}

/** Golden values on the active backend (call with cpu active when writing a checkpoint). */
export async function computeGolden(weights: Weights, config: ModelConfig): Promise<GoldenValues> {
  return { backend: tf.getBackend(), seed: GOLDEN_SEED, logProbs: await goldenLogProbs(weights, config) };
}

export interface GoldenCheck {
  ok: boolean;
  /** Largest difference from the golden values, in nats (Infinity when a value is not finite). */
  maxDiff: number;
  message: string;
}

/** Recompute the golden values on the active backend and compare. */
export async function checkGolden(weights: Weights, config: ModelConfig, golden: GoldenValues): Promise<GoldenCheck> {
  const backend = tf.getBackend();
  const actual = await goldenLogProbs(weights, config, golden.seed);
  if (!actual.every(Number.isFinite)) {
    return { ok: false, maxDiff: Infinity, message: `${backend} computed non-finite log-probabilities for the self-check sequences` };
  }
  if (actual.length !== golden.logProbs.length) {
    return { ok: false, maxDiff: Infinity, message: `the checkpoint's golden values cover ${golden.logProbs.length} sequences, the self-check made ${actual.length}` };
  }
  const maxDiff = Math.max(...actual.map((v, i) => Math.abs(v - golden.logProbs[i]!)));
  const ok = maxDiff <= GOLDEN_TOLERANCE;
  const message = ok
    ? `${backend} matches the ${golden.backend} golden values (max difference ${maxDiff.toExponential(1)} nats)`
    : `${backend} disagrees with the ${golden.backend} golden values by ${maxDiff.toPrecision(3)} nats (allowed ${GOLDEN_TOLERANCE})`;
  return { ok, maxDiff, message };
}
