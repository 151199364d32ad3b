/**
 * The fused kernels of fused.ts (layer norm, GELU, softmax, masked next-token log-probs, forward
 * and backward) for tfjs's WASM backend; fused.ts registers each from its entry. tfjs composes
 * each from 5-25 kernels, and at this model's sizes a kernel's bookkeeping (~20 us) costs more
 * than its arithmetic: one kernel per op is what shortens a step. Same formulas as the WGSL programs in webgpu-programs.ts; the float
 * ops run in kernels.wat (e^x by a SIMD polynomial: V8's Math.exp takes ~25 ns here), the token
 * log-probs (one call per step, integer inputs) in plain loops.
 */
import * as tf from '../../tf';
import { pointerOf, simdKernels, type SimdKernels, type WasmBackendLike } from './module';

/** A fused kernel on WASM: its inputs by name in, a new float32 output (fused.ts registers it). */
export type WasmKernel<Input extends string> = (inputs: Record<Input, tf.TensorInfo>, backend: WasmBackendLike) => tf.TensorInfo;

/** A new float32 output of `shape`, filled by `run` from the byte offsets of the output and inputs. */
function inPlace(
  backend: WasmBackendLike,
  inputs: tf.TensorInfo[],
  shape: number[],
  run: (kernels: SimdKernels, out: number, ...at: number[]) => void,
): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  run(simdKernels(backend)!, pointerOf(backend, out), ...inputs.map((input) => pointerOf(backend, input)));
  return out;
}

/** [rows, width] of a tensor read as rows over its last axis. */
function rowsOf(x: tf.TensorInfo): [number, number] {
  const width = x.shape[x.shape.length - 1]!;
  return [tf.util.sizeFromShape(x.shape) / width, width];
}

const size = (x: tf.TensorInfo) => tf.util.sizeFromShape(x.shape);

/** log sum_v exp(values[row + v]) over `width` entries, shifted by their maximum. */
function logSumExp(values: ArrayLike<number>, row: number, width: number): number {
  let top = values[row]!;
  for (let v = 1; v < width; v++) top = Math.max(top, values[row + v]!);
  let total = 0;
  for (let v = 0; v < width; v++) total += Math.exp(values[row + v]! - top);
  return top + Math.log(total);
}

export const layerNormStats: WasmKernel<'x'> = ({ x }, backend) => {
  const [rows, width] = rowsOf(x);
  return inPlace(backend, [x], [rows, 2], (k, out, xAt) => k.layerNormStats(xAt, out, rows, width));
};

export const layerNormApply: WasmKernel<'x' | 'stats' | 'gain' | 'bias'> = ({ x, stats, gain, bias }, backend) => {
  const [rows, width] = rowsOf(x);
  return inPlace(backend, [x, stats, gain, bias], x.shape, (k, out, xAt, s, g, b) => k.layerNormApply(xAt, s, g, b, out, rows, width));
};

export const layerNormGradX: WasmKernel<'dy' | 'x' | 'stats' | 'gain'> = ({ dy, x, stats, gain }, backend) => {
  const [rows, width] = rowsOf(dy);
  return inPlace(backend, [dy, x, stats, gain], dy.shape, (k, out, d, xAt, s, g) => k.layerNormGradX(d, xAt, s, g, out, rows, width));
};

export const layerNormGradGain: WasmKernel<'dy' | 'x' | 'stats'> = ({ dy, x, stats }, backend) => {
  const [rows, width] = rowsOf(dy);
  return inPlace(backend, [dy, x, stats], [width], (k, out, d, xAt, s) => k.layerNormGradGain(d, xAt, s, out, rows, width));
};

export const gelu: WasmKernel<'x'> = ({ x }, backend) => inPlace(backend, [x], x.shape, (k, out, xAt) => k.gelu(xAt, out, size(x)));

export const geluGrad: WasmKernel<'dy' | 'x'> = ({ dy, x }, backend) =>
  inPlace(backend, [dy, x], x.shape, (k, out, d, xAt) => k.geluGrad(d, xAt, out, size(x)));

export const softmax: WasmKernel<'x'> = ({ x }, backend) => {
  const [rows, width] = rowsOf(x);
  return inPlace(backend, [x], x.shape, (k, out, xAt) => {
    k.softmaxShift(xAt, out, rows, width);
    k.expInPlace(out, size(x));
    k.softmaxNormalise(out, rows, width);
  });
};

export const softmaxGrad: WasmKernel<'dy' | 'y'> = ({ dy, y }, backend) => {
  const [rows, width] = rowsOf(y);
  return inPlace(backend, [dy, y], y.shape, (k, out, d, yAt) => k.softmaxGrad(d, yAt, out, rows, width));
};

export const tokenLogProbs: WasmKernel<'logits' | 'tokens' | 'mask'> = ({ logits, tokens, mask }, backend) => {
  const [batch, length, vocab] = logits.shape as [number, number, number];
  const out = backend.makeOutput([batch, length - 1], 'float32');
  const [result, l, k, m] = [out, logits, tokens, mask].map((t) => backend.typedArrayFromHeap(t)) as [Float32Array, ...ArrayLike<number>[]];
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < length - 1; t++) {
      const next = b * length + t + 1;
      const row = (b * length + t) * vocab;
      result[b * (length - 1) + t] = m![next] === 0 ? 0 : (l![row + k![next]!]! - logSumExp(l!, row, vocab)) * m![next]!;
    }
  return out;
};

export const tokenLogProbsGrad: WasmKernel<'dy' | 'logits' | 'tokens' | 'mask'> = ({ dy, logits, tokens, mask }, backend) => {
  const [batch, length, vocab] = logits.shape as [number, number, number];
  const out = backend.makeOutput(logits.shape, 'float32');
  const [result, g, l, k, m] = [out, dy, logits, tokens, mask].map((t) => backend.typedArrayFromHeap(t)) as [
    Float32Array,
    ...ArrayLike<number>[],
  ];
  // Zero for the last position and for masked targets: g * m * (onehot(target) - softmax) elsewhere.
  result.fill(0);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < length - 1; t++) {
      const next = b * length + t + 1;
      const scale = g![b * (length - 1) + t]! * m![next]!;
      if (scale === 0) continue;
      const row = (b * length + t) * vocab;
      const normaliser = logSumExp(l!, row, vocab);
      for (let v = 0; v < vocab; v++) result[row + v] = -scale * Math.exp(l![row + v]! - normaliser);
      result[row + k![next]!]! += scale;
    }
  return out;
};
