/**
 * What the runs table shows, DOM-free: the columns it can sort by and each run's value there, the
 * sort (stable, runs without a value last either way), the text filter (a run's name and the
 * settings that differ between runs) and the grouping of a sweep's runs under one row.
 */
import { latestEval, RUN_STATUSES, type RunRecord } from '../../core/runs/run-record';
import { configDiff } from '../../core/runs/run-files';
import { controlNamed, settingText, type SettingName } from '../../core/settings/controls';
import type { EvalKey } from '../../core/eval/eval-record';

/** A sortable column: a run's field, one of its settings (`setting:beta`), or a score of its latest evaluation. */
export type RunsColumn = 'name' | 'status' | 'step' | `setting:${SettingName}` | EvalKey | 'margin';

export type SortDirection = 'ascending' | 'descending';

export interface RunsSort {
  column: RunsColumn;
  direction: SortDirection;
}

type SortValue = string | number | boolean | undefined;

/** The latest logged rewards/margins (the table's margin column). */
export function latestMargin(run: Pick<RunRecord, 'history'>): number | undefined {
  return run.history.findLast((p) => p.metrics['rewards/margins'] !== undefined)?.metrics['rewards/margins'];
}

/** A run's value in a column, as the table sorts it: the latest evaluation's score for a score (the "→ now" figure). */
export function sortValue(run: RunRecord, column: RunsColumn): SortValue {
  if (column === 'name') return run.name;
  // By where a run is in its life (queued, preparing, running, paused, done, stopped, failed).
  if (column === 'status') return RUN_STATUSES.indexOf(run.status);
  if (column === 'step') return run.step;
  if (column === 'margin') return latestMargin(run);
  if (column.startsWith('setting:')) return run.config[column.slice(8) as SettingName];
  return latestEval(run)?.[column as EvalKey];
}

const missing = (v: SortValue) => v === undefined || (typeof v === 'number' && Number.isNaN(v));
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/**
 * `items` in the order of `valueOf` (a copy; the order they came in breaks ties, so the sort is
 * stable). Items without a value (undefined, NaN) come last in either direction.
 */
export function sortBy<T>(items: readonly T[], valueOf: (item: T) => SortValue, direction: SortDirection): T[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return items
    .map((item, index) => ({ item, index, value: valueOf(item) }))
    .sort((a, b) => {
      const [ma, mb] = [missing(a.value), missing(b.value)];
      if (ma || mb) return ma === mb ? a.index - b.index : ma ? 1 : -1;
      return sign * compare(a.value, b.value) || a.index - b.index;
    })
    .map((entry) => entry.item);
}

export function sortRuns(runs: readonly RunRecord[], sort: RunsSort | undefined): RunRecord[] {
  return sort ? sortBy(runs, (run) => sortValue(run, sort.column), sort.direction) : [...runs];
}

/** A header click: a new column sorts ascending, the same one descending, a third click goes back to the runs' own order. */
export function nextSort(sort: RunsSort | undefined, column: RunsColumn): RunsSort | undefined {
  if (sort?.column !== column) return { column, direction: 'ascending' };
  return sort.direction === 'ascending' ? { column, direction: 'descending' } : undefined;
}

/** What the filter searches in a run: its name and its differing settings, as links write them ("beta=0.5") and as labelled ("Beta 0.5"). */
export function filterText(run: RunRecord, differing: readonly SettingName[]): string {
  const settings = differing.map((name) => {
    const control = controlNamed(name);
    const value = settingText(control, run.config[name]);
    return `${control.url}=${value} ${control.label} ${value}`;
  });
  return [run.name, ...settings].join(' ').toLowerCase();
}

/** The runs whose filter text holds every word of `query` (case ignored); all of them for an empty query. */
export function filterRuns(runs: readonly RunRecord[], query: string, differing: readonly SettingName[]): RunRecord[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...runs];
  return runs.filter((run) => {
    const text = filterText(run, differing);
    return words.every((w) => text.includes(w));
  });
}

/** Every run of each sweep, by sweep id, in their order. */
export function runsBySweep<R extends Pick<RunRecord, 'sweepId'>>(runs: readonly R[]): Map<string, R[]> {
  const bySweep = new Map<string, R[]>();
  for (const run of runs) {
    if (run.sweepId === undefined) continue;
    const members = bySweep.get(run.sweepId);
    if (members) members.push(run);
    else bySweep.set(run.sweepId, [run]);
  }
  return bySweep;
}

export type RunsRow<R> = { kind: 'run'; key: string; run: R; group?: string } | { kind: 'group'; key: string; id: string; runs: R[] };

/**
 * The table's rows: runs of one sweep (two or more sharing a sweepId) under a group row, placed
 * where the first of them is, the others following it in their order; other runs as they come.
 * The runs of a group in `collapsed` are left out (the group row stays).
 */
export function groupRuns<R extends Pick<RunRecord, 'id' | 'sweepId'>>(
  runs: readonly R[],
  collapsed: ReadonlySet<string> = new Set(),
): RunsRow<R>[] {
  const members = runsBySweep(runs);
  const rows: RunsRow<R>[] = [];
  const placed = new Set<string>();
  for (const run of runs) {
    const group = run.sweepId !== undefined && members.get(run.sweepId)!.length > 1 ? run.sweepId : undefined;
    if (group === undefined) {
      rows.push({ kind: 'run', key: run.id, run });
      continue;
    }
    if (placed.has(group)) continue;
    placed.add(group);
    const list = members.get(group)!;
    rows.push({ kind: 'group', key: `sweep ${group}`, id: group, runs: list });
    if (!collapsed.has(group)) for (const member of list) rows.push({ kind: 'run', key: member.id, run: member, group });
  }
  return rows;
}

/** The words every name starts with ("sweep 9" of "sweep 9 β=0.5 s3" and "sweep 9 β=0.1 s1"), or ''. */
export function commonWords(names: readonly string[]): string {
  const [first, ...rest] = names.map((n) => n.trim().split(/\s+/));
  if (!first) return '';
  let n = first.length;
  for (const words of rest) {
    let i = 0;
    while (i < n && i < words.length && words[i] === first[i]) i++;
    n = i;
  }
  // A name that is all shared words says nothing about the others.
  return n > 0 && [first, ...rest].every((words) => words.length > n) ? first.slice(0, n).join(' ') : '';
}

/**
 * A sweep's name in the table: what its runs' names share, and what it swept (its plan's
 * dimensions, or else the settings that differ between its runs) as links name them:
 * "offline (over beta × seed)", or "Sweep over beta × seed".
 */
export function sweepName(runs: readonly Pick<RunRecord, 'config' | 'name'>[], dimensions?: readonly SettingName[]): string {
  const swept = dimensions && dimensions.length > 0 ? dimensions : configDiff(runs);
  const over = swept.map((name) => controlNamed(name).url).join(' × ');
  const shared = commonWords(runs.map((r) => r.name));
  if (shared) return over ? `${shared} (over ${over})` : shared;
  return over ? `Sweep over ${over}` : 'Sweep';
}
