/**
 * Kernel overrides for tfjs's WASM backend, registered by every shell that runs it (worker, CLI,
 * tests) after importing the backend.
 *
 * Identity: tfjs-core clones every tensor a kernel saves for its gradient, and a clone is an
 * Identity kernel, which tfjs-backend-wasm runs as a full copy (~370 copies per default DPO
 * step). Tensors are immutable and no WASM kernel writes into its inputs, so here, as on the
 * cpu, WebGL and WebGPU backends, Identity shares the input's memory and counts a reference.
 */
import * as tf from '../tf';

interface WasmBackendLike {
  incRef(dataId: tf.DataId): void;
}

const PATCHED = Symbol.for('dpo-playground.wasm-kernels');

/** Install the overrides for the 'wasm' backend (imported already). Idempotent. */
export function registerWasmKernels(): void {
  const original = tf.getKernel('Identity', 'wasm');
  if (!original || (original.kernelFunc as unknown as Record<symbol, boolean>)[PATCHED]) return;
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original.kernelFunc(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  (kernelFunc as unknown as Record<symbol, boolean>)[PATCHED] = true;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc });
}
