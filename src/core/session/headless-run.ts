/**
 * A run without a page: a RunSession driven to its end by the same TrainingLoop the worker uses,
 * written into the same RunRecord the page keeps (so `train --json`, a sweep's results.json and the
 * page's export are one format). The CLI's train, sweep and lesson run through it, so a link and a
 * command with the same settings give the same run.
 */
import type { PlaygroundConfig } from '../settings/controls';
import { RunSession, type Model } from './run-session';
import { TrainingLoop, type RunUpdate } from './training-loop';
import { applyRunUpdate, createRun, RUN_COLOURS, type RunRecord } from '../runs/run-record';
import { runNameFor } from '../runs/run-name';

export interface HeadlessOptions {
  /** The run's name and colour (default: named from its settings, the palette's first colour). */
  name?: string;
  colour?: string;
  sweepId?: string;
  /** Every update as the loop sends it (progress, evaluations, events). */
  onUpdate?: (update: RunUpdate) => void;
  /** Called with the finished session before it is disposed (to save the trained policy). */
  beforeDispose?: (session: RunSession) => Promise<void>;
}

/** Train `config` from `start` to the end; the starting model is left as it was. */
export async function runHeadless(start: Model, config: PlaygroundConfig, options: HeadlessOptions = {}): Promise<RunRecord> {
  const started = performance.now();
  const run = createRun(config, {
    name: options.name ?? runNameFor(config),
    colour: options.colour ?? RUN_COLOURS[0]!,
    sweepId: options.sweepId,
  });
  const session = new RunSession(start, config);
  try {
    const loop = new TrainingLoop(
      session,
      (update) => {
        applyRunUpdate(run, update);
        options.onUpdate?.(update);
      },
      { evalEvery: config.evalEvery, flushMs: 0, galleryCount: 0 },
    );
    await loop.run();
    await options.beforeDispose?.(session);
  } finally {
    session.dispose();
  }
  run.seconds = (performance.now() - started) / 1000;
  return run;
}
