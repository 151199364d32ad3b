/**
 * A lesson's promises as checkable data: each claim names a metric (an evaluation score or a
 * training metric), how it must move from the run's start to its end, and by how much. The lesson
 * panel ticks them live as a run streams; `npm run lesson` checks them over several seeds. Pure
 * functions of the run record, so the page, the CLI and the tests read one verdict.
 */
import type { MetricName } from '../dpo/metric-names';
import type { EvalPoint, MetricPoint } from '../runs/run-record';
import { type EvalRecord } from '../eval/eval-record';

export type EvalKey = keyof EvalRecord;

/** `eval:KEY` is measured on held-out scenes; any other name is a logged training metric. */
export type ClaimMetric = `eval:${EvalKey}` | MetricName;

export interface Claim {
  /** What a student should see, in words ("CHAIR_i falls by at least half"). */
  text: string;
  metric: ClaimMetric;
  /**
   * falls / rises: from the start to the end, by at least `by` (0 = any amount);
   * holds: the end stays within `by` of the start; no-rise: it ends at most `by` above the start;
   * above / below: the end passes `value`.
   */
  change: 'falls' | 'rises' | 'holds' | 'no-rise' | 'above' | 'below';
  /** In the metric's own units (evaluation scores are fractions: 0.2 is 20 points). */
  by?: number;
  /** `by` is a fraction of the start value instead (0.5 = by half). */
  relative?: boolean;
  value?: number;
}

/** seen: holds now and the run is over; holding: holds so far; not-yet: does not hold so far; not-seen: the run ended without it. */
export type ClaimStatus = 'seen' | 'holding' | 'not-yet' | 'not-seen' | 'waiting';

export interface ClaimResult {
  claim: Claim;
  status: ClaimStatus;
  start?: number;
  end?: number;
  /** The measured numbers, in words ("25.5% -> 2.8%"). */
  measured: string;
}

export interface ClaimRun {
  history: readonly MetricPoint[];
  evals: readonly EvalPoint[];
  /** True once no more steps will come (done, stopped or failed). */
  finished: boolean;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function evalKeyOf(metric: ClaimMetric): EvalKey | undefined {
  return metric.startsWith('eval:') ? (metric.slice(5) as EvalKey) : undefined;
}

/** The metric's start and latest values in this run, or undefined while it has fewer than two measurements. */
export function claimEnds(run: Pick<ClaimRun, 'history' | 'evals'>, metric: ClaimMetric): [number, number] | undefined {
  const key = evalKeyOf(metric);
  if (key) {
    const values = run.evals.map((e) => e.summary[key]).filter(finite);
    return values.length >= 2 ? [values[0]!, values.at(-1)!] : undefined;
  }
  // Logged points are already means over their logging interval: the first and the latest are what the charts show.
  const values = run.history.map((p) => p.metrics[metric as MetricName]).filter(finite);
  return values.length >= 2 ? [values[0]!, values.at(-1)!] : undefined;
}

export function claimHolds(claim: Claim, start: number, end: number): boolean {
  const amount = (claim.by ?? 0) * (claim.relative ? Math.abs(start) : 1);
  // 1e-9: 0.8 - 0.7 is 0.10000000000000009 in floats; a claim "by 0.1" must not hinge on that.
  switch (claim.change) {
    case 'falls':
      return start - end > amount - 1e-9 && end < start;
    case 'rises':
      return end - start > amount - 1e-9 && end > start;
    case 'holds':
      return Math.abs(end - start) <= amount + 1e-9;
    case 'no-rise':
      return end - start <= amount + 1e-9;
    case 'above':
      return end > claim.value!;
    case 'below':
      return end < claim.value!;
  }
}

/** A value as students read it: evaluation scores in percent, training metrics as numbers. */
export function formatClaimValue(metric: ClaimMetric, value: number): string {
  if (evalKeyOf(metric)) return `${(100 * value).toFixed(1)}%`;
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

export function checkClaim(claim: Claim, run: ClaimRun): ClaimResult {
  const ends = claimEnds(run, claim.metric);
  if (!ends) return { claim, status: run.finished ? 'not-seen' : 'waiting', measured: 'not measured yet' };
  const [start, end] = ends;
  const holds = claimHolds(claim, start, end);
  const status: ClaimStatus = run.finished ? (holds ? 'seen' : 'not-seen') : holds ? 'holding' : 'not-yet';
  const measured = `${formatClaimValue(claim.metric, start)} → ${formatClaimValue(claim.metric, end)}`;
  return { claim, status, start, end, measured };
}

export function checkClaims(claims: readonly Claim[], run: ClaimRun): ClaimResult[] {
  return claims.map((claim) => checkClaim(claim, run));
}

/** One claim over several seeds: how often it held, and its end value's mean, sample std and range. */
export interface ClaimSpread {
  claim: Claim;
  held: number;
  runs: number;
  /** "98.7% → 93.9% ± 1.4 (92.4..95.5)" */
  measured: string;
}

export function claimSpread(results: readonly ClaimResult[]): ClaimSpread | undefined {
  const claim = results[0]?.claim;
  if (!claim) return undefined;
  const measured = results.filter((r) => r.start !== undefined && r.end !== undefined);
  const held = results.filter((r) => r.status === 'seen' || r.status === 'holding').length;
  if (measured.length === 0) return { claim, held, runs: results.length, measured: 'not measured' };
  const starts = measured.map((r) => r.start!);
  const ends = measured.map((r) => r.end!);
  const m = mean(ends);
  const sd = ends.length > 1 ? Math.sqrt(ends.reduce((a, x) => a + (x - m) ** 2, 0) / (ends.length - 1)) : 0;
  const scale = evalKeyOf(claim.metric) ? 100 : 1;
  const show = (x: number) => formatClaimValue(claim.metric, x);
  const sdText = scale === 100 ? (100 * sd).toFixed(1) : show(sd);
  const range = `${show(Math.min(...ends))}..${show(Math.max(...ends))}`;
  return { claim, held, runs: results.length, measured: `${show(mean(starts))} → ${show(m)} ± ${sdText} (${range})` };
}
