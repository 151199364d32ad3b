/**
 * Recovery checkpoints of the run in progress, in their own IndexedDB database so they never
 * clutter the user's saved checkpoints: the starting model, the latest evaluated policy and the
 * trainer's state at that step (optimizer moments, data order, random stream), so a fresh worker
 * resumes the run after a crash or a lost GPU device exactly where it was.
 */
import { createStore, get, set } from 'idb-keyval';
import type { SessionState } from '../src/core/session/run-session';

const store = () => createStore('dpo-playground-recovery', 'checkpoints');

export interface RecoveryPoint {
  runId: string;
  step: number;
  start: Uint8Array;
  latest: Uint8Array;
  /** Absent in points saved before exact resume existed (then only the weights are restored). */
  state?: SessionState;
}

export async function saveRecoveryStart(runId: string, start: Uint8Array): Promise<void> {
  await set('current', { runId, step: 0, start, latest: start } satisfies RecoveryPoint, store());
}

export async function saveRecoveryLatest(runId: string, step: number, latest: Uint8Array, state: SessionState): Promise<void> {
  const current = await get<RecoveryPoint>('current', store());
  if (!current || current.runId !== runId) return;
  await set('current', { ...current, step, latest, state }, store());
}

export async function loadRecovery(runId: string): Promise<RecoveryPoint> {
  const current = await get<RecoveryPoint>('current', store());
  if (!current || current.runId !== runId)
    throw new Error('no recovery checkpoint is saved for this run (it is only kept for the latest run, from its first evaluation on)');
  return current;
}
