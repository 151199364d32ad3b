import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/core/settings/controls';

// idb-keyval, failing as a browser's storage can: full (quota) or unavailable (a private window).
const failure = { current: null as Error | null };
const saved = new Map<string, unknown>();
vi.mock('idb-keyval', () => ({
  createStore: () => ({}),
  entries: () => (failure.current ? Promise.reject(failure.current) : Promise.resolve([...saved])),
  get: (id: string) => Promise.resolve(saved.get(id)),
  set: (id: string, value: unknown) => {
    if (failure.current) return Promise.reject(failure.current);
    saved.set(id, value);
    return Promise.resolve();
  },
  del: (id: string) => {
    saved.delete(id);
    return Promise.resolve();
  },
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

  it("a run saved by an earlier version (settings under their link names, fewer scores) loads in today's shape", async () => {
    saved.clear();
    const older = {
      id: 'run-old',
      name: 'saved last year',
      colour: '#f28e2b',
      // Link names, and the reference-free switch as its link text.
      config: { mode: 'offline', beta: 0.5, reffree: 'on', evaln: 32, steps: 40 },
      status: 'running',
      createdAt: 1,
      step: 20,
      history: [{ step: 20, metrics: { loss: 0.4 } }],
      evals: [
        {
          step: 0,
          summary: {
            chair_i: 0.2,
            chair_s: 0.5,
            cover: 0.9,
            attr_error: 0,
            count_error: 0.1,
            pope_acc: 0.8,
            pope_f1: 0.8,
            pope_yes_ratio: 0.5,
          },
        },
      ],
      events: ['started'],
      visible: true,
    };
    saved.set(older.id, older);
    await runsState.load();
    const run = runsState.get('run-old')!;
    expect(run.config).toMatchObject({ method: 'offline', beta: 0.5, referenceFree: true, evalScenes: 32, steps: 40 });
    expect(run.config.temperature).toBe(defaultConfig().temperature);
    expect(run.evals[0]!.summary.chair_i).toBe(0.2);
    expect(run.evals[0]!.summary.injection).toBeNaN();
    // It was training when the page went away: stopped, and told why.
    expect(run.status).toBe('stopped');
    expect(run.events.at(-1)).toMatch(/interrupted at step 20/);
  });
});
