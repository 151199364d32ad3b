/**
 * Planning a sweep: a list of values for any setting (each value checked by that control's own
 * schema), their grid, values that change nothing for a run merged (they would train the same run)
 * and a name per run. The page's sweep builder and `npm run sweep` both plan through here.
 */
import {
  CONTROLS,
  controlNamed,
  parseSetting,
  settingLabel,
  settingText,
  withSetting,
  type Control,
  type PlaygroundConfig,
  type SettingName,
  type SettingValue,
} from '../settings/controls';
import { isDecimalText } from '../validation';
import { shorten } from '../messages';
import { runConfigProblems } from '../settings/run-options';
import { inertReason } from './sweep-relevance';

/** Each swept setting's values as typed ("0.05, 0.1"), by name; settings not listed keep the base's value. */
export type SweepGrid = Partial<Record<SettingName, string>>;

/** One swept setting as typed in the sweep builder: its name and its values ("0.05, 0.1"). */
export interface SweepRow {
  name: SettingName;
  text: string;
}

export interface SweepPlan {
  /** The runs, in nesting order (see NESTING). */
  configs: PlaygroundConfig[];
  /** One per config: the swept settings that matter for that run, its method and seed. */
  names: string[];
  /** The settings with more than one value, outermost first. */
  dimensions: SettingName[];
  /** The grid's size before merging. */
  combinations: number;
  /** What was merged, in plain words ("Temperature changes nothing for offline runs with gt-corrupt pairs: merged"). */
  notes: string[];
  /** Why the sweep cannot start; when there are any, configs and names are empty. */
  problems: string[];
}

/** The most runs one sweep queues (the page trains them one after another). */
export const MAX_SWEEP_RUNS = 48;
/** A longer list is refused unread: a paste gone wrong, not a sweep. */
export const MAX_LIST_CHARS = 1000;
/** Problems listed per setting before "and N more". */
const SHOWN_PER_SETTING = 3;

/**
 * Outermost first: beta, temperature, K and method (the sweeps the builder started with), then the
 * other settings in the controls' order, seeds always innermost so a grid point's seeds run together.
 */
const FIRST: readonly SettingName[] = ['beta', 'temperature', 'samples', 'method'];
export const NESTING: readonly SettingName[] = [
  ...FIRST,
  ...CONTROLS.map((c) => c.name).filter((name) => !FIRST.includes(name) && name !== 'seed'),
  'seed',
];

/** Values are separated by commas or spaces; loss specs contain commas, so text settings by ";". */
export function splitValues(c: Control, text: string): string[] {
  const parts = c.kind === 'text' ? text.split(';') : text.split(/[\s,;]+/);
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** One setting's list read and checked: its values, or every problem with it. */
function readList(c: Control, text: string): { values: SettingValue[]; problems: string[] } {
  if (text.length > MAX_LIST_CHARS)
    return { values: [], problems: [`${c.label}: a list of ${text.length} characters is too long (at most ${MAX_LIST_CHARS})`] };
  const numeric = c.kind === 'number' || c.kind === 'int';
  // A number is checked (and named in runs) as read: "1e9" is 1000000000, as a run's settings show it.
  const parts = splitValues(c, text).map((p) => (numeric && isDecimalText(p) && Number.isFinite(Number(p)) ? String(Number(p)) : p));
  if (parts.length === 0) return { values: [], problems: [`${c.label}: give at least one value`] };
  const reads = parts.map((p) => parseSetting(c, p));
  const problems = [...new Set(reads.flatMap((read) => read.problem ?? []))];
  if (problems.length > SHOWN_PER_SETTING)
    problems.splice(SHOWN_PER_SETTING, Infinity, `${c.label}: and ${problems.length - SHOWN_PER_SETTING} more values like these`);
  if (problems.length > 0) return { values: [], problems };
  const values = reads.flatMap((read) => (read.problem === undefined ? [read.value] : []));
  // "0.1, 0.10" is one value twice: the same grid point would run twice under one label.
  const repeated = [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
  if (repeated.length > 0)
    return { values: [], problems: [`${c.label}: ${shorten(repeated.map((v) => settingText(c, v)).join(', '))} is listed more than once`] };
  return { values, problems: [] };
}

/** A run's name: the swept settings that matter for it (key=value), its method and its seed. */
export function sweepRunName(config: PlaygroundConfig, dimensions: readonly SettingName[]): string {
  const shown = dimensions.filter((name) => name !== 'method' && name !== 'seed' && !inertReason(name, config));
  return [...shown.map((name) => settingLabel(config, name)), config.method, `s${config.seed}`].join(' ');
}

/** The cartesian product, the first list outermost, each combination `base` with those values set. */
function expand(base: PlaygroundConfig, lists: readonly [SettingName, SettingValue[]][]): PlaygroundConfig[] {
  let configs = [{ ...base }];
  for (const [name, values] of lists) configs = configs.flatMap((c) => values.map((value) => withSetting(c, name, value)));
  return configs;
}

/**
 * Values of a swept setting that change nothing for a run (temperature offline) collapse to the
 * list's first value, and runs that became equal are kept once. Returns the runs and, per setting,
 * why its values were merged.
 */
function mergeInert(
  configs: readonly PlaygroundConfig[],
  lists: readonly [SettingName, SettingValue[]][],
): { configs: PlaygroundConfig[]; reasons: Map<SettingName, Set<string>> } {
  const reasons = new Map<SettingName, Set<string>>();
  const kept = new Map<string, PlaygroundConfig>();
  for (const config of configs) {
    let merged = { ...config };
    for (const [name, values] of lists) {
      const why = values.length > 1 ? inertReason(name, config) : undefined;
      if (!why) continue;
      merged = withSetting(merged, name, values[0]!);
      reasons.set(name, (reasons.get(name) ?? new Set()).add(why));
    }
    const id = JSON.stringify(CONTROLS.map((c) => merged[c.name]));
    if (!kept.has(id)) kept.set(id, merged);
  }
  return { configs: [...kept.values()], reasons };
}

export interface SweepLimits {
  maxRuns?: number;
  /** Settings a sweep here cannot change, with why (the page starts every run from the loaded model). */
  pinned?: Partial<Record<SettingName, string>>;
}

/** The runs a sweep from `base` starts (every one checked as a single run is), or why it cannot start. */
export function planSweep(base: PlaygroundConfig, grid: SweepGrid, { maxRuns = MAX_SWEEP_RUNS, pinned = {} }: SweepLimits = {}): SweepPlan {
  const plan: SweepPlan = { configs: [], names: [], dimensions: [], combinations: 0, notes: [], problems: [] };
  const lists: [SettingName, SettingValue[]][] = [];
  for (const name of NESTING) {
    const text = grid[name];
    if (text === undefined) continue;
    const { values, problems } = readList(controlNamed(name), text);
    const why = pinned[name];
    if (why && problems.length === 0 && values.some((v) => v !== base[name])) problems.push(`${controlNamed(name).label}: ${why}`);
    plan.problems.push(...problems);
    lists.push([name, values]);
  }
  if (plan.problems.length > 0) return plan;
  plan.dimensions = lists.filter(([, values]) => values.length > 1).map(([key]) => key);
  plan.combinations = lists.reduce((n, [, values]) => n * values.length, 1);
  // A grid this large is a list too many, even where merging would shrink it: refused before it is built.
  if (plan.combinations > 100 * maxRuns) {
    plan.problems.push(`the grid has ${plan.combinations} combinations; the limit is ${maxRuns} runs, so use fewer values or seeds`);
    return plan;
  }
  const { configs, reasons } = mergeInert(expand(base, lists), lists);
  for (const [name, why] of reasons) plan.notes.push(`${controlNamed(name).label} changes nothing ${[...why].join(' or ')}: merged`);
  if (configs.length > maxRuns) {
    plan.problems.push(`the sweep would start ${configs.length} runs; the limit is ${maxRuns}, so use fewer values or seeds`);
    return plan;
  }
  const names = configs.map((c) => sweepRunName(c, plan.dimensions));
  // Each distinct problem once, with the first run it stops.
  const seen = new Set<string>();
  configs.forEach((config, i) => {
    for (const problem of runConfigProblems(config)) {
      if (seen.has(problem)) continue;
      seen.add(problem);
      plan.problems.push(`${names[i]}: ${problem}`);
    }
  });
  if (plan.problems.length > 0) return plan;
  return { ...plan, configs, names };
}
