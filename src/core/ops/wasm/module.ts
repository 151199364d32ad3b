/**
 * The WebAssembly SIMD kernels of kernels.wat, instantiated on tfjs-backend-wasm's own memory.
 * Kernels read tensors where tfjs keeps them and write into tfjs outputs: no copies in or out
 * (copying cost ~10% of a DPO step when the module had a memory of its own). tfjs runs its
 * threaded build, whose memory is shared, in a cross-origin isolated page: that memory needs the
 * module built with a shared memory import.
 */
import * as tf from '../../tf';
import { KERNELS_WASM, KERNELS_WASM_SHARED } from './kernels.wasm';

/** The part of tfjs-backend-wasm's Emscripten module the kernels use. */
interface EmscriptenModuleLike {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  /** The memory: exported by the single-threaded build, created by the threaded one. */
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
}

export interface WasmBackendLike {
  wasm: EmscriptenModuleLike;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

export interface SimdKernels {
  /** aT: 1 where A is stored transposed (k x m). */
  batchMatMul(a: number, b: number, c: number, batch: number, m: number, k: number, n: number, aT: number): void;
  select(cond: number, a: number, b: number, out: number, count: number): void;
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

const decode = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

let supported: boolean | undefined;

/** Whether this engine compiles the kernels (WebAssembly SIMD and bulk memory). */
export function simdSupported(): boolean {
  supported ??= typeof WebAssembly === 'object' && WebAssembly.validate(decode(KERNELS_WASM));
  return supported;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();

/** The kernels on `backend`'s memory, or null where they cannot run there. */
export function simdKernels(
  backend: WasmBackendLike | undefined = tf.findBackend('wasm') as unknown as WasmBackendLike,
): SimdKernels | null {
  const memory = backend?.wasm?.wasmMemory ?? backend?.wasm?.asm?.memory;
  if (!memory || !simdSupported()) return null;
  let kernels = instances.get(memory);
  if (kernels !== undefined) return kernels;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  try {
    const module = new WebAssembly.Module(decode(shared ? KERNELS_WASM_SHARED : KERNELS_WASM));
    kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
  } catch {
    kernels = null;
  }
  instances.set(memory, kernels);
  return kernels;
}

/** Byte offset of a tensor's values in the backend's memory. */
export const pointerOf = (backend: WasmBackendLike, info: tf.TensorInfo) => backend.typedArrayFromHeap(info).byteOffset;

/**
 * Run `use` with scratch buffers of the given float counts in the backend's memory (byte offsets),
 * freed afterwards. Allocating may grow the memory: take typed views only after this returns.
 */
export function withScratch<T>(backend: WasmBackendLike, floats: number[], use: (...pointers: number[]) => T): T {
  const pointers = floats.map((count) => backend.wasm._malloc(4 * count));
  try {
    return use(...pointers);
  } finally {
    for (const pointer of pointers) backend.wasm._free(pointer);
  }
}

/** `count` floats at `pointer` in the backend's memory, as a view made now (valid until it grows). */
export function floatsAt(backend: WasmBackendLike, pointer: number, count: number): Float32Array {
  const memory = (backend.wasm.wasmMemory ?? backend.wasm.asm?.memory)!;
  return new Float32Array(memory.buffer, pointer, count);
}
