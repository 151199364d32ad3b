/**
 * Matmul for tfjs's WASM backend in WebAssembly SIMD (kernels.wat). tfjs-backend-wasm 4.22 runs a
 * matmul with a batch dimension above 1 as a scalar loop (~1 GFLOP/s; attention's q k^T, p v and
 * their gradients are all batched), and a 2-D one through XNNPACK, which repacks the right operand
 * on every call (training changes it every step): 6-10 GFLOP/s on this model's shapes against
 * 10-13 here. Operands are copied into the module's memory and laid out there by the module
 * (transposed where the flags say, rows padded to a multiple of 8 columns), multiplied, and the
 * result copied into a tfjs output.
 */
import * as tf from '../../tf';
import { aligned, heapOfAtLeast, simdKernels, type WasmBackendLike } from './module';

const FEW_ROWS = 128;

/**
 * a [..., m, k] x b [..., k, n] (either operand transposed by its flag) with equal batch dims, or
 * undefined for anything else (the caller runs tfjs's kernel).
 */
export function runSimdMatMul(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  backend: WasmBackendLike,
): tf.TensorInfo | undefined {
  const kernels = simdKernels();
  const batchDims = a.shape.slice(0, -2);
  const batch = tf.util.sizeFromShape(batchDims);
  const sameBatch = a.shape.length === b.shape.length && tf.util.arraysEqual(batchDims, b.shape.slice(0, -2));
  if (!kernels || a.shape.length < 2 || !sameBatch || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [kB, n] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (kB !== k || m * k * n === 0) return undefined;
  // A few rows times a weight matrix (generation, one token per sequence): XNNPACK keeps the
  // packed weights between calls while the weights stay the same tensor, which beats copying them.
  if (batch === 1 && !transposeA && m <= FEW_ROWS) return undefined;
  const padded = Math.ceil(n / 8) * 8;
  // Layout (floats): A [batch, m, k] at 0, B [batch, k, padded], C [batch, m, padded], then scratch
  // where operands arrive before the module lays them out (and C is compacted on the way out).
  const bAt = aligned(batch * m * k);
  const cAt = aligned(bAt + batch * k * padded);
  const scratchAt = aligned(cAt + batch * m * padded);
  const heap = heapOfAtLeast(kernels, scratchAt + Math.max(batch * m * k, batch * k * n, batch * m * n));
  if (transposeA) {
    heap.set(backend.typedArrayFromHeap(a), scratchAt);
    kernels.transpose(4 * scratchAt, 0, batch, k, m, k);
  } else heap.set(backend.typedArrayFromHeap(a), 0);
  if (padded !== n || transposeB) {
    heap.set(backend.typedArrayFromHeap(b), scratchAt);
    if (padded !== n) heap.fill(0, bAt, bAt + batch * k * padded);
    if (transposeB) kernels.transpose(4 * scratchAt, 4 * bAt, batch, n, k, padded);
    else kernels.copyRows(4 * scratchAt, 4 * bAt, batch * k, n, n, padded);
  } else heap.set(backend.typedArrayFromHeap(b), bAt);
  kernels.batchMatMul(0, 4 * bAt, 4 * cAt, batch, m, k, padded);
  const out = backend.makeOutput([...batchDims, m, n], 'float32');
  let resultAt = cAt;
  if (padded !== n) {
    kernels.copyRows(4 * cAt, 4 * scratchAt, batch * m, n, padded, n);
    resultAt = scratchAt;
  }
  // Views after makeOutput: growing the backend's memory detaches older ones.
  backend.typedArrayFromHeap(out).set(new Float32Array(kernels.memory.buffer, 4 * resultAt, batch * m * n));
  return out;
}
