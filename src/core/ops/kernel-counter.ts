/**
 * Counts the tfjs kernels a backend runs (reshapes and identities included): every kernel
 * registered for the backend is wrapped once with a counter. Used by the cost report; costs one
 * increment per kernel.
 */
import * as tf from '../tf';

const counts = new Map<string, number>();
const wrapped = new Set<string>();

export function countKernels(backend: string): void {
  if (wrapped.has(backend)) return;
  wrapped.add(backend);
  for (const config of tf.getKernelsForBackend(backend)) {
    const run = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        counts.set(backend, (counts.get(backend) ?? 0) + 1);
        return run(args);
      },
    });
  }
}

/** Kernels run on `backend` since counting began. */
export function kernelsRun(backend: string): number {
  return counts.get(backend) ?? 0;
}
