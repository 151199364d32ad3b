/**
 * Replace a tfjs kernel of one backend with a wrapper around it (the wrapper decides when to call
 * the original). Idempotent: a kernel already replaced here is left alone, so registering twice
 * (a worker restart, several shells in one process) never wraps a wrapper.
 */
import * as tf from '../tf';

const OVERRIDDEN = Symbol.for('dpo-playground.overridden-kernel');

type Marked = tf.KernelFunc & { [OVERRIDDEN]?: true };

/** False when the backend has no such kernel (not imported yet). */
export function overrideKernel(kernelName: string, backendName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): boolean {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) return false;
  if ((original.kernelFunc as Marked)[OVERRIDDEN]) return true;
  const kernelFunc = wrap(original.kernelFunc) as Marked;
  kernelFunc[OVERRIDDEN] = true;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...original, kernelFunc });
  return true;
}

/** Whether `kernelName` on `backendName` is one of ours (for tests: the override is installed). */
export function isOverridden(kernelName: string, backendName: string): boolean {
  return (tf.getKernel(kernelName, backendName)?.kernelFunc as Marked | undefined)?.[OVERRIDDEN] === true;
}
