import * as tf from '../tf';
import { matMul } from './matmul';
import * as fused from '../ops/fused';
import type { Weights } from './weights';

/** The model's building blocks, shared by the full forward pass and cached generation. */

export function dense(x: tf.Tensor, weights: Weights, name: string): tf.Tensor {
  return tf.add(dense3(x, weights[`${name}.w`] as tf.Tensor2D), weights[`${name}.b`]!);
}

/** [..., in] x [in, out] -> [..., out] without bias, as one 2-D matmul. */
export function dense3(x: tf.Tensor, w: tf.Tensor2D): tf.Tensor {
  const inner = x.shape[x.shape.length - 1]!;
  const out = matMul(x.reshape([-1, inner]), w);
  return out.reshape([...x.shape.slice(0, -1), w.shape[1]]);
}

export function layerNorm(x: tf.Tensor, weights: Weights, name: string): tf.Tensor {
  return fused.layerNorm(x, weights[`${name}.g`]!, weights[`${name}.b`]!);
}

export const gelu = fused.gelu;
export const softmax = fused.softmax;
