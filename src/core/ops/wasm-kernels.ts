/**
 * Kernel overrides for tfjs's WASM backend, registered by every shell that runs it (worker, CLI,
 * tests) after importing the backend.
 *
 * Identity: tfjs-core clones every tensor a kernel saves for its gradient, and a clone is an
 * Identity kernel, which tfjs-backend-wasm runs as a full copy (~370 copies per default DPO
 * step). Tensors are immutable and no WASM kernel writes into its inputs, so here, as on the
 * cpu, WebGL and WebGPU backends, Identity shares the input's memory and counts a reference.
 *
 * BatchMatMul: WebAssembly SIMD (wasm/batch-matmul.ts, kernels.wat) instead of tfjs-backend-wasm's
 * scalar loop (batched) or XNNPACK (2-D), transposes included.
 *
 * Layer norm, GELU, softmax and the masked token log-probs, forward and backward: one loop each
 * (wasm/fused-kernels.ts) where tfjs composes 5-25 kernels; fused.ts picks them up.
 *
 * Sum over leading axes, SplitV along the last axis and Concat (wasm/row-kernels.ts): rows as they
 * lie, instead of a transpose, a generic strided slice or a copy per row piece from JS. Select of
 * same-shaped operands (the optimizer's NaN guard) as a SIMD bit select, and LogicalAnd with a
 * single-value operand as a byte copy.
 */
import * as tf from '../tf';
import { isOverridden, overrideKernel } from './override-kernel';
import { runSimdMatMul } from './wasm/batch-matmul';
import { registerFusedWasmKernels } from './fused';
import { simdSupported, type WasmBackendLike as SimdBackend } from './wasm/module';
import { concatRows, logicalAndBytes, selectSameSize, splitLastAxis, sumLeadingAxes } from './wasm/row-kernels';

interface WasmBackendLike extends SimdBackend {
  incRef(dataId: tf.DataId): void;
}

let registered = false;

/** Whether the active backend is WASM with the SIMD matmul installed (it reads transposed operands itself). */
export function wasmSimdMatMulActive(): boolean {
  return registered && tf.getBackend() === 'wasm' && simdSupported();
}

/** Install the overrides for the 'wasm' backend (imported already). Idempotent. */
export function registerWasmKernels(): void {
  overrideKernel('Identity', 'wasm', (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  overrideKernel('BatchMatMul', 'wasm', (original) => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    return runSimdMatMul(a, b, transposeA, transposeB, args.backend as unknown as WasmBackendLike) ?? original(args);
  });
  overrideKernel('Sum', 'wasm', (original) => (args) => {
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    return sumLeadingAxes(args.inputs.x as tf.TensorInfo, axis, keepDims, args.backend as unknown as WasmBackendLike) ?? original(args);
  });
  overrideKernel('SplitV', 'wasm', (original) => (args) => {
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    return (
      splitLastAxis(args.inputs.x as tf.TensorInfo, numOrSizeSplits, axis, args.backend as unknown as WasmBackendLike) ?? original(args)
    );
  });
  overrideKernel('Concat', 'wasm', (original) => (args) => {
    const { axis } = args.attrs as unknown as { axis: number };
    return concatRows(args.inputs as unknown as tf.TensorInfo[], axis, args.backend as unknown as WasmBackendLike) ?? original(args);
  });
  overrideKernel('Select', 'wasm', (original) => (args) => {
    const { condition, t, e } = args.inputs as { condition: tf.TensorInfo; t: tf.TensorInfo; e: tf.TensorInfo };
    return selectSameSize(condition, t, e, args.backend as unknown as WasmBackendLike) ?? original(args);
  });
  overrideKernel('LogicalAnd', 'wasm', (original) => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    return logicalAndBytes(a, b, args.backend as unknown as WasmBackendLike) ?? original(args);
  });
  registerFusedWasmKernels();
  registered = isOverridden('BatchMatMul', 'wasm');
}
