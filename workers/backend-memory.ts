/**
 * The backend measured on an earlier visit, kept in IndexedDB per browser, adapter and settings
 * class, so a later visit starts on it without measuring again. A new browser version, another
 * GPU (or none), another model size or a method that samples every step make another key, which
 * the page then measures while idle.
 */
import { createStore, get, set } from 'idb-keyval';
import type { PlaygroundConfig } from '../src/core/settings/controls';
import { measurementClass, isBackendName } from './backend-names';
import { webgpuAdapter, type BackendInfo, type RememberedChoice } from './backends';

// Made on first use: nothing touches IndexedDB before a worker asks.
const store = () => createStore('dpo-playground-backends', 'measured');

/** The browser, its WebGPU adapter (or its absence) and the settings class. */
async function keyFor(settings: PlaygroundConfig): Promise<string> {
  const adapter = await webgpuAdapter().then(
    (a) => a.adapter || 'an unnamed WebGPU adapter',
    () => 'no WebGPU',
  );
  return [navigator.userAgent, adapter, measurementClass(settings)].join(' | ');
}

export async function recallChoice(settings: PlaygroundConfig): Promise<RememberedChoice | undefined> {
  try {
    const value = await get<Partial<RememberedChoice>>(await keyFor(settings), store());
    // Anything unreadable is as good as nothing: the page measures again.
    if (!value || typeof value.name !== 'string' || !isBackendName(value.name) || typeof value.reason !== 'string') return undefined;
    return { name: value.name, reason: value.reason, at: typeof value.at === 'string' ? value.at : '' };
  } catch {
    return undefined;
  }
}

export async function rememberChoice(settings: PlaygroundConfig, info: BackendInfo): Promise<void> {
  const choice: RememberedChoice = { name: info.name, reason: info.reason, at: new Date().toISOString() };
  // Private browsing may refuse IndexedDB: the next visit then measures again, nothing worse.
  await set(await keyFor(settings), choice, store()).catch(() => undefined);
}
