import * as Comlink from 'comlink';
import type { PlaygroundApi } from '../../workers/playground.worker';

/** Start the training worker and return its typed API. */
export function connectWorker(): { api: Comlink.Remote<PlaygroundApi>; worker: Worker } {
  const worker = new Worker(new URL('../../workers/playground.worker.ts', import.meta.url), { type: 'module', name: 'playground' });
  return { api: Comlink.wrap<PlaygroundApi>(worker), worker };
}
