import * as Comlink from 'comlink';
import type { PlaygroundApi } from '../../workers/playground.worker';

/** Start a training worker (`name` shows in the browser's developer tools) and return its typed API. */
export function connectWorker(name = 'playground'): { api: Comlink.Remote<PlaygroundApi>; worker: Worker } {
  const worker = new Worker(new URL('../../workers/playground.worker.ts', import.meta.url), { type: 'module', name });
  return { api: Comlink.wrap<PlaygroundApi>(worker), worker };
}
