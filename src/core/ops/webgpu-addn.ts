/**
 * tfjs-backend-webgpu 4.22's AddN binds one storage buffer per input. With more inputs than the
 * device allows per shader stage (maxStorageBuffersPerShaderStage, 8 on SwiftShader and the
 * WebGPU default on many GPUs, one of them taken by the output), the pipeline fails validation
 * silently and the output keeps whatever its pooled buffer held before. The global gradient norm
 * sums 28 squares with addN, so every DPO step read a stale norm (clipping and the NaN guard
 * both wrong). This wrapper sums in groups that fit the limit; Concat already does the same.
 */
import * as tf from '../tf';
import { overrideKernel } from './override-kernel';

interface WebgpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: tf.DataId): boolean;
}

/** Replace the webgpu AddN kernel with one that groups its inputs. Idempotent. */
export function registerGroupedWebgpuAddN(): void {
  overrideKernel('AddN', 'webgpu', (run) => ({ inputs, backend, attrs }) => {
    const webgpu = backend as unknown as WebgpuBackendLike;
    const groupSize = Math.max(2, webgpu.device.limits.maxStorageBuffersPerShaderStage - 1);
    let tensors = Object.values(inputs) as tf.TensorInfo[];
    const partials: tf.TensorInfo[] = [];
    while (tensors.length > groupSize) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < tensors.length; i += groupSize) {
        const group = tensors.slice(i, i + groupSize);
        if (group.length === 1) {
          next.push(group[0]!);
          continue;
        }
        const partial = run({ inputs: group as unknown as tf.NamedTensorInfoMap, backend, attrs }) as tf.TensorInfo;
        partials.push(partial);
        next.push(partial);
      }
      tensors = next;
    }
    const result = run({ inputs: tensors as unknown as tf.NamedTensorInfoMap, backend, attrs }) as tf.TensorInfo;
    // The backend keeps a buffer alive until the queued work that reads it is submitted.
    for (const partial of partials) webgpu.disposeData(partial.dataId);
    return result;
  });
}
