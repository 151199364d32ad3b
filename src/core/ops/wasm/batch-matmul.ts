/**
 * Batched matmul for tfjs's WASM backend in WebAssembly SIMD (batch-matmul.wat). tfjs-backend-wasm
 * 4.22 sends a matmul with a batch dimension through XNNPACK only when the batch is 1; otherwise it
 * runs a scalar loop at ~1 GFLOP/s, and attention's q k^T, p v and their gradients are all
 * batched (batch x heads). Operands are copied into this module's memory (rows padded to a
 * multiple of 4 columns), multiplied, and the result copied into a tfjs output.
 */
import * as tf from '../../tf';
import { BATCH_MATMUL_WASM } from './batch-matmul.wasm';

interface WasmBackendLike {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

interface Module {
  memory: WebAssembly.Memory;
  batchMatMul(a: number, b: number, c: number, batch: number, m: number, k: number, n: number): void;
}

let instance: Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
export function simdBatchMatMul(): Module | null {
  if (instance !== undefined) return instance;
  try {
    const bytes = Uint8Array.from(atob(BATCH_MATMUL_WASM), (c) => c.charCodeAt(0));
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Module;
  } catch {
    instance = null;
  }
  return instance;
}

const PAGE = 65536;

/** Copy `rows` rows of `width` floats, laid out `from.stride` and `to.stride` floats apart. */
function copyRows(rows: number, width: number, from: { array: Float32Array; at: number; stride: number }, to: { array: Float32Array; at: number; stride: number }): void {
  if (from.stride === width && to.stride === width) return to.array.set(from.array.subarray(from.at, from.at + rows * width), to.at);
  for (let r = 0; r < rows; r++) to.array.set(from.array.subarray(from.at + r * from.stride, from.at + r * from.stride + width), to.at + r * to.stride);
}

/**
 * a [..., m, k] x b [..., k, n] with equal batch dims above 1 and no transposes; undefined for
 * anything else (the caller runs tfjs's kernel).
 */
export function runSimdBatchMatMul(a: tf.TensorInfo, b: tf.TensorInfo, backend: WasmBackendLike): tf.TensorInfo | undefined {
  const module = simdBatchMatMul();
  const batchDims = a.shape.slice(0, -2);
  const batch = tf.util.sizeFromShape(batchDims);
  const sameBatch = tf.util.arraysEqual(batchDims, b.shape.slice(0, -2));
  if (!module || batch < 2 || !sameBatch || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.shape.length - 1]!;
  if (b.shape[b.shape.length - 2] !== k || m * k * n === 0) return undefined;
  const padded = Math.ceil(n / 4) * 4;
  const aFloats = batch * m * k;
  const bFloats = batch * k * padded;
  const cFloats = batch * m * padded;
  // Float offsets, each start 16-byte aligned.
  const bAt = Math.ceil(aFloats / 4) * 4;
  const cAt = bAt + bFloats;
  const bytes = 4 * (cAt + cFloats);
  if (module.memory.buffer.byteLength < bytes) module.memory.grow(Math.ceil((bytes - module.memory.buffer.byteLength) / PAGE));
  const heap = new Float32Array(module.memory.buffer);
  heap.set(backend.typedArrayFromHeap(a), 0);
  copyRows(batch * k, n, { array: backend.typedArrayFromHeap(b), at: 0, stride: n }, { array: heap, at: bAt, stride: padded });
  module.batchMatMul(0, 4 * bAt, 4 * cAt, batch, m, k, padded);
  const out = backend.makeOutput([...batchDims, m, n], 'float32');
  copyRows(batch * m, n, { array: heap, at: cAt, stride: padded }, { array: backend.typedArrayFromHeap(out), at: 0, stride: n });
  return out;
}
