/**
 * The WebAssembly SIMD kernels of kernels.wat, instantiated once, and the module memory that
 * callers copy operands into and results out of.
 */
import * as tf from '../../tf';
import { KERNELS_WASM } from './kernels.wasm';

export interface WasmBackendLike {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

export interface SimdKernels {
  memory: WebAssembly.Memory;
  batchMatMul(a: number, b: number, c: number, batch: number, m: number, k: number, n: number): void;
  columnSum(x: number, out: number, rows: number, width: number): void;
  transpose(from: number, to: number, count: number, rows: number, cols: number, stride: number): void;
  copyRows(from: number, to: number, rows: number, width: number, fromStride: number, toStride: number): void;
  expInPlace(x: number, count: number): void;
  gelu(x: number, out: number, count: number): void;
  geluGrad(dy: number, x: number, out: number, count: number): void;
  softmaxShift(x: number, out: number, rows: number, width: number): void;
  softmaxNormalise(x: number, rows: number, width: number): void;
  softmaxGrad(dy: number, y: number, out: number, rows: number, width: number): void;
  layerNormStats(x: number, out: number, rows: number, width: number): void;
  layerNormApply(x: number, stats: number, gain: number, bias: number, out: number, rows: number, width: number): void;
  layerNormGradX(dy: number, x: number, stats: number, gain: number, out: number, rows: number, width: number): void;
  layerNormGradGain(dy: number, x: number, stats: number, out: number, rows: number, width: number): void;
}

let instance: SimdKernels | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
export function simdKernels(): SimdKernels | null {
  if (instance !== undefined) return instance;
  try {
    const bytes = Uint8Array.from(atob(KERNELS_WASM), (c) => c.charCodeAt(0));
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as SimdKernels;
  } catch {
    instance = null;
  }
  return instance;
}

const PAGE = 65536;

/** The module's memory as floats, grown to hold at least `floats`. */
export function heapOfAtLeast(kernels: SimdKernels, floats: number): Float32Array {
  const bytes = 4 * floats;
  if (kernels.memory.buffer.byteLength < bytes) kernels.memory.grow(Math.ceil((bytes - kernels.memory.buffer.byteLength) / PAGE));
  return new Float32Array(kernels.memory.buffer);
}

/** Float offset of the first 16-byte aligned slot at or after `floats`. */
export const aligned = (floats: number) => Math.ceil(floats / 4) * 4;
