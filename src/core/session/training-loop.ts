/**
 * Play, pause, single step and stop around a RunSession, with metrics streamed in batches: the
 * loop collects logged points and flushes them at most every `flushMs`, so the page gets a few
 * messages per second however fast the steps are. Between steps it yields to the event loop so
 * pause and stop requests (messages to the worker) are handled promptly.
 */
import type { RunSession, ComparedCaption, InspectedPair } from './run-session';
import type { EvalPoint, MetricPoint, RunStatus } from '../runs/run-record';
import { type EvalRecord } from '../eval/eval-record';

export interface RunUpdate {
  status: RunStatus;
  step: number;
  totalSteps: number;
  /** Training steps per second over the last flush window (evals excluded). */
  stepsPerSecond: number;
  points: MetricPoint[];
  evals: EvalPoint[];
  events: string[];
  /** The latest batch's pairs, when new. */
  pairs?: InspectedPair[];
  /** Policy vs reference captions, refreshed at each eval. */
  gallery?: ComparedCaption[];
  /** What the run is busy with, in words (building pairs, evaluating, ...). */
  activity?: string;
  error?: string;
}

export interface LoopOptions {
  /** Evaluate every N steps (0 = only at the start and the end). */
  evalEvery: number;
  flushMs: number;
  /** Held-out scenes the gallery captions at each eval (0 = no gallery). */
  galleryCount: number;
  /** Called after each eval with the step (the worker saves a recovery checkpoint there). */
  afterEval?: (step: number) => Promise<void>;
  /** The starting model's scores when already known (same model, world and eval size): skips re-evaluating it. */
  baseline?: EvalRecord;
  /** Hears the starting model's scores once computed (for such a cache). */
  onBaseline?: (summary: EvalRecord) => void;
}

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class TrainingLoop {
  status: RunStatus = 'queued';
  private pending: Omit<RunUpdate, 'status' | 'step' | 'totalSteps' | 'stepsPerSecond'> = { points: [], evals: [], events: [] };
  private lastFlush = 0;
  private windowSteps = 0;
  private windowSeconds = 0;
  private stepsPerSecond = 0;
  private wake?: () => void;
  private singleSteps: (() => void)[] = [];
  private stopRequested = false;
  private pauseRequested = false;
  private evaluatedAt = -1;
  /** The starting model is evaluated right after step 1, so the first chart point is not delayed. */
  private baselinePending = false;

  constructor(
    private readonly session: RunSession,
    private readonly onUpdate: (update: RunUpdate) => void,
    private readonly options: LoopOptions,
  ) {}

  /** Prepare, then train until done or stopped (resolves then); the starting model is evaluated after step 1. */
  async run(options: { startPaused?: boolean; skipBaseline?: boolean } = {}): Promise<void> {
    this.pauseRequested = options.startPaused ?? false;
    try {
      this.setStatus('preparing', 'building the preference data');
      await this.session.prepare((message) => this.setStatus('preparing', message));
      this.baselinePending = !options.skipBaseline;
      while (!this.stopRequested && !this.session.done) {
        if (this.pauseRequested && this.singleSteps.length === 0) {
          this.setStatus('paused');
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        if (this.status !== 'running') this.setStatus('running');
        await this.trainOneStep();
        this.singleSteps.shift()?.();
        await yieldToEvents();
        if (performance.now() - this.lastFlush > this.options.flushMs) this.flush();
      }
      if (this.session.step > 0 && this.evaluatedAt !== this.session.step) await this.evaluate('final evaluation');
      this.setStatus(this.stopRequested && !this.session.done ? 'stopped' : 'done');
    } catch (error) {
      this.pending.error = (error as Error).message;
      this.setStatus('failed');
    } finally {
      for (const resolve of this.singleSteps.splice(0)) resolve();
    }
  }

  pause(): void {
    this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
    this.wake?.();
  }

  /** One step while paused; resolves when it is done (and its metrics flushed). */
  stepOnce(): Promise<void> {
    if (this.session.done || this.stopRequested) return Promise.resolve();
    this.pauseRequested = true;
    const done = new Promise<void>((resolve) => this.singleSteps.push(resolve));
    this.wake?.();
    return done;
  }

  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  private async trainOneStep(): Promise<void> {
    const started = performance.now();
    const result = await this.session.trainStep();
    this.windowSeconds += (performance.now() - started) / 1000;
    this.windowSteps++;
    if (result.point) this.pending.points.push(result.point);
    if (result.events.length > 0) this.pending.events.push(...result.events);
    if (result.pairs.length > 0) this.pending.pairs = result.pairs;
    if (this.baselinePending) {
      this.baselinePending = false;
      this.flush();
      if (this.options.baseline) this.pending.evals.push({ step: 0, summary: this.options.baseline });
      else await this.evaluate('evaluating the starting model', 0);
    }
    const { evalEvery } = this.options;
    if (evalEvery > 0 && this.session.step % evalEvery === 0 && !this.session.done) await this.evaluate('evaluating hallucination');
    if (this.singleSteps.length > 0) this.flush();
  }

  /** Evaluate the policy now, or (step 0) the starting model as the baseline. */
  private async evaluate(activity: string, step = this.session.step): Promise<void> {
    this.pending.activity = activity;
    this.flush();
    const summary = await this.session.evaluate(step === 0 ? this.session.startingWeights : this.session.policy);
    this.pending.evals.push({ step, summary });
    if (step === 0) this.options.onBaseline?.(summary);
    if (this.options.galleryCount > 0) this.pending.gallery = await this.session.compare(this.options.galleryCount);
    if (step > 0) {
      this.evaluatedAt = step;
      await this.options.afterEval?.(step);
    }
    this.flush();
  }

  private setStatus(status: RunStatus, activity?: string): void {
    this.status = status;
    this.pending.activity = activity;
    this.flush();
  }

  /** Send everything collected since the last flush as one update. */
  flush(): void {
    if (this.windowSteps > 0 && this.windowSeconds > 0) {
      this.stepsPerSecond = this.windowSteps / this.windowSeconds;
      this.windowSteps = 0;
      this.windowSeconds = 0;
    }
    const update: RunUpdate = {
      status: this.status,
      step: this.session.step,
      totalSteps: this.session.totalSteps,
      stepsPerSecond: this.stepsPerSecond,
      ...this.pending,
    };
    this.pending = { points: [], evals: [], events: [] };
    this.lastFlush = performance.now();
    this.onUpdate(update);
  }
}
