/**
 * Batched matmul for tfjs's WASM backend in WebAssembly SIMD (kernels.wat). tfjs-backend-wasm
 * 4.22 sends a matmul with a batch dimension through XNNPACK only when the batch is 1; otherwise it
 * runs a scalar loop at ~1 GFLOP/s, and attention's q k^T, p v and their gradients are all
 * batched (batch x heads). Operands are copied into the module's memory (rows padded to a
 * multiple of 8 columns), multiplied, and the result copied into a tfjs output.
 */
import * as tf from '../../tf';
import { aligned, copyRows, heapOfAtLeast, simdKernels, type WasmBackendLike } from './module';

/**
 * a [..., m, k] x b [..., k, n] with equal batch dims above 1 and no transposes; undefined for
 * anything else (the caller runs tfjs's kernel).
 */
export function runSimdBatchMatMul(a: tf.TensorInfo, b: tf.TensorInfo, backend: WasmBackendLike): tf.TensorInfo | undefined {
  const kernels = simdKernels();
  const batchDims = a.shape.slice(0, -2);
  const batch = tf.util.sizeFromShape(batchDims);
  const sameBatch = tf.util.arraysEqual(batchDims, b.shape.slice(0, -2));
  if (!kernels || batch < 2 || !sameBatch || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  if (b.shape[b.shape.length - 2] !== k || m * k * n === 0) return undefined;
  const padded = Math.ceil(n / 8) * 8;
  const bAt = aligned(batch * m * k);
  const cAt = bAt + batch * k * padded;
  const heap = heapOfAtLeast(kernels, cAt + batch * m * padded);
  heap.set(backend.typedArrayFromHeap(a), 0);
  copyRows(batch * k, n, { array: backend.typedArrayFromHeap(b), at: 0, stride: n }, { array: heap, at: bAt, stride: padded });
  kernels.batchMatMul(0, 4 * bAt, 4 * cAt, batch, m, k, padded);
  const out = backend.makeOutput([...batchDims, m, n], 'float32');
  copyRows(batch * m, n, { array: heap, at: cAt, stride: padded }, { array: backend.typedArrayFromHeap(out), at: 0, stride: n });
  return out;
}
