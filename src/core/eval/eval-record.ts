/**
 * One evaluation as one flat record of rates: what `npm run eval` prints, what a run keeps per
 * evaluation, what the CSV and the sweep tables read. Its type comes from the key list below, so a
 * key cannot exist in one and not the other. Each key says whether files written before it existed
 * may lack it; readers look keys up by name, never by position.
 */
import { POPE_STRATEGIES, type PopeScores, type PopeStrategy } from './pope';
import type { CaptionScores } from './hallucination';
import type { CategoryScores } from './categories';

interface EvalField {
  /** Shown in tables and messages. */
  label: string;
  /** Runs saved before this score existed lack it: read as NaN (shown as n/a), not refused. */
  olderFilesMayLack: boolean;
  /** On the page's hallucination panel and in one-line summaries (the rest are in files and the eval CLI's table). */
  panel: boolean;
}

const always = (label: string, panel = true) => ({ label, olderFilesMayLack: false as const, panel });
const later = (label: string, panel = true) => ({ label, olderFilesMayLack: true as const, panel });

/** POPE's adversarial split keeps the unprefixed names: it is the page's POPE (co-occurrence bites there). */
export const EVAL_FIELDS = {
  chair_i: always('CHAIR_i'),
  chair_s: always('CHAIR_s'),
  cover: always('Cover'),
  attr_error: always('colour error'),
  count_error: always('count error'),
  pope_acc: always('POPE adversarial accuracy'),
  pope_precision: later('POPE adversarial precision', false),
  pope_recall: later('POPE adversarial recall', false),
  pope_f1: always('POPE adversarial F1'),
  pope_yes_ratio: always('POPE adversarial yes-ratio'),
  pope_random_acc: later('POPE random accuracy', false),
  pope_random_precision: later('POPE random precision', false),
  pope_random_recall: later('POPE random recall', false),
  pope_random_f1: later('POPE random F1', false),
  pope_random_yes_ratio: later('POPE random yes-ratio', false),
  pope_popular_acc: later('POPE popular accuracy', false),
  pope_popular_precision: later('POPE popular precision', false),
  pope_popular_recall: later('POPE popular recall', false),
  pope_popular_f1: later('POPE popular F1', false),
  pope_popular_yes_ratio: later('POPE popular yes-ratio', false),
  injection: later('sign injection'),
  hall_rate: later('hallucination rate (all answers)'),
  acc_existence: later('existence accuracy'),
  acc_attribute: later('attribute accuracy'),
  acc_counting: later('counting accuracy'),
  acc_relation: later('relation accuracy'),
  acc_comparison: later('comparison accuracy'),
  acc_holistic: later('holistic accuracy'),
} as const satisfies Record<string, EvalField>;

export type EvalKey = keyof typeof EVAL_FIELDS;
/** Every score of one evaluation, each a rate in 0..1 (NaN where nothing was counted or a file lacked it). */
export type EvalRecord = Record<EvalKey, number>;

export const EVAL_KEYS = Object.keys(EVAL_FIELDS) as EvalKey[];

/** The panel's scores, in order. */
export const PANEL_EVAL_KEYS: readonly EvalKey[] = EVAL_KEYS.filter((key) => EVAL_FIELDS[key].panel);

/** Keys older saved runs may lack. */
export type OptionalEvalKey = { [K in EvalKey]: (typeof EVAL_FIELDS)[K]['olderFilesMayLack'] extends true ? K : never }[EvalKey];
export const OPTIONAL_EVAL_KEYS = EVAL_KEYS.filter((key) => EVAL_FIELDS[key].olderFilesMayLack) as OptionalEvalKey[];

/** The record from the evaluator's parts (POPE per split, accuracy per question category). */
export function evalRecord(parts: {
  captions: CaptionScores;
  count_error: number;
  pope: Record<PopeStrategy, PopeScores>;
  categories: CategoryScores;
  hall_rate: number;
  injection: number;
}): EvalRecord {
  const pope = Object.fromEntries(
    POPE_STRATEGIES.flatMap((strategy) => {
      const prefix = strategy === 'adversarial' ? 'pope' : `pope_${strategy}`;
      return Object.entries(parts.pope[strategy]).map(([metric, value]) => [`${prefix}_${metric}`, value]);
    }),
  );
  const record = {
    ...parts.captions,
    count_error: parts.count_error,
    ...pope,
    injection: parts.injection,
    hall_rate: parts.hall_rate,
    ...Object.fromEntries(Object.entries(parts.categories).map(([category, value]) => [`acc_${category}`, value])),
  } as EvalRecord;
  // Built by name from its parts: fail loudly here if a part and the key list ever disagree.
  const missing = EVAL_KEYS.filter((key) => typeof record[key] !== 'number');
  if (missing.length > 0) throw new Error(`evaluation record lacks ${missing.join(', ')}`);
  return evalRecordOf(record);
}

/** POPE's numbers of one split, read back from the flat record. */
export function popeSplit(record: EvalRecord, strategy: PopeStrategy): PopeScores {
  const prefix = strategy === 'adversarial' ? 'pope' : `pope_${strategy}`;
  const at = (metric: keyof PopeScores) => record[`${prefix}_${metric}` as EvalKey];
  return { acc: at('acc'), precision: at('precision'), recall: at('recall'), f1: at('f1'), yes_ratio: at('yes_ratio') };
}

/** Just the scores of a report (the eval CLI's JSON adds what they were measured on). */
export function evalRecordOf(report: EvalRecord): EvalRecord {
  return Object.fromEntries(EVAL_KEYS.map((key) => [key, report[key]])) as EvalRecord;
}
