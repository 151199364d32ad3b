/**
 * What the playground keeps of every run: its configuration, the metric history streamed from the
 * trainer, the hallucination evaluations, and plain-words events. Plain data (structured-clone and
 * JSON safe) so runs persist in IndexedDB and export as JSON/CSV.
 */
import type { EvalReport } from '../eval/evaluate';
import type { Metrics } from '../dpo/metric-names';
import type { ControlKey, PlaygroundConfig } from './controls';

/** One logging step: TRL metric names (loss, rewards/margins, ...) and their interval means. */
export interface MetricPoint {
  step: number;
  metrics: Metrics;
}

/**
 * The hallucination panel's numbers; POPE is the adversarial split (where co-occurrence bites),
 * `acc_*` the accuracy per question category, `hall_rate` the share of all answers that are false.
 */
export interface EvalSummary {
  chair_i: number;
  chair_s: number;
  cover: number;
  attr_error: number;
  count_error: number;
  pope_acc: number;
  pope_f1: number;
  pope_yes_ratio: number;
  injection: number;
  hall_rate: number;
  acc_existence: number;
  acc_attribute: number;
  acc_counting: number;
  acc_relation: number;
  acc_comparison: number;
  acc_holistic: number;
}

export const EVAL_KEYS = [
  'chair_i',
  'chair_s',
  'cover',
  'attr_error',
  'count_error',
  'pope_acc',
  'pope_f1',
  'pope_yes_ratio',
  'injection',
  'hall_rate',
  'acc_existence',
  'acc_attribute',
  'acc_counting',
  'acc_relation',
  'acc_comparison',
  'acc_holistic',
] as const satisfies readonly (keyof EvalSummary)[];

/** Keys that runs exported before question categories and signs existed lack (read as n/a). */
export const LATER_EVAL_KEYS: readonly (keyof EvalSummary)[] = EVAL_KEYS.slice(EVAL_KEYS.indexOf('injection'));

export interface EvalPoint {
  step: number;
  summary: EvalSummary;
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
}

export function summarizeEval(report: EvalReport): EvalSummary {
  const pope = report.pope.adversarial;
  return {
    chair_i: report.chair_i,
    chair_s: report.chair_s,
    cover: report.cover,
    attr_error: report.attr_error,
    count_error: report.count_error,
    pope_acc: pope.acc,
    pope_f1: pope.f1,
    pope_yes_ratio: pope.yes_ratio,
    injection: report.injection,
    hall_rate: report.hallucination_rate,
    acc_existence: report.categories.existence,
    acc_attribute: report.categories.attribute,
    acc_counting: report.categories.counting,
    acc_relation: report.categories.relation,
    acc_comparison: report.categories.comparison,
    acc_holistic: report.categories.holistic,
  };
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

export function latestEval(run: RunRecord): EvalSummary | undefined {
  return run.evals.at(-1)?.summary;
}

export type { ControlKey };
