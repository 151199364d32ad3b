/**
 * The one record of a run, whoever trained it (the page's worker, `npm run train`, a sweep, a
 * lesson check): its configuration, the metric history streamed from the trainer, the
 * hallucination evaluations, and plain-words events. Plain data (structured-clone and JSON safe)
 * so runs persist in IndexedDB, export as JSON/CSV and import back. Every writer builds it with
 * createRun and folds the trainer's updates in with applyRunUpdate.
 */
import type { EvalRecord } from '../eval/eval-record';
import type { Metrics } from '../dpo/metric-names';
import type { PlaygroundConfig, SettingName } from '../settings/controls';
import type { RunUpdate } from '../session/training-loop';

/** One logging step: TRL metric names (loss, rewards/margins, ...) and their interval means. */
export interface MetricPoint {
  step: number;
  metrics: Metrics;
}

export interface EvalPoint {
  step: number;
  /** The evaluation's scores (named summary in every saved run). */
  summary: EvalRecord;
}

export const RUN_STATUSES = ['queued', 'preparing', 'running', 'paused', 'done', 'stopped', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses that no trainer will change any more (the others have, or may get, one behind them). */
const FINISHED_STATUSES: readonly RunStatus[] = ['done', 'stopped', 'failed'];

export function isFinished(status: RunStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

export interface RunRecord {
  id: string;
  name: string;
  /** CSS colour used for this run in every chart and table. */
  colour: string;
  config: PlaygroundConfig;
  status: RunStatus;
  createdAt: number;
  /** Last completed step. */
  step: number;
  history: MetricPoint[];
  /** evals[0] is the starting model (step 0), the baseline drawn on the hallucination panel. */
  evals: EvalPoint[];
  events: string[];
  /** Set when the run belongs to a sweep. */
  sweepId?: string;
  error?: string;
  /** Shown in charts when true. */
  visible: boolean;
  /** Wall time from start to end in seconds, evaluations included (kept by runs trained headlessly). */
  seconds?: number;
}

/** A fresh id: time-ordered, with a random tail so runs made in the same millisecond differ. */
export function newRunId(now = Date.now()): string {
  return `run-${now.toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A queued run of `config`, not yet trained. */
export function createRun(config: PlaygroundConfig, fields: { name: string; colour: string; sweepId?: string }): RunRecord {
  const createdAt = Date.now();
  const run: RunRecord = {
    id: newRunId(createdAt),
    name: fields.name,
    colour: fields.colour,
    config: { ...config },
    status: 'queued',
    createdAt,
    step: 0,
    history: [],
    evals: [],
    events: [],
    visible: true,
  };
  if (fields.sweepId !== undefined) run.sweepId = fields.sweepId;
  return run;
}

/** What of a trainer's update the record keeps (RunUpdate in training-loop.ts carries more for the screen). */
export type RunProgress = Pick<RunUpdate, 'status' | 'step' | 'points' | 'evals' | 'events' | 'error'>;

/** Fold one batched update from the trainer into the run (in place: the page's runs are reactive). */
export function applyRunUpdate(run: RunRecord, update: RunProgress): void {
  run.status = update.status;
  run.step = update.step;
  if (update.points.length > 0) run.history.push(...update.points);
  if (update.evals.length > 0) run.evals.push(...update.evals);
  if (update.events.length > 0) run.events.push(...update.events);
  if (update.error) run.error = update.error;
}

/** Resuming from a recovery checkpoint at `step`: forget what came after it. */
export function rewindRun(run: RunRecord, step: number): void {
  run.history = run.history.filter((p) => p.step <= step);
  run.evals = run.evals.filter((e) => e.step <= step);
  run.step = step;
  delete run.error;
}

/** A palette that stays distinguishable for the first ten runs (Tableau 10). */
export const RUN_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/**
 * The run's colour if it is one of the palette's, else undefined. Colours reach inline styles, so
 * a stored or imported run may only name a palette entry, never arbitrary CSS (an `url(...)`).
 */
export function paletteColour(colour: unknown): string | undefined {
  return typeof colour === 'string' && RUN_COLOURS.includes(colour.toLowerCase()) ? colour.toLowerCase() : undefined;
}

export function nextRunColour(existing: readonly RunRecord[]): string {
  const used = new Set(existing.map((r) => r.colour));
  return RUN_COLOURS.find((c) => !used.has(c)) ?? RUN_COLOURS[existing.length % RUN_COLOURS.length]!;
}

/**
 * Steps without preference pairs so far (online samples that all tied), and the step it was
 * counted at: the latest logged count, or undefined when the run never logged one (offline, SFT).
 */
export function noPreferenceSteps(history: readonly MetricPoint[]): { count: number; step: number } | undefined {
  const latest = history.findLast((p) => typeof p.metrics.no_preference_steps === 'number');
  return latest && { count: latest.metrics.no_preference_steps!, step: latest.step };
}

export function latestEval(run: RunRecord): EvalRecord | undefined {
  return run.evals.at(-1)?.summary;
}

export type { SettingName };
