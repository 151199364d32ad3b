import * as tf from '../core/tf';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../core/ops/wasm-kernels';

export const NODE_BACKENDS = ['wasm', 'cpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

/** Select a tfjs backend in Node and confirm it really is the one running. */
export async function useNodeBackend(name: NodeBackend): Promise<string> {
  silenceTfjsNodeHint();
  if (name === 'wasm') registerWasmKernels();
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`backend "${name}" could not start (running: ${tf.getBackend()})`);
  return tf.getBackend();
}

/** tfjs prints an advert for tfjs-node (which cannot install here); prod mode keeps output clean. */
function silenceTfjsNodeHint(): void {
  tf.enableProdMode();
}
