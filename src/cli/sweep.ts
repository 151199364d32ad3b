/**
 * npm run sweep -- --beta 0.05,0.1,0.5 --temperature 0.7,1.0 --mode offline,online --seeds 3 [--out DIR]
 * Runs the grid (every combination x seeds), prints mean and spread over seeds, writes CSV and JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { worldForModel } from '../core/world/config';
import { evaluateModel, type EvalReport } from '../core/eval/evaluate';
import { DpoTrainer } from '../core/dpo/trainer';
import { DPO_MODES } from '../core/dpo/options';
import { disposeWeights } from '../core/model/weights';
import { useNodeBackend, type NodeBackend } from './backend';
import { parseFlags, runCli, usage, UsageError, type FlagSpec } from './args';
import { loadCheckpointDir } from './checkpoint-files';
import { TRAIN_FLAGS, dpoOptionsFromFlags } from './train-flags';
import { ProgressBar } from './progress';
import { summarise, sweepCsv, sweepTable, type SweepRun } from './sweep-table';

const { beta: _beta, temperature: _temperature, mode: _mode, seed: _seed, samples: _samples, json: _json, out: _out, 'eval-every': _evalEvery, ...BASE } = TRAIN_FLAGS;
const SWEEP_FLAGS = {
  ...BASE,
  beta: { kind: 'string', default: '0.1', help: 'comma-separated betas (each > 0)' },
  temperature: { kind: 'string', default: '1', help: 'comma-separated sampling temperatures (each >= 0)' },
  mode: { kind: 'string', default: 'offline', help: `comma-separated modes (${DPO_MODES.join(', ')})` },
  samples: { kind: 'string', default: '4', help: 'comma-separated samples per prompt K (each >= 2)' },
  seeds: { kind: 'int', default: 1, min: 1, max: 20, help: 'seeds per grid point (0, 1, ...)' },
  out: { kind: 'string', default: 'sweeps/latest', help: 'directory for results.csv and results.json' },
} satisfies Record<string, FlagSpec>;

function numberList(name: string, text: string, check: (x: number) => boolean, rule: string): number[] {
  const values = text.split(',').map((t) => t.trim()).filter(Boolean).map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || !check(v))) throw new UsageError(`--${name} must be a comma-separated list of numbers ${rule} (got "${text}")`);
  return values;
}

await runCli('sweep', SWEEP_FLAGS, async () => {
  const flags = parseFlags(process.argv.slice(2), SWEEP_FLAGS);
  if (flags.help) return void console.log(usage('sweep', SWEEP_FLAGS));
  const betas = numberList('beta', flags.beta, (b) => b > 0, '> 0');
  const temperatures = numberList('temperature', flags.temperature, (t) => t >= 0 && t <= 5, 'in [0, 5]');
  const samples = numberList('samples', flags.samples, (k) => Number.isInteger(k) && k >= 2, '>= 2 (whole)');
  const modes = flags.mode.split(',').map((m) => m.trim());
  for (const m of modes) if (!(DPO_MODES as readonly string[]).includes(m)) throw new UsageError(`--mode: unknown mode "${m}" (choose from ${DPO_MODES.join(', ')})`);
  const backend = await useNodeBackend(flags.backend as NodeBackend);

  const grid = modes.flatMap((mode) => betas.flatMap((beta) => temperatures.flatMap((temperature) => samples.flatMap((k) => Array.from({ length: flags.seeds }, (_, seed) => ({ mode, beta, temperature, samples: k, seed }))))));
  console.log(`sweep: ${grid.length} runs (${modes.length} modes x ${betas.length} betas x ${temperatures.length} temperatures x ${samples.length} K x ${flags.seeds} seeds) on ${backend}`);
  const evalOptions = { scenes: flags['eval-scenes'], seed: flags['eval-seed'], batchSize: 100 };
  const base = await loadCheckpointDir(flags.checkpoint);
  const before: EvalReport = await evaluateModel(base.weights, base.config, worldForModel(base.config), evalOptions);
  disposeWeights(base.weights);
  const runs: SweepRun[] = [];
  const bar = new ProgressBar(grid.length, 'sweep');
  for (const point of grid) {
    const options = dpoOptionsFromFlags({ ...flags, ...point, json: false, out: '', 'eval-every': 0 });
    const { weights, config } = await loadCheckpointDir(flags.checkpoint);
    const started = performance.now();
    const trainer = new DpoTrainer(weights, config, worldForModel(config), options);
    await trainer.prepare();
    let metrics: Record<string, number> = {};
    for (let i = 0; i < options.steps; i++) {
      const log = await trainer.trainStep();
      if (log && Object.keys(log.metrics).length > 0) metrics = log.metrics;
    }
    const seconds = (performance.now() - started) / 1000;
    const after = await evaluateModel(weights, config, worldForModel(config), evalOptions);
    trainer.dispose();
    disposeWeights(weights);
    runs.push({ ...point, metrics, eval: after, seconds });
    bar.update(runs.length, `${point.mode} beta=${point.beta} T=${point.temperature} K=${point.samples} seed=${point.seed}: CHAIR_i ${(100 * after.chair_i).toFixed(1)}%`);
  }
  const groups = summarise(runs);
  console.log(`\nSFT start: CHAIR_i ${(100 * before.chair_i).toFixed(1)}%  Cover ${(100 * before.cover).toFixed(1)}%\n`);
  console.log(sweepTable(groups));
  await mkdir(flags.out, { recursive: true });
  await writeFile(join(flags.out, 'results.csv'), sweepCsv(runs));
  await writeFile(join(flags.out, 'results.json'), JSON.stringify({ command: `npm run sweep -- ${process.argv.slice(2).join(' ')}`, backend, eval_before: before, runs, groups }, null, 2) + '\n');
  console.log(`\nwrote ${join(flags.out, 'results.csv')} and results.json`);
});
