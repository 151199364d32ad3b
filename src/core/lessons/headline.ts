/**
 * The result of a run said at once: what changed from the SFT start on the key scores, as numbers
 * and in words a student understands ("CHAIR_i 25.5% -> 2.8%, Cover 99.0% -> 96.0%: fewer invented
 * objects, nearly all true ones still named"). Shown at the top of the page and announced.
 */
import type { EvalPoint } from '../runs/run-record';
import { type EvalRecord } from '../eval/eval-record';
import type { EvalKey } from './claims';

export interface Headline {
  /** "CHAIR_i 25.5% → 2.8%, Cover 99.0% → 96.0%" */
  numbers: string;
  /** "fewer invented objects, nearly all true ones still named" */
  words: string;
  /** The step of the evaluation it reads. */
  step: number;
}

const LABELS: Partial<Record<EvalKey, string>> = {
  chair_i: 'CHAIR_i',
  chair_s: 'CHAIR_s',
  cover: 'Cover',
  injection: 'injection',
  count_error: 'count error',
  hall_rate: 'false answers',
  pope_acc: 'POPE accuracy',
  acc_existence: 'existence accuracy',
  acc_attribute: 'attribute accuracy',
  acc_counting: 'counting accuracy',
  acc_relation: 'relation accuracy',
  acc_comparison: 'comparison accuracy',
  acc_holistic: 'holistic accuracy',
};

/** Scores where lower is better (errors and hallucination rates). */
const LOWER_IS_BETTER = new Set<EvalKey>(['chair_i', 'chair_s', 'attr_error', 'count_error', 'injection', 'hall_rate']);

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function chairWords(start: number, end: number): string {
  if (end <= start * 0.5 && start - end > 0.02) return 'far fewer invented objects';
  if (start - end > 0.02) return 'fewer invented objects';
  if (end - start > 0.02) return 'more invented objects than at the start';
  return 'about as many invented objects as at the start';
}

function coverWords(start: number, end: number): string {
  const drop = start - end;
  if (drop <= 0.05) return end >= 0.9 ? 'nearly all true ones still named' : 'as many true objects named as before';
  if (drop <= 0.2) return 'some true objects no longer named';
  return 'many true objects no longer named: the captions say less';
}

function genericWords(key: EvalKey, start: number, end: number): string {
  const label = LABELS[key] ?? key;
  if (Math.abs(end - start) <= 0.02) return `${label} about the same`;
  const better = LOWER_IS_BETTER.has(key) ? end < start : end > start;
  return `${label} ${better ? 'better' : 'worse'}`;
}

/**
 * The headline of a run from its evaluations (evals[0] is the starting model), over `keys`
 * (CHAIR_i and Cover unless a lesson names others); undefined before a second evaluation.
 */
export function runHeadline(evals: readonly EvalPoint[], keys: readonly EvalKey[] = ['chair_i', 'cover']): Headline | undefined {
  if (evals.length < 2) return undefined;
  const start: EvalRecord = evals[0]!.summary;
  const latest = evals.at(-1)!;
  const end = latest.summary;
  const shown = keys.filter((k) => Number.isFinite(start[k]) && Number.isFinite(end[k]));
  if (shown.length === 0) return undefined;
  const numbers = shown.map((k) => `${LABELS[k] ?? k} ${pct(start[k])} → ${pct(end[k])}`).join(', ');
  const words = shown
    .map((k) =>
      k === 'chair_i' ? chairWords(start[k], end[k]) : k === 'cover' ? coverWords(start[k], end[k]) : genericWords(k, start[k], end[k]),
    )
    .join(', ');
  return { numbers, words, step: latest.step };
}

/** The scores a lesson's headline reads: CHAIR_i and Cover, then what its claims are about (four at most, to stay one line). */
export function headlineKeys(claims: readonly { metric: string }[] = []): EvalKey[] {
  const keys: EvalKey[] = ['chair_i', 'cover'];
  for (const { metric } of claims) {
    const key = metric.startsWith('eval:') ? (metric.slice(5) as EvalKey) : undefined;
    if (key && !keys.includes(key)) keys.push(key);
  }
  return keys.slice(0, 4);
}
