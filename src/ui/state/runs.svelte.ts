/**
 * Every run the user made, as runes, persisted in IndexedDB after each change (debounced), so a
 * reload keeps them. Runs that were training when the page went away come back as "stopped".
 * When storage fails (full, or unavailable as in some private windows) the runs stay in the tab,
 * the page says so once, and the writes are retried with the next change. Other tabs hear about
 * saved runs (BroadcastChannel) and show them too.
 */
import { createStore, del, entries, get, set } from 'idb-keyval';
import type { PlaygroundConfig } from '../../core/settings/controls';
import { applyRunUpdate, createRun, isFinished, nextRunColour, paletteColour, rewindRun, type RunRecord } from '../../core/runs/run-record';
import { readRun } from '../../core/runs/run-files';
import { readSweepRecords, type SweepRecord } from '../../core/sweeps/sweep-progress';
import type { RunUpdate } from '../../core/session/training-loop';

const store = () => createStore('dpo-playground-runs', 'runs');

/** A storage failure in words a student can act on. */
export function describeStorageFailure(error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  const why =
    name === 'QuotaExceededError'
      ? "the browser's storage for this site is full"
      : 'the browser does not allow storage here (a private window, or site data blocked)';
  return `Runs cannot be saved: ${why}. They stay in this tab until it closes: export them (Runs JSON) to keep them.`;
}

/** A stored run's colour if it is a palette entry, else a free one: older or other tabs' records may carry any CSS text. */
function storedColour(run: RunRecord, others: readonly RunRecord[]): string {
  return paletteColour(run.colour) ?? nextRunColour(others.filter((r) => r !== run));
}

/**
 * A run as this browser stored it, read by the importer's reader: runs saved by an earlier version
 * (settings under their link names, evaluations without later scores) come back in today's shape.
 * One the reader refuses is shown as it was saved rather than lost.
 */
function storedRun(raw: RunRecord): RunRecord {
  try {
    return readRun(raw, `saved run ${raw.id}`, [], []);
  } catch {
    return raw;
  }
}

/** The sweeps queued in this browser, newest last (a few, small): how many runs each planned. */
const SWEEPS = 'dpo-playground:sweeps';
const KEPT_SWEEPS = 20;

function storedSweeps(): SweepRecord[] {
  try {
    return readSweepRecords(JSON.parse(localStorage.getItem(SWEEPS) ?? '[]'));
  } catch {
    return [];
  }
}

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('dpo-playground-runs') : undefined;

class RunsState {
  list = $state<RunRecord[]>([]);
  loaded = $state(false);
  /** Set while runs cannot be written (the page shows it); cleared by the next successful write. */
  storageProblem = $state<string | null>(null);
  /** Each sweep's plan beside its runs: a reload rebuilds its results and "n of N" from both. */
  sweeps = $state<SweepRecord[]>([]);
  private dirty = new Set<string>();
  /** Runs created in this tab: another tab's copy of them is never newer. */
  private own = new Set<string>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor() {
    // Another tab saved runs: show them here too (never replacing one this tab made).
    channel?.addEventListener('message', (event: MessageEvent<{ ids: string[] }>) => void this.receive(event.data.ids));
  }

  private async receive(ids: string[]): Promise<void> {
    for (const id of ids) {
      if (this.own.has(id)) continue;
      const raw = await get<RunRecord>(id, store()).catch(() => undefined);
      if (!raw) continue;
      const run = storedRun(raw);
      run.colour = storedColour(run, this.list);
      const at = this.list.findIndex((r) => r.id === id);
      if (at >= 0) this.list[at] = run;
      else this.list.push(run);
    }
  }

  async load(): Promise<void> {
    this.sweeps = storedSweeps();
    let stored: [string, RunRecord][];
    try {
      stored = await entries<string, RunRecord>(store());
    } catch (error) {
      this.loaded = true;
      this.storageProblem = describeStorageFailure(error);
      return;
    }
    const saved = stored.map(([, run]) => storedRun(run)).sort((a, b) => a.createdAt - b.createdAt);
    for (const run of saved) {
      run.colour = storedColour(run, saved);
      if (!isFinished(run.status)) {
        run.status = 'stopped';
        run.events.push(`interrupted at step ${run.step} when the page closed; "Resume" continues from its last evaluation`);
      }
    }
    this.list = saved;
    this.loaded = true;
  }

  get(id: string): RunRecord | undefined {
    return this.list.find((r) => r.id === id);
  }

  create(config: PlaygroundConfig, name: string, sweepId?: string): RunRecord {
    const run = createRun(config, { name, colour: nextRunColour(this.list), sweepId });
    this.list.push(run);
    this.own.add(run.id);
    this.save(run.id);
    return this.get(run.id)!;
  }

  /** Remember a sweep's plan (kept when storage fails: the runs say as much as they can without it). */
  addSweep(record: SweepRecord): void {
    this.sweeps = [...this.sweeps, record].slice(-KEPT_SWEEPS);
    try {
      localStorage.setItem(SWEEPS, JSON.stringify(this.sweeps));
    } catch {
      // The runs' storage reports the problem; without the record the sweep counts the runs it has.
    }
  }

  /** Add the imported runs this tab does not have yet (by id) and save them; returns those added. */
  addImported(runs: readonly RunRecord[]): RunRecord[] {
    const known = new Set(this.list.map((r) => r.id));
    const fresh = runs.filter((r) => !known.has(r.id));
    for (const run of fresh) {
      this.list.push(run);
      this.save(run.id);
    }
    return fresh;
  }

  /** Fold a batched update from the worker into the run. */
  apply(id: string, update: RunUpdate): void {
    const run = this.get(id);
    if (!run) return;
    this.own.add(id);
    applyRunUpdate(run, update);
    this.save(id);
  }

  /** Resuming from a recovery checkpoint: forget what came after it. */
  rewind(id: string, step: number): void {
    const run = this.get(id);
    if (!run) return;
    rewindRun(run, step);
    this.save(id);
  }

  update(id: string, change: Partial<Pick<RunRecord, 'name' | 'visible' | 'status' | 'error'>>): void {
    const run = this.get(id);
    if (!run) return;
    Object.assign(run, change);
    this.save(id);
  }

  async remove(id: string): Promise<void> {
    this.list = this.list.filter((r) => r.id !== id);
    this.dirty.delete(id);
    await del(id, store());
  }

  /** Write changed runs at most every 500 ms (a run streams several updates a second). */
  save(id: string): void {
    this.dirty.add(id);
    this.timer ??= setTimeout(() => void this.flush(), 500);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = [...this.dirty];
    this.dirty.clear();
    const results = await Promise.allSettled(
      ids.map((id) => {
        const run = this.get(id);
        return run ? set(id, $state.snapshot(run), store()) : Promise.resolve();
      }),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ id: ids[i]!, error: r.reason as unknown }] : []));
    // Nothing is lost: what could not be written is written with the next change.
    for (const { id } of failed) this.dirty.add(id);
    if (failed.length > 0) this.storageProblem = describeStorageFailure(failed[0]!.error);
    else this.storageProblem = null;
    const saved = ids.filter((id) => !failed.some((f) => f.id === id));
    if (saved.length > 0) channel?.postMessage({ ids: saved });
  }
}

export const runsState = new RunsState();
