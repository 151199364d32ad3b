import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/core/playground/controls';

// idb-keyval, failing as a browser's storage can: full (quota) or unavailable (a private window).
const failure = { current: null as Error | null };
const saved = new Map<string, unknown>();
vi.mock('idb-keyval', () => ({
  createStore: () => ({}),
  entries: async () => {
    if (failure.current) throw failure.current;
    return [...saved];
  },
  get: async (id: string) => saved.get(id),
  set: async (id: string, value: unknown) => {
    if (failure.current) throw failure.current;
    saved.set(id, value);
  },
  del: async (id: string) => void saved.delete(id),
}));

const { runsState, describeStorageFailure } = await import('../../src/ui/state/runs.svelte');

const quota = () => Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
const unavailable = () => Object.assign(new Error('The operation is insecure.'), { name: 'SecurityError' });

describe('runs storage faults', () => {
  afterEach(() => {
    failure.current = null;
  });

  it('a full storage keeps the runs in the tab, says so, and saves them once there is room again', async () => {
    failure.current = quota();
    const run = runsState.create(defaultConfig(), 'first');
    await runsState.flush();
    expect(runsState.storageProblem).toBe(describeStorageFailure(quota()));
    expect(runsState.storageProblem).toMatch(/storage for this site is full.*export them/);
    expect(runsState.get(run.id)?.name).toBe('first');
    expect(saved.has(run.id)).toBe(false);

    failure.current = null;
    runsState.create(defaultConfig(), 'second'); // the next change retries the first run too
    await runsState.flush();
    expect(runsState.storageProblem).toBeNull();
    expect(saved.has(run.id)).toBe(true);
  });

  it('storage that cannot be opened (a private window) is reported on load, not thrown', async () => {
    failure.current = unavailable();
    await runsState.load();
    expect(runsState.loaded).toBe(true);
    expect(runsState.storageProblem).toMatch(/does not allow storage here \(a private window/);
  });
});
