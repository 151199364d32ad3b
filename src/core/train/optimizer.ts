import * as tf from '../tf';
import type { TrainableWeights } from '../model/weights';

export interface StepResult {
  /** Loss of the step (a scalar still on the device; read it only when logging). */
  loss: tf.Scalar;
  /** Global gradient norm before clipping (on the device). */
  gradNorm: tf.Scalar;
  /** 1 when the step was applied, 0 when it was refused for a non-finite loss or gradient. */
  applied: tf.Scalar;
}

/**
 * One optimiser step with global-norm gradient clipping, guarded against NaN and Infinity
 * without reading anything back: a non-finite loss or gradient zeroes the gradient and puts every
 * weight back to its value before the step (WGSL may assume NaN never happens, and one NaN update
 * would poison every weight). `applied` tells, on the device, whether the step counted.
 */
export function clippedStep(
  optimizer: tf.Optimizer,
  weights: TrainableWeights,
  lossFn: () => tf.Scalar,
  maxGradNorm: number,
): StepResult {
  const varList = Object.values(weights);
  const before = varList.map((v) => tf.keep(v.clone()));
  const { value, grads } = tf.variableGrads(lossFn, varList);
  const result = tf.tidy(() => {
    const names = Object.keys(grads);
    const squares = names.map((n) => tf.sum(tf.square(grads[n]!)));
    const gradNorm = tf.sqrt(tf.addN(squares)) as tf.Scalar;
    const finite = tf.logicalAnd(tf.isFinite(gradNorm), tf.isFinite(value));
    const clip = tf.minimum(1, tf.div(maxGradNorm, tf.add(gradNorm, 1e-6)));
    const clipped: Record<string, tf.Tensor> = {};
    for (const n of names) clipped[n] = tf.where(finite, tf.mul(grads[n]!, clip), tf.zerosLike(grads[n]!));
    optimizer.applyGradients(clipped);
    // Adam moves weights even on a zero gradient (momentum): restore them when the step is refused.
    varList.forEach((v, i) => v.assign(tf.where(finite, v, before[i]!)));
    return { gradNorm: tf.keep(gradNorm), applied: tf.keep(tf.cast(finite, 'float32') as tf.Scalar) };
  });
  tf.dispose(grads);
  tf.dispose(before);
  return { loss: value, gradNorm: result.gradNorm, applied: result.applied };
}
