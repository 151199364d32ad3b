/** Backend names, importable by the page without pulling TensorFlow.js into the main bundle. */
import { samplesEveryStep, type PlaygroundConfig } from '../src/core/settings/controls';

export const BACKEND_ORDER = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_ORDER as readonly string[]).includes(name);
}

/**
 * The settings a backend measurement holds for: the model size (the large model may favour a GPU)
 * and whether every step samples captions (generation may favour another backend than training).
 */
export function measurementClass(settings: Pick<PlaygroundConfig, 'modelSize' | 'method'>): string {
  return `${settings.modelSize} model, ${samplesEveryStep(settings) ? 'sampling every step' : 'offline steps'}`;
}
