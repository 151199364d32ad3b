/**
 * Checkpoints in the browser: IndexedDB (via idb-keyval) for "save in this browser", and packed
 * single files (.dpock) for download and upload. Everything is validated before it replaces the
 * model, so a bad file gets a clear message and the current model stays.
 */
import { createStore, del, entries, get, set } from 'idb-keyval';
import { decodeCheckpoint, encodeCheckpoint, packCheckpoint, unpackCheckpoint, type DecodedCheckpoint } from '../src/core/model/checkpoint';
import type { ModelConfig } from '../src/core/model/config';
import type { Weights } from '../src/core/model/weights';

const store = () => createStore('dpo-playground', 'checkpoints');

export interface StoredCheckpointInfo {
  name: string;
  savedAt: string;
  bytes: number;
  description: string;
}

interface StoredCheckpoint extends StoredCheckpointInfo {
  file: Uint8Array;
}

export async function packWeights(weights: Weights, config: ModelConfig, meta: Record<string, unknown>): Promise<Uint8Array> {
  const { header, data } = await encodeCheckpoint(weights, config, meta);
  return packCheckpoint(header, data);
}

/** Validate a packed file (from upload or storage) against the expected architecture. */
export function readPacked(file: Uint8Array, expected?: ModelConfig): DecodedCheckpoint {
  const { header, data } = unpackCheckpoint(file);
  return decodeCheckpoint(header, data, expected);
}

export async function saveToBrowser(name: string, file: Uint8Array, description: string): Promise<StoredCheckpointInfo> {
  const record: StoredCheckpoint = { name, savedAt: new Date().toISOString(), bytes: file.byteLength, description, file };
  await set(name, record, store());
  const { file: _file, ...info } = record;
  return info;
}

export async function loadFromBrowser(name: string): Promise<Uint8Array> {
  const record = await get<StoredCheckpoint>(name, store());
  if (!record) throw new Error(`no checkpoint named "${name}" is saved in this browser`);
  return record.file;
}

export async function listBrowserCheckpoints(): Promise<StoredCheckpointInfo[]> {
  const all = await entries<string, StoredCheckpoint>(store());
  return all.map(([, { file: _file, ...info }]) => info).sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

export async function deleteFromBrowser(name: string): Promise<void> {
  await del(name, store());
}
