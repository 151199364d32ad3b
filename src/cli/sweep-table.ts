import type { EvalReport } from '../core/eval/evaluate';

export interface SweepRun {
  mode: string;
  beta: number;
  temperature: number;
  samples: number;
  seed: number;
  metrics: Record<string, number>;
  eval: EvalReport;
  seconds: number;
}

export interface SweepGroup {
  key: { mode: string; beta: number; temperature: number; samples: number };
  seeds: number;
  mean: Record<string, number>;
  std: Record<string, number>;
}

/** The columns a sweep reports: hallucination after training and how far the policy moved. */
const COLUMNS: Record<string, (r: SweepRun) => number> = {
  chair_i: (r) => r.eval.chair_i,
  chair_s: (r) => r.eval.chair_s,
  cover: (r) => r.eval.cover,
  pope_adv_f1: (r) => r.eval.pope.adversarial.f1,
  'rewards/margins': (r) => r.metrics['rewards/margins'] ?? NaN,
  'rewards/chosen': (r) => r.metrics['rewards/chosen'] ?? NaN,
  'objective/kl': (r) => r.metrics['objective/kl'] ?? NaN,
  // How far the policy moved from the reference on the training pairs: mean |log pi - log pi_ref|
  // (rewards are beta-scaled, so divide beta back out).
  moved: (r) => (Math.abs(r.metrics['rewards/chosen'] ?? NaN) + Math.abs(r.metrics['rewards/rejected'] ?? NaN)) / (2 * r.beta),
  seconds: (r) => r.seconds,
};

export function summarise(runs: readonly SweepRun[]): SweepGroup[] {
  const groups = new Map<string, SweepRun[]>();
  for (const r of runs) {
    const key = JSON.stringify([r.mode, r.beta, r.temperature, r.samples]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((members) => {
    const mean: Record<string, number> = {};
    const std: Record<string, number> = {};
    for (const [name, get] of Object.entries(COLUMNS)) {
      const xs = members.map(get);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      mean[name] = m;
      std[name] = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
    }
    const { mode, beta, temperature, samples } = members[0]!;
    return { key: { mode, beta, temperature, samples }, seeds: members.length, mean, std };
  });
}

export function sweepTable(groups: readonly SweepGroup[]): string {
  const cell = (g: SweepGroup, name: string, scale = 1, digits = 1) =>
    `${(scale * g.mean[name]!).toFixed(digits)} ± ${(scale * g.std[name]!).toFixed(digits)}`.padStart(14);
  const header = `${'mode'.padEnd(8)} ${'beta'.padStart(6)} ${'T'.padStart(4)} ${'K'.padStart(3)} ${'seeds'.padStart(5)} ${'CHAIR_i %'.padStart(14)} ${'Cover %'.padStart(14)} ${'POPE adv F1 %'.padStart(14)} ${'margin'.padStart(14)} ${'|logratio|'.padStart(14)} ${'KL'.padStart(14)}`;
  const rows = groups.map((g) =>
    [
      g.key.mode.padEnd(8),
      String(g.key.beta).padStart(6),
      String(g.key.temperature).padStart(4),
      String(g.key.samples).padStart(3),
      String(g.seeds).padStart(5),
      cell(g, 'chair_i', 100),
      cell(g, 'cover', 100),
      cell(g, 'pope_adv_f1', 100),
      cell(g, 'rewards/margins', 1, 2),
      cell(g, 'moved', 1, 2),
      Number.isNaN(g.mean['objective/kl']) ? 'n/a'.padStart(14) : cell(g, 'objective/kl', 1, 2),
    ].join(' '),
  );
  return [header, ...rows].join('\n');
}

export function sweepCsv(runs: readonly SweepRun[]): string {
  const names = Object.keys(COLUMNS);
  const lines = runs.map((r) => [r.mode, r.beta, r.temperature, r.samples, r.seed, ...names.map((n) => COLUMNS[n]!(r))].join(','));
  return [['mode', 'beta', 'temperature', 'samples', 'seed', ...names].join(','), ...lines].join('\n') + '\n';
}
