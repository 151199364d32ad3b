import * as tf from '../tf';
import type { ModelConfig } from './config';
import { forwardLogits } from './network';
import { tokenLogProbsFromLogits } from '../ops/fused';
import type { SequenceBatch } from './sequence';
import type { Weights } from './weights';

/**
 * log pi(token_t | image, prompt, tokens_<t) for every text position t >= 1: [B, T-1],
 * zero where the target mask is zero. Logits at position t-1 predict the token at t.
 */
export function tokenLogProbs(weights: Weights, config: ModelConfig, batch: SequenceBatch, imageKeep?: tf.Tensor2D): tf.Tensor2D {
  const logits = forwardLogits(weights, config, batch.images, batch.tokens, imageKeep);
  return tokenLogProbsFromLogits(logits, batch.tokens, batch.targetMask);
}

/** Per-sequence log-probability of the response (summed over its tokens, as DPO uses): [B]. */
export function sequenceLogProbs(weights: Weights, config: ModelConfig, batch: SequenceBatch, imageKeep?: tf.Tensor2D): tf.Tensor1D {
  return tf.sum<tf.Tensor1D>(tokenLogProbs(weights, config, batch, imageKeep), 1);
}

/**
 * The SFT loss: cross-entropy averaged over each response's tokens, then over the batch, so every
 * example counts equally and a two-word "yes ." is not drowned by twelve-word captions.
 */
export function sftLoss(weights: Weights, config: ModelConfig, batch: SequenceBatch): tf.Scalar {
  const perExample = tf.sum(tokenLogProbs(weights, config, batch), 1);
  const lengths = tf.maximum(tf.sum(batch.targetMask, 1), 1);
  return tf.neg(tf.mean(tf.div(perExample, lengths))) as tf.Scalar;
}
