/**
 * BatchMatMul on WebGPU as matMulProgram (register tiles over a plain loop, no barriers) where
 * `active(backend)` says so: the worker turns it on for software adapters, which run tfjs's
 * workgroup-synchronised tiles ~3x slower. Shapes it does not cover keep tfjs's kernel.
 */
import * as tf from '../tf';
import { overrideKernel } from './override-kernel';
import { matMulProgram, type FusedProgram } from './webgpu-programs';

interface WebgpuBackendLike {
  runWebGPUProgram(program: FusedProgram, inputs: tf.TensorInfo[], dtype: tf.DataType): tf.TensorInfo;
  adapterInfo?: { vendor?: string; architecture?: string };
}

/** Adapter names of CPU rasterisers standing in for a GPU. */
export const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|basic render|microsoft basic/i;

/** Whether tfjs's webgpu backend runs on a software adapter (SwiftShader here). */
export function onSoftwareAdapter(backend: unknown): boolean {
  const info = (backend as WebgpuBackendLike).adapterInfo;
  return SOFTWARE_ADAPTER.test(`${info?.vendor ?? ''} ${info?.architecture ?? ''}`);
}

const size = tf.util.sizeFromShape;

/** Replace the webgpu BatchMatMul kernel; `active(backend)` says whether the loop path may run. Idempotent. */
export function registerLoopWebgpuMatMul(active: (backend: unknown) => boolean): void {
  overrideKernel('BatchMatMul', 'webgpu', (original) => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const [ra, ca] = a.shape.slice(-2) as [number, number];
    const [rb, cb] = b.shape.slice(-2) as [number, number];
    const [m, k] = transposeA ? [ca, ra] : [ra, ca];
    const [k2, n] = transposeB ? [cb, rb] : [rb, cb];
    const sharedA = size(batchA) === 1;
    const sharedB = size(batchB) === 1;
    // Equal batch dims, or one operand without a batch (every use in this model).
    const batchDims = sharedA ? batchB : batchA;
    const covered =
      (sharedA || sharedB || tf.util.arraysEqual(batchA, batchB)) &&
      k === k2 &&
      a.dtype === 'float32' &&
      b.dtype === 'float32' &&
      size([m, n, k]) > 0;
    if (!covered || !active(args.backend)) return original(args);
    const batch = size(batchDims);
    const program = matMulProgram({ batch, m, k, n, transposeA, transposeB, sharedA, sharedB });
    const result = (args.backend as unknown as WebgpuBackendLike).runWebGPUProgram(program, [a, b], 'float32');
    return { ...result, shape: [...batchDims, m, n] };
  });
}
