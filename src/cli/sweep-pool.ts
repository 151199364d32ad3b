/**
 * A sweep's runs on several cores: `jobs` worker threads (sweep-worker.ts), each with its own tfjs
 * and its own copy of the starting checkpoints, handed the next run of the grid as each finishes.
 * tfjs's WASM backend runs on one thread in Node, so runs in parallel threads use the cores that
 * a sweep run one at a time leaves idle. Every run is trained from the same start with the same
 * settings by the same runHeadless as in the sequential sweep: its numbers do not depend on the
 * thread or on which runs that thread trained before (the CLI test checks --jobs 2 against 1).
 */
import { Worker } from 'node:worker_threads';
import type { PlaygroundConfig } from '../core/settings/controls';
import type { RunRecord } from '../core/runs/run-record';

/** What a worker is started with. */
export interface WorkerSetup {
  backend: string;
  /** Each model size's starting checkpoint directory. */
  checkpoints: [string, string][];
}

/** One run of the grid, by its grid index. */
export interface SweepTask {
  index: number;
  config: PlaygroundConfig;
  name: string;
  colour: string;
  sweepId: string;
}

export type ToWorker = ({ kind: 'run' } & SweepTask) | { kind: 'stop' };
export type FromWorker =
  { kind: 'ready'; backend: string } | { kind: 'done'; index: number; run: RunRecord } | { kind: 'failed'; index: number; message: string };

/**
 * The worker's module is TypeScript: the CLI runs under tsx, whose loader a worker's own entry
 * does not get in Node 20 (execArgv's --import hooks reach imports only after the entry loads), so
 * the worker starts from a line of JavaScript that imports it through tsx's API.
 */
function startWorker(setup: WorkerSetup): Worker {
  const entry = new URL('./sweep-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(code, { eval: true, workerData: setup });
}

/**
 * Train `tasks` on `jobs` threads; `onDone` hears of each run as it finishes (in finishing order).
 * Resolves with every run by grid index; a worker that cannot start or a run that throws stops
 * them all and rejects, as the same error ends the sequential sweep.
 */
export function runInWorkers(
  tasks: readonly SweepTask[],
  jobs: number,
  setup: WorkerSetup,
  onDone: (task: SweepTask, run: RunRecord) => void,
): Promise<Map<number, RunRecord>> {
  const results = new Map<number, RunRecord>();
  const byIndex = new Map(tasks.map((t) => [t.index, t]));
  const queue = [...tasks];
  const workers: Worker[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      for (const worker of workers) void worker.terminate();
      reject(error);
    };
    const next = (worker: Worker) => {
      const task = queue.shift();
      worker.postMessage((task ? { kind: 'run', ...task } : { kind: 'stop' }) satisfies ToWorker);
    };
    for (let i = 0; i < Math.min(jobs, tasks.length); i++) {
      const worker = startWorker(setup);
      workers.push(worker);
      worker.on('message', (message: FromWorker) => {
        // A worker still starting when the others finished every run: nothing left for it.
        if (settled) return void worker.postMessage({ kind: 'stop' } satisfies ToWorker);
        if (message.kind === 'failed') return fail(new Error(`${byIndex.get(message.index)?.name ?? 'a run'}: ${message.message}`));
        if (message.kind === 'done') {
          results.set(message.index, message.run);
          onDone(byIndex.get(message.index)!, message.run);
        }
        next(worker);
        if (results.size === tasks.length) {
          settled = true;
          resolve(results);
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`a sweep worker thread stopped (exit code ${code}) before the sweep finished`));
      });
    }
  });
}
