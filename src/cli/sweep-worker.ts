/**
 * One worker thread of `npm run sweep -- --jobs N` (sweep-pool.ts starts it): its own tfjs on the
 * sweep's backend, its own copy of each starting checkpoint read from disk, then one run at a time
 * as the pool hands them out, each trained exactly as the sequential sweep trains it (runHeadless
 * from the same start, the same settings, name and colour), its RunRecord posted back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { disposeWeights } from '../core/model/weights';
import { runHeadless } from '../core/session/headless-run';
import type { Model } from '../core/session/run-session';
import { useNodeBackend, type NodeBackend } from './backend';
import { loadCheckpointDir } from './checkpoint-files';
import type { FromWorker, ToWorker, WorkerSetup } from './sweep-pool';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const backend = await useNodeBackend(setup.backend as NodeBackend);
const starts = new Map<string, Model>();
for (const [model, dir] of setup.checkpoints) starts.set(model, await loadCheckpointDir(dir));

const post = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.kind === 'stop') {
    for (const start of starts.values()) disposeWeights(start.weights);
    // Ends this thread only (tfjs may hold a handle open that would keep it alive).
    process.exit(0);
  }
  const { index, config, name, colour, sweepId } = message;
  runHeadless(starts.get(config.modelSize)!, config, { name, colour, sweepId }).then(
    (run) => post({ kind: 'done', index, run }),
    (error: unknown) => post({ kind: 'failed', index, message: error instanceof Error ? error.message : String(error) }),
  );
});
post({ kind: 'ready', backend });
