/**
 * A sweep's results: its finished runs summarised per grid point as mean and spread of the
 * hallucination numbers over seeds (seeds are what tell a real effect from noise). Planning is in
 * sweep-plan.ts, progress in sweep-progress.ts.
 */
import type { MetricName, Metrics } from '../dpo/metric-names';
import { CONTROLS, settingLabel, type PlaygroundConfig, type SettingName, type SettingValue } from '../settings/controls';
import { type RunRecord } from '../runs/run-record';
import { EVAL_KEYS, type EvalKey } from '../eval/eval-record';
import { inertReason } from './sweep-relevance';

export interface SweepGroupResult {
  /** Unique per grid point (its settings but the seed, those that change nothing left out). */
  id: string;
  /** e.g. "beta=0.1 mode=offline": the swept settings and any others that vary, each where it matters. */
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

/** A setting's value where it matters for the run, else null (a temperature offline). */
function effective(config: PlaygroundConfig, name: SettingName): SettingValue | null {
  return inertReason(name, config) ? null : config[name];
}

/**
 * Everything but the seed and what changes nothing, in CONTROLS order: runs that train alike share
 * it (older sweeps queued offline runs per temperature; they are one grid point).
 */
function groupId(config: PlaygroundConfig): string {
  return JSON.stringify(CONTROLS.filter((c) => c.name !== 'seed').map((c) => effective(config, c.name)));
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: 0 };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance) };
}

/**
 * The labels' settings: the sweep's `dimensions` (so a label stays put while runs finish), then any
 * other setting that differs between grid points (runs from elsewhere), so no two labels collide.
 */
function labelKeys(configs: readonly PlaygroundConfig[], dimensions: readonly SettingName[]): SettingName[] {
  // Where a setting matters for some points only, another setting that varies already tells them apart.
  const varies = (name: SettingName) => new Set(configs.map((c) => effective(c, name)).filter((v) => v !== null)).size > 1;
  const others = CONTROLS.map((c) => c.name).filter((name) => !dimensions.includes(name) && varies(name));
  return [...dimensions, ...others].filter((name) => name !== 'seed');
}

/** The settings by URL key, as links and flags write them ("beta=0.1 mode=offline"). */
function label(config: PlaygroundConfig, names: readonly SettingName[]): string {
  const shown = names.filter((name) => effective(config, name) !== null);
  return (shown.length > 0 ? shown : (['method'] as const)).map((name) => settingLabel(config, name)).join(' ');
}

/**
 * Finished runs (status done, evaluated at least once) grouped by grid point, in first-seen order;
 * `dimensions` are the sweep's swept settings when known (sweep-plan.ts).
 */
export function aggregateSweep(
  runs: readonly (Pick<RunRecord, 'config' | 'evals' | 'status'> & { history?: RunRecord['history'] })[],
  dimensions: readonly SettingName[] = [],
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
  const keys = labelKeys(
    [...groups.values()].map((g) => g.config),
    dimensions,
  );
  return [...groups].map(([id, { config, summaries, finals }]) => {
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
    return { id, key: label(config, keys), config, runs: summaries.length, mean, std, training };
  });
}
