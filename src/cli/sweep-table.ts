import { CONTROLS } from '../core/playground/controls';
import type { HeadlessRun } from '../core/playground/headless-run';
import type { PlaygroundConfig } from '../core/playground/controls';
import { EVAL_KEYS } from '../core/playground/runs';
import { csvField } from '../core/playground/runs-export';
import { SWEEP_TRAINING_METRICS, type SweepGroupResult } from '../core/playground/sweep';

export type SweepRun = HeadlessRun & { config: PlaygroundConfig };

/** The grid points as a table: mean ± sample std over seeds (the page's sweep results, as text). */
export function sweepTable(groups: readonly SweepGroupResult[]): string {
  const both = (stats: { mean: number; std: number } | undefined, scale: number, digits: number) =>
    (stats ? `${(scale * stats.mean).toFixed(digits)} ± ${(scale * stats.std).toFixed(digits)}` : 'n/a').padStart(14);
  const keyWidth = Math.max(10, ...groups.map((g) => g.key.length));
  const header = [
    'grid point'.padEnd(keyWidth),
    'seeds'.padStart(5),
    ...['CHAIR_i %', 'Cover %', 'POPE adv F1 %', 'count err %', 'injection %', 'margin', 'accuracy', 'KL'].map((h) => h.padStart(14)),
  ].join(' ');
  const rows = groups.map((g) => {
    const evalCell = (key: (typeof EVAL_KEYS)[number]) => both({ mean: g.mean[key], std: g.std[key] }, 100, 1);
    return [
      g.key.padEnd(keyWidth),
      String(g.runs).padStart(5),
      evalCell('chair_i'),
      evalCell('cover'),
      evalCell('pope_f1'),
      evalCell('count_error'),
      evalCell('injection'),
      both(g.training['rewards/margins'], 1, 2),
      both(g.training['rewards/accuracies'], 1, 2),
      both(g.training['objective/kl'], 1, 2),
    ].join(' ');
  });
  return [header, ...rows].join('\n');
}

/** One row per run: every setting, then the last evaluation and the last logged training metrics. */
export function sweepCsv(runs: readonly SweepRun[]): string {
  const keys = CONTROLS.map((c) => c.key);
  const header = [...keys, 'status', ...EVAL_KEYS, ...SWEEP_TRAINING_METRICS, 'seconds'];
  const lines = runs.map((run) => {
    const summary = run.evals.at(-1)?.summary;
    const metrics = run.history.at(-1)?.metrics ?? {};
    return [
      ...keys.map((k) => run.config[k]),
      run.status,
      ...EVAL_KEYS.map((k) => summary?.[k]),
      ...SWEEP_TRAINING_METRICS.map((m) => metrics[m]),
      run.seconds.toFixed(1),
    ]
      .map(csvField)
      .join(',');
  });
  return [header.join(','), ...lines].join('\n') + '\n';
}
