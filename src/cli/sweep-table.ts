import type { EvalKey } from '../core/eval/eval-record';
import type { SweepGroupResult } from '../core/sweeps/sweep';

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
    const evalCell = (key: EvalKey) => both({ mean: g.mean[key], std: g.std[key] }, 100, 1);
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
