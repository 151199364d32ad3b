/**
 * Every run the user made, as runes, persisted in IndexedDB after each change (debounced), so a
 * reload keeps them. Runs that were training when the page went away come back as "stopped".
 */
import { createStore, del, entries, set } from 'idb-keyval';
import type { PlaygroundConfig } from '../../core/playground/controls';
import { isFinished, nextRunColour, paletteColour, type RunRecord } from '../../core/playground/runs';
import type { RunUpdate } from '../../core/playground/training-loop';

const store = () => createStore('dpo-playground-runs', 'runs');

class RunsState {
  list = $state<RunRecord[]>([]);
  loaded = $state(false);
  private dirty = new Set<string>();
  private timer?: ReturnType<typeof setTimeout>;

  async load(): Promise<void> {
    const saved = (await entries<string, RunRecord>(store())).map(([, run]) => run).sort((a, b) => a.createdAt - b.createdAt);
    for (const run of saved) {
      // Runs saved before colours were checked on import may carry any CSS text.
      run.colour = paletteColour(run.colour) ?? nextRunColour(saved.filter((r) => r !== run));
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
    const run: RunRecord = {
      id: `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
      name,
      colour: nextRunColour(this.list),
      config: { ...config },
      status: 'queued',
      createdAt: Date.now(),
      step: 0,
      history: [],
      evals: [],
      events: [],
      sweepId,
      visible: true,
    };
    this.list.push(run);
    this.save(run.id);
    return this.get(run.id)!;
  }

  /** Fold a batched update from the worker into the run. */
  apply(id: string, update: RunUpdate): void {
    const run = this.get(id);
    if (!run) return;
    run.status = update.status;
    run.step = update.step;
    if (update.points.length > 0) run.history.push(...update.points);
    if (update.evals.length > 0) run.evals.push(...update.evals);
    if (update.events.length > 0) run.events.push(...update.events);
    if (update.error) run.error = update.error;
    this.save(id);
  }

  /** Resuming from a recovery checkpoint: forget what came after it. */
  rewind(id: string, step: number): void {
    const run = this.get(id);
    if (!run) return;
    run.history = run.history.filter((p) => p.step <= step);
    run.evals = run.evals.filter((e) => e.step <= step);
    run.step = step;
    run.error = undefined;
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
    await Promise.all(
      ids.map((id) => {
        const run = this.get(id);
        return run ? set(id, $state.snapshot(run), store()) : Promise.resolve();
      }),
    );
  }
}

export const runsState = new RunsState();
