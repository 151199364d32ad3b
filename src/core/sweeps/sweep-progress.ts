/**
 * Where a sweep stands: how many of its planned runs finished, or that it was stopped. Runs carry
 * their sweep's id; the plan's size is kept beside them as a SweepRecord, since queued runs that
 * never started (Stop, a reload) leave no run behind.
 */
import * as v from 'valibot';
import { CONTROLS, settingNameOf, type SettingName } from '../settings/controls';
import type { RunStatus } from '../runs/run-record';
import { MAX_SWEEP_RUNS } from './sweep-plan';

export interface SweepRecord {
  id: string;
  createdAt: number;
  /** How many runs the sweep queued. */
  total: number;
  /** Its swept settings by name, outermost first (the results' labels). */
  dimensions: SettingName[];
}

/** A stored record as read back (another version, or edited by hand): anything else is dropped. */
const RecordSchema = v.object({
  id: v.pipe(v.string(), v.maxLength(100)),
  createdAt: v.pipe(v.number(), v.finite()),
  total: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_SWEEP_RUNS)),
  // By name, or (records stored before settings had names in code) by URL key: both read as names.
  dimensions: v.pipe(
    v.array(v.pipe(v.string(), v.transform(settingNameOf), v.picklist(CONTROLS.map((c) => c.name)))),
    v.maxLength(CONTROLS.length),
  ),
});

export function readSweepRecords(raw: unknown): SweepRecord[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => {
    const parsed = v.safeParse(RecordSchema, item);
    return parsed.success ? [parsed.output] : [];
  });
}

/**
 * The sweep to show: the newest one that has runs or runs waiting (`waiting`: the queue's sweep
 * ids), with its record; without one (runs imported, or from another tab) as many runs as it has.
 */
export function currentSweep(
  runs: readonly { sweepId?: string; createdAt: number }[],
  records: readonly SweepRecord[],
  waiting: readonly string[] = [],
): Pick<SweepRecord, 'id' | 'total' | 'dimensions'> | undefined {
  let newest: { id: string; createdAt: number } | undefined;
  const consider = (id: string | undefined, createdAt: number) => {
    if (id && (!newest || createdAt >= newest.createdAt)) newest = { id, createdAt };
  };
  for (const run of runs) consider(run.sweepId, run.createdAt);
  for (const record of records) if (waiting.includes(record.id)) consider(record.id, record.createdAt);
  if (!newest) return undefined;
  const { id } = newest;
  const record = records.find((r) => r.id === id);
  const count = runs.filter((r) => r.sweepId === id).length;
  return { id, total: Math.max(record?.total ?? 0, count), dimensions: record?.dimensions ?? [] };
}

export interface SweepProgress {
  done: number;
  failed: number;
  total: number;
  /** Nothing of it trains or waits any more, and not every run finished: Stop, or a reload. */
  stopped: boolean;
  text: string;
}

/** `runs` are the sweep's runs so far, `waiting` its runs still queued. */
export function sweepProgress(total: number, runs: readonly { status: RunStatus }[], waiting: number): SweepProgress {
  const done = runs.filter((r) => r.status === 'done').length;
  const failed = runs.filter((r) => r.status === 'failed').length;
  const active = runs.filter((r) => r.status !== 'done' && r.status !== 'failed' && r.status !== 'stopped').length;
  const all = Math.max(total, runs.length + waiting);
  const stopped = active === 0 && waiting === 0 && done + failed < all;
  const failedText = failed > 0 ? ` (${failed} failed)` : '';
  const text = stopped ? `Stopped after ${done} of ${all} runs${failedText}.` : `${done} of ${all} runs finished${failedText}.`;
  return { done, failed, total: all, stopped, text };
}
