/**
 * Extra training workers for a sweep's runs, so a sweep uses more than one core: each worker starts
 * the page's backend (forced, self-checked), receives the page's starting model as a packed
 * checkpoint, and trains one queued run at a time, headless (no gallery or pair inspector: the
 * page's own worker keeps those for the run it trains). A run's numbers depend only on its settings,
 * its starting model and the backend, so they are the numbers the page's own worker would give.
 */
import * as Comlink from 'comlink';
import type { BackendName } from '../../../workers/backend-names';
import type { RunListener } from '../../../workers/run-control';
import type { PlaygroundConfig } from '../../core/settings/controls';
import type { RunUpdate } from '../../core/session/training-loop';
import { isFinished } from '../../core/runs/run-record';
import { runUpdateProblems } from '../../core/runs/run-update-schema';
import { connectWorker } from '../worker-client';

/** One extra worker and the run it trains, if any. */
interface PoolWorker {
  worker: Worker;
  api: ReturnType<typeof connectWorker>['api'];
  ready: Promise<void>;
  runId: string | null;
}

/**
 * How many runs at once by default: one per core, at most 8, and one per 0.5 GB the browser says
 * the device has (a worker holds its own TensorFlow.js, model and optimizer, ~100-200 MB).
 */
export function defaultRunsAtOnce(cores = navigator.hardwareConcurrency || 1, memoryGb?: number): number {
  const byMemory = memoryGb ? Math.max(1, Math.floor(memoryGb / 0.5)) : 8;
  return Math.max(1, Math.min(cores, 8, byMemory));
}

export const MAX_RUNS_AT_ONCE = 8;

export interface PoolCallbacks {
  /** An update for a run (already checked against the schema). */
  update(runId: string, update: RunUpdate): void;
  /** The run ended (finished, failed or stopped) or its worker died: the slot is free. `stopped`: Stop came before it trained. */
  ended(runId: string, outcome?: { failure?: string; stopped?: boolean }): void;
}

export class RunPool {
  private workers: PoolWorker[] = [];
  /** Bumped by stop(): a run whose worker was still starting then never trains. */
  private stops = 0;
  /** Runs the extra workers train now (ids). */
  running = $state<string[]>([]);

  constructor(private readonly callbacks: PoolCallbacks) {}

  /** A worker with nothing to train, started (up to `extra` workers) if none is free. */
  private freeWorker(
    extra: number,
    backend: BackendName,
    start: () => Promise<Uint8Array>,
    config: PlaygroundConfig,
  ): PoolWorker | undefined {
    const idle = this.workers.find((w) => w.runId === null);
    if (idle) return idle;
    if (this.workers.length >= extra) return undefined;
    const { api, worker } = connectWorker(`sweep run ${this.workers.length + 2}`);
    const entry: PoolWorker = {
      worker,
      api,
      runId: null,
      ready: (async () => {
        await api.init(backend, config);
        const model = await start();
        await api.importCheckpoint(Comlink.transfer(model, [model.buffer as ArrayBuffer]));
      })(),
    };
    worker.addEventListener('error', (event) => this.lose(entry, `a sweep worker crashed (${event.message || 'no details'})`));
    this.workers.push(entry);
    return entry;
  }

  /** Whether an extra worker could take a run now (fewer than `extra` busy). */
  hasRoom(extra: number): boolean {
    return this.workers.filter((w) => w.runId !== null).length < extra;
  }

  /**
   * Train `runId` on an extra worker. `start` packs the page's starting model (asked once per new
   * worker). Throws when the worker cannot start or refuses the settings.
   */
  async train(
    runId: string,
    config: PlaygroundConfig,
    options: { extra: number; backend: BackendName; start: () => Promise<Uint8Array> },
  ): Promise<void> {
    const entry = this.freeWorker(options.extra, options.backend, options.start, config);
    if (!entry) throw new Error('no sweep worker is free');
    entry.runId = runId;
    this.running = [...this.running, runId];
    const stops = this.stops;
    try {
      await entry.ready;
      if (this.stops !== stops) {
        this.release(entry, runId);
        this.callbacks.ended(runId, { stopped: true });
        return;
      }
      const listener: RunListener = Comlink.proxy({
        update: (update: RunUpdate) => this.onUpdate(entry, runId, update),
        chooseBest: () => Promise.reject(new Error('a sweep worker cannot ask for human choices')),
      } satisfies RunListener);
      await entry.api.startRun(runId, config, listener, {});
      // Stop pressed while the worker was setting the run up: it reached the worker before the run.
      if (this.stops !== stops) await entry.api.stopRun();
    } catch (error) {
      this.release(entry, runId);
      throw error;
    }
  }

  private onUpdate(entry: PoolWorker, runId: string, update: RunUpdate): void {
    if (entry.runId !== runId) return;
    const problems = runUpdateProblems(update);
    if (problems.length > 0) {
      entry.api.stopRun().catch(() => undefined);
      this.release(entry, runId);
      this.callbacks.ended(runId, { failure: `the trainer sent a malformed update (${problems.join('; ')})` });
      return;
    }
    this.callbacks.update(runId, update);
    if (isFinished(update.status)) {
      this.release(entry, runId);
      this.callbacks.ended(runId);
    }
  }

  private release(entry: PoolWorker, runId: string): void {
    if (entry.runId === runId) entry.runId = null;
    this.running = this.running.filter((id) => id !== runId);
  }

  private lose(entry: PoolWorker, message: string): void {
    entry.worker.terminate();
    this.workers = this.workers.filter((w) => w !== entry);
    const runId = entry.runId;
    if (runId) {
      this.release(entry, runId);
      this.callbacks.ended(runId, { failure: message });
    }
  }

  pause = () => Promise.all(this.busy().map((w) => w.api.pauseRun()));
  resume = () => Promise.all(this.busy().map((w) => w.api.resumeRun()));
  stop = () => {
    this.stops++;
    return Promise.all(this.busy().map((w) => w.api.stopRun()));
  };

  private busy(): PoolWorker[] {
    return this.workers.filter((w) => w.runId !== null);
  }

  /** Close every extra worker (the starting model or the backend changed, or the page restarts). */
  close(): void {
    for (const entry of this.workers) {
      entry.worker.terminate();
      if (entry.runId) this.callbacks.ended(entry.runId, { failure: 'stopped: the sweep workers were closed' });
    }
    this.workers = [];
    this.running = [];
  }
}
