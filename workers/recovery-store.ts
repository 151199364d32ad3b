/**
 * Recovery checkpoints of the run in progress, in their own IndexedDB database so they never
 * clutter the user's saved checkpoints: the starting model and the latest evaluated policy. After a
 * worker crash or a lost GPU device, a fresh worker resumes the run from them.
 */
import { createStore, get, set } from 'idb-keyval';

const store = () => createStore('dpo-playground-recovery', 'checkpoints');

export interface RecoveryPoint {
  runId: string;
  step: number;
  start: Uint8Array;
  latest: Uint8Array;
}

export async function saveRecoveryStart(runId: string, start: Uint8Array): Promise<void> {
  await set('current', { runId, step: 0, start, latest: start } satisfies RecoveryPoint, store());
}

export async function saveRecoveryLatest(runId: string, step: number, latest: Uint8Array): Promise<void> {
  const current = await get<RecoveryPoint>('current', store());
  if (!current || current.runId !== runId) return;
  await set('current', { ...current, step, latest }, store());
}

export async function loadRecovery(runId: string): Promise<RecoveryPoint> {
  const current = await get<RecoveryPoint>('current', store());
  if (!current || current.runId !== runId)
    throw new Error('no recovery checkpoint is saved for this run (it is only kept for the latest run, from its first evaluation on)');
  return current;
}
