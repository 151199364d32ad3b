import * as tf from '../tf';
import type { TrainableWeights } from '../model/weights';

export interface StepResult {
  /** Loss of the step (a scalar still on the device; read it only when logging). */
  loss: tf.Scalar;
  /** Global gradient norm before clipping (on the device). */
  gradNorm: tf.Scalar;
}

/**
 * One optimiser step with global-norm gradient clipping. A non-finite loss or gradient is replaced
 * by a zero gradient on the device (no readback needed), because WGSL may assume NaN never happens
 * and one NaN update would poison every weight.
 */
export function clippedStep(
  optimizer: tf.Optimizer,
  weights: TrainableWeights,
  lossFn: () => tf.Scalar,
  maxGradNorm: number,
): StepResult {
  const varList = Object.values(weights);
  const { value, grads } = tf.variableGrads(lossFn, varList);
  const result = tf.tidy(() => {
    const names = Object.keys(grads);
    const squares = names.map((n) => tf.sum(tf.square(grads[n]!)));
    const gradNorm = tf.sqrt(tf.addN(squares)) as tf.Scalar;
    const finite = tf.logicalAnd(tf.isFinite(gradNorm), tf.isFinite(value));
    // Scale 0 when anything is non-finite: the update becomes a no-op instead of NaN weights.
    const clip = tf.minimum(1, tf.div(maxGradNorm, tf.add(gradNorm, 1e-6)));
    const scale = tf.where(finite, clip, tf.zerosLike(clip));
    const clipped: Record<string, tf.Tensor> = {};
    for (const n of names) clipped[n] = tf.where(finite, tf.mul(grads[n]!, scale), tf.zerosLike(grads[n]!));
    optimizer.applyGradients(clipped);
    return { gradNorm: tf.keep(gradNorm) };
  });
  tf.dispose(grads);
  return { loss: value, gradNorm: result.gradNorm };
}
