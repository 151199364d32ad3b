/**
 * Sweeps: a grid over beta, temperature, samples K and method, each point run with several seeds,
 * then summarised per grid point as mean and spread of the hallucination numbers (seeds are what
 * tell a real effect from noise).
 */
import type { MetricName, Metrics } from '../dpo/metric-names';
import { CONTROLS, controlProblem, type Control, type ControlKey, type PlaygroundConfig } from './controls';
import { runConfigProblems } from './run-options';
import { EVAL_KEYS, type RunRecord } from './runs';

export interface SweepSpec {
  beta: number[];
  temp: number[];
  k: number[];
  mode: string[];
  seeds: number[];
}

export type EvalKey = (typeof EVAL_KEYS)[number];

/** The swept dimensions, outermost first (seeds innermost), with the control each one sets. */
const DIMENSIONS = [
  { field: 'beta', key: 'beta' },
  { field: 'temp', key: 'temp' },
  { field: 'k', key: 'k' },
  { field: 'mode', key: 'mode' },
  { field: 'seeds', key: 'seed' },
] as const satisfies readonly { field: keyof SweepSpec; key: ControlKey }[];

const SWEPT_KEYS: readonly ControlKey[] = ['beta', 'temp', 'k', 'mode'];

function control(key: ControlKey): Control {
  return CONTROLS.find((c) => c.key === key)!;
}

/** "0.1, 0.5" or "0.1 0.5" -> [0.1, 0.5]; throws a message naming the field on anything else. */
export function parseNumberList(text: string, label: string): number[] {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0) throw new Error(`${label}: give at least one number`);
  return parts.map((part) => {
    const value = Number(part);
    if (!Number.isFinite(value)) throw new Error(`${label}: "${part}" is not a number`);
    return value;
  });
}

/** Every reason the sweep cannot start, in plain words; empty when it can. */
export function sweepProblems(spec: SweepSpec, maxRuns = 48): string[] {
  const problems: string[] = [];
  for (const { field, key } of DIMENSIONS) {
    const c = control(key);
    const values: readonly (number | string)[] = spec[field];
    if (values.length === 0) {
      problems.push(`${c.label}: give at least one value`);
      continue;
    }
    for (const value of values) {
      const problem = controlProblem(c, String(value));
      if (problem) problems.push(problem);
    }
    // A repeated value would run the same grid point twice under one label.
    const repeated = values.filter((v, i) => values.indexOf(v) !== i);
    if (repeated.length > 0) problems.push(`${c.label}: ${[...new Set(repeated)].join(', ')} is listed more than once`);
  }
  const total = DIMENSIONS.reduce((n, { field }) => n * spec[field].length, 1);
  if (total > maxRuns) problems.push(`the sweep would start ${total} runs; the limit is ${maxRuns}, so use fewer values or seeds`);
  return problems;
}

/** The sweep builder's fields as typed (lists of numbers as text, methods chosen). */
export interface SweepFields {
  beta: string;
  temp: string;
  k: string;
  mode: readonly string[];
  seeds: string;
}

/**
 * The runs a sweep starts from `base` (every configuration checked as a single run is), or the
 * reasons it cannot start. The page's sweep builder and `npm run sweep` both plan through here.
 */
export function planSweep(base: PlaygroundConfig, fields: SweepFields, maxRuns = 48): { configs: PlaygroundConfig[]; problems: string[] } {
  let spec: SweepSpec;
  try {
    spec = {
      beta: parseNumberList(fields.beta, 'Beta'),
      temp: parseNumberList(fields.temp, 'Temperature'),
      k: parseNumberList(fields.k, 'Samples K'),
      mode: [...fields.mode],
      seeds: parseNumberList(fields.seeds, 'Seeds'),
    };
  } catch (error) {
    return { configs: [], problems: [(error as Error).message] };
  }
  const problems = sweepProblems(spec, maxRuns);
  if (problems.length > 0) return { configs: [], problems };
  const configs = expandSweep(base, spec);
  const bad = configs.map(runConfigProblems).find((p) => p.length > 0);
  return bad ? { configs: [], problems: bad } : { configs, problems: [] };
}

/** The cartesian product, beta outermost and seeds innermost, each as `base` with those keys set. */
export function expandSweep(base: PlaygroundConfig, spec: SweepSpec): PlaygroundConfig[] {
  const configs: PlaygroundConfig[] = [];
  for (const beta of spec.beta)
    for (const temp of spec.temp)
      for (const k of spec.k)
        for (const mode of spec.mode) for (const seed of spec.seeds) configs.push({ ...base, beta, temp, k, mode, seed });
  return configs;
}

export interface SweepGroupResult {
  /** e.g. "beta=0.1 temp=0.7 k=4 mode=offline": only the dimensions that vary, or all swept ones if none do. */
  key: string;
  /** The first run's config (its seed is one of the group's seeds). */
  config: PlaygroundConfig;
  runs: number;
  mean: Record<EvalKey, number>;
  /** Sample standard deviation (n - 1), 0 for a single run. */
  std: Record<EvalKey, number>;
  /** The last logged value of each of SWEEP_TRAINING_METRICS, over the runs that logged it. */
  training: Partial<Record<SweepTrainingMetric, { mean: number; std: number }>>;
}

/** TRL metrics a sweep also summarises: how far the policy moved and how sure it became. */
export const SWEEP_TRAINING_METRICS = ['rewards/margins', 'rewards/accuracies', 'objective/kl'] as const satisfies readonly MetricName[];
export type SweepTrainingMetric = (typeof SWEEP_TRAINING_METRICS)[number];

/** Everything but the seed, in CONTROLS order: runs that differ only by seed share it. */
function groupId(config: PlaygroundConfig): string {
  return JSON.stringify(CONTROLS.filter((c) => c.key !== 'seed').map((c) => config[c.key]));
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: 0 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance) };
}

/** Finished runs (status done, evaluated at least once) grouped by config without seed, in first-seen order. */
export function aggregateSweep(
  runs: readonly (Pick<RunRecord, 'config' | 'evals' | 'status'> & { history?: RunRecord['history'] })[],
): SweepGroupResult[] {
  const groups = new Map<string, { config: PlaygroundConfig; summaries: Record<EvalKey, number>[]; finals: Metrics[] }>();
  for (const run of runs) {
    const latest = run.evals.at(-1);
    if (run.status !== 'done' || !latest) continue;
    const id = groupId(run.config);
    const group = groups.get(id) ?? { config: run.config, summaries: [], finals: [] };
    group.summaries.push(latest.summary);
    group.finals.push(run.history?.at(-1)?.metrics ?? {});
    groups.set(id, group);
  }
  const configs = [...groups.values()].map((g) => g.config);
  const varies = (key: ControlKey) => new Set(configs.map((c) => c[key])).size > 1;
  // Other controls that differ (runs from different sweeps) are listed too, so no two labels collide.
  const others = CONTROLS.map((c) => c.key).filter((key) => key !== 'seed' && !SWEPT_KEYS.includes(key) && varies(key));
  const swept = SWEPT_KEYS.filter(varies);
  const shown = swept.length + others.length > 0 ? [...swept, ...others] : SWEPT_KEYS;
  return [...groups.values()].map(({ config, summaries, finals }) => {
    const mean = {} as Record<EvalKey, number>;
    const std = {} as Record<EvalKey, number>;
    for (const key of EVAL_KEYS) {
      const stats = meanStd(summaries.map((s) => s[key]));
      mean[key] = stats.mean;
      std[key] = stats.std;
    }
    const training: SweepGroupResult['training'] = {};
    for (const name of SWEEP_TRAINING_METRICS) {
      const values = finals.map((m) => m[name]).filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (values.length > 0) training[name] = meanStd(values);
    }
    return { key: shown.map((k) => `${k}=${config[k]}`).join(' '), config, runs: summaries.length, mean, std, training };
  });
}
