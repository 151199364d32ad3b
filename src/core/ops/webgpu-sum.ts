/**
 * Sum on WebGPU as one plain loop per output (sumProgram) where the summed axes are adjacent and
 * short, instead of tfjs's workgroup reduction (plus a transpose when the axes lead, as for
 * every bias gradient). Longer or scattered reductions, and other dtypes, keep tfjs's kernel.
 */
import * as tf from '../tf';
import { overrideKernel } from './override-kernel';
import { sumProgram, type FusedProgram } from './webgpu-programs';

interface WebgpuBackendLike {
  runWebGPUProgram(program: FusedProgram, inputs: tf.TensorInfo[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

/** Longest reduction summed by one thread: float32 error grows with it, parallelism shrinks. */
const MAX_LOOP = 4096;

/** Replace the webgpu Sum kernel; `active()` says whether the loop path may run. Idempotent. */
export function registerLoopWebgpuSum(active: () => boolean): void {
  const reshape = tf.getKernel('Reshape', 'webgpu');
  if (!reshape) return;
  overrideKernel('Sum', 'webgpu', (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const first = axes[0] ?? 0;
    const adjacent = axes.length > 0 && axes.every((a, i) => a === first + i);
    const size = tf.util.sizeFromShape;
    const outer = size(x.shape.slice(0, first));
    const reduce = size(x.shape.slice(first, first + axes.length));
    const inner = size(x.shape.slice(first + axes.length));
    if (!active() || x.dtype !== 'float32' || !adjacent || reduce > MAX_LOOP || outer * inner === 0 || reduce === 0) return original(args);
    const backend = args.backend as unknown as WebgpuBackendLike;
    const flat = backend.runWebGPUProgram(sumProgram(outer, reduce, inner), [x], 'float32');
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const result = reshape.kernelFunc({ inputs: { x: flat }, backend: args.backend, attrs: { shape } }) as tf.TensorInfo;
    backend.disposeData(flat.dataId);
    return result;
  });
}
