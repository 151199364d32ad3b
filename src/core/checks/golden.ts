/**
 * Golden values: the log-probabilities of a few fixed sequences, computed on the cpu backend (plain
 * JavaScript, the reference implementation of every tfjs kernel) when a checkpoint is written.
 * Before training, the worker recomputes them on its backend: a GPU driver, a broken kernel or a
 * tampered weight file that gives other numbers is caught before anyone trains on it. The
 * gradient norms make the check cover the backward kernels too (training runs them, a forward
 * pass does not).
 */
import * as tf from '../tf';
import { groundTruthCorruptionPair } from '../dpo/pairs';
import { sequenceLogProbs } from '../model/logprobs';
import { weightShapes, type ModelConfig } from '../model/config';
import { disposeBatch, encodeText, makeSequenceBatch } from '../model/sequence';
import type { Weights } from '../model/weights';
import { createRng } from '../random';
import { worldForModel } from '../world/config';

export interface GoldenValues {
  /** The backend that computed them (always cpu for shipped checkpoints). */
  backend: string;
  /** Seed of the fixed sequences (ground-truth vs corrupted answers, see pairLogProbs). */
  seed: number;
  /** Per-sequence log-probs, [chosen x n, rejected x n]. */
  logProbs: number[];
  /**
   * Norm of the gradient of the summed log-probs for each weight, in the checkpoint's tensor
   * order (absent in checkpoints written before it existed).
   */
  gradientNorms?: number[];
}

/** Relative agreement required of gradient norms: rounding gives ~1e-5, a wrong kernel far more. */
export const GOLDEN_GRADIENT_TOLERANCE = 1e-3;

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
function pairBatch(config: ModelConfig, seed: number, count: number) {
  const rng = createRng(seed);
  const pairs = Array.from({ length: count }, () => groundTruthCorruptionPair(rng, worldForModel(config)));
  return makeSequenceBatch(
    [...pairs.map((p) => p.image), ...pairs.map((p) => p.image)],
    [...pairs.map((p) => encodeText(p.prompt, p.chosen)), ...pairs.map((p) => encodeText(p.prompt, p.rejected))],
  );
}

export async function pairLogProbs(weights: Weights, config: ModelConfig, seed: number, count: number): Promise<number[]> {
  const batch = pairBatch(config, seed, count);
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

/** Per-weight norms of the gradient of the golden sequences' summed log-probs (weight order). */
export async function goldenGradientNorms(weights: Weights, config: ModelConfig, seed = GOLDEN_SEED): Promise<number[]> {
  const batch = pairBatch(config, seed, GOLDEN_PAIRS);
  const names = Object.keys(weightShapes(config));
  const norms = tf.tidy(() => {
    const total = (...xs: tf.Tensor[]) =>
      tf.sum(sequenceLogProbs({ ...weights, ...Object.fromEntries(names.map((n, i) => [n, xs[i]!])) }, config, batch));
    const grads = tf.grads(total)(names.map((n) => weights[n]!));
    return tf.stack(grads.map((g) => tf.sqrt(tf.sum(tf.square(g)))));
  });
  const result = Array.from(await norms.data());
  norms.dispose();
  disposeBatch(batch);
  return result;
}

/** Golden values on the active backend (call with cpu active when writing a checkpoint). */
export async function computeGolden(weights: Weights, config: ModelConfig): Promise<GoldenValues> {
  return {
    backend: tf.getBackend(),
    seed: GOLDEN_SEED,
    logProbs: await goldenLogProbs(weights, config),
    gradientNorms: await goldenGradientNorms(weights, config),
  };
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
    return {
      ok: false,
      maxDiff: Infinity,
      message: `the checkpoint's golden values cover ${golden.logProbs.length} sequences, the self-check made ${actual.length}`,
    };
  }
  const maxDiff = Math.max(...actual.map((v, i) => Math.abs(v - golden.logProbs[i]!)));
  if (maxDiff > GOLDEN_TOLERANCE) {
    return {
      ok: false,
      maxDiff,
      message: `${backend} disagrees with the ${golden.backend} golden values by ${maxDiff.toPrecision(3)} nats (allowed ${GOLDEN_TOLERANCE})`,
    };
  }
  let gradients = '';
  if (golden.gradientNorms) {
    const norms = await goldenGradientNorms(weights, config, golden.seed);
    const names = Object.keys(weightShapes(config));
    let worst = { relative: 0, name: '' };
    norms.forEach((v, i) => {
      const expected = golden.gradientNorms![i]!;
      const relative = Number.isFinite(v) ? Math.abs(v - expected) / Math.max(Math.abs(expected), 1e-3) : Infinity;
      if (!(relative <= worst.relative)) worst = { relative, name: names[i] ?? `#${i}` };
    });
    if (norms.length !== golden.gradientNorms.length || !(worst.relative <= GOLDEN_GRADIENT_TOLERANCE)) {
      return {
        ok: false,
        maxDiff,
        message: `${backend} computes other gradients than the ${golden.backend} golden values (${worst.name}: ${(worst.relative * 100).toPrecision(2)}% off, allowed ${GOLDEN_GRADIENT_TOLERANCE * 100}%)`,
      };
    }
    gradients = `, gradients within ${worst.relative.toExponential(1)}`;
  }
  return {
    ok: true,
    maxDiff,
    message: `${backend} matches the ${golden.backend} golden values (max difference ${maxDiff.toExponential(1)} nats${gradients})`,
  };
}
