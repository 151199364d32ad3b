/**
 * A run without a page: a RunSession driven to its end by the same TrainingLoop the worker uses,
 * keeping what the page's runs table keeps (metric history, evaluations, events). The CLI's train
 * and sweep run through it, so a link and a command with the same settings give the same run.
 */
import type { PlaygroundConfig } from './controls';
import { RunSession, type Model } from './run-session';
import { TrainingLoop, type RunUpdate } from './training-loop';
import type { EvalPoint, MetricPoint, RunStatus } from './runs';

export interface HeadlessRun {
  status: RunStatus;
  step: number;
  history: MetricPoint[];
  /** evals[0] is the starting model (step 0). */
  evals: EvalPoint[];
  events: string[];
  error?: string;
  /** Wall time from start to end, evaluations included. */
  seconds: number;
}

export interface HeadlessOptions {
  /** Every update as the loop sends it (progress, evaluations, events). */
  onUpdate?: (update: RunUpdate) => void;
  /** Called with the finished session before it is disposed (to save the trained policy). */
  beforeDispose?: (session: RunSession) => Promise<void>;
}

/** Train `config` from `start` to the end; the starting model is left as it was. */
export async function runHeadless(start: Model, config: PlaygroundConfig, options: HeadlessOptions = {}): Promise<HeadlessRun> {
  const started = performance.now();
  const run: HeadlessRun = { status: 'queued', step: 0, history: [], evals: [], events: [], seconds: 0 };
  const session = new RunSession(start, config);
  try {
    const loop = new TrainingLoop(
      session,
      (update) => {
        run.status = update.status;
        run.step = update.step;
        run.history.push(...update.points);
        run.evals.push(...update.evals);
        run.events.push(...update.events);
        if (update.error) run.error = update.error;
        options.onUpdate?.(update);
      },
      { evalEvery: config.evalevery, flushMs: 0, galleryCount: 0 },
    );
    await loop.run();
    await options.beforeDispose?.(session);
  } finally {
    session.dispose();
  }
  run.seconds = (performance.now() - started) / 1000;
  return run;
}
