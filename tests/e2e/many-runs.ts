/**
 * Many finished runs as a runs file, made up but shaped like the page's own: 30-step offline DPO
 * runs logging every step (loss, grad_norm and the six pair metrics) with an evaluation every 10
 * steps, built with the trainer's own record helpers (createRun, applyRunUpdate) and written with
 * runsToJson. They come in sweeps of eight (two betas x four seeds, sharing a sweepId), as a
 * student who sweeps a lot would have them. 200 runs make a file of 4.2 MB (more points than the
 * 2.6 MB file the slowness was first measured with). For the runs benchmark (runs-bench.ts) and
 * the runs table's e2e test.
 */
import type { Page } from 'playwright-core';
import type { EvalRecord } from '../../src/core/eval/eval-record';
import { EVAL_KEYS } from '../../src/core/eval/eval-record';
import { runsToJson } from '../../src/core/runs/run-files';
import { applyRunUpdate, createRun, nextRunColour, type MetricPoint, type RunRecord } from '../../src/core/runs/run-record';
import { defaultConfig } from '../../src/core/settings/controls';

export const MANY_RUN_STEPS = 30;
const SWEEP_SIZE = 8;
const BETAS = [0.1, 0.5];

/** A deterministic wiggle in [-1, 1], different for every run, step and metric. */
const wiggle = (run: number, step: number, salt: number) =>
  0.7 * Math.sin(step * 0.31 + run * 1.3 + salt * 2.1) + 0.3 * Math.sin(step * 1.7 + run * 0.7 + salt);

function point(r: number, step: number, speed: number): MetricPoint {
  const learnt = 1 - Math.exp((-speed * step) / 12);
  const margin = 2.5 * speed * learnt + 0.1 * wiggle(r, step, 1);
  const chosen = -0.4 * learnt + 0.05 * wiggle(r, step, 2);
  return {
    step,
    metrics: {
      loss: 0.693 * (1 - 0.7 * learnt) + 0.03 * wiggle(r, step, 0),
      grad_norm: 2.5 + 1.2 * wiggle(r, step, 6) - learnt,
      'rewards/chosen': chosen,
      'rewards/rejected': chosen - margin,
      'rewards/margins': margin,
      'rewards/accuracies': Math.min(1, 0.5 + 0.5 * learnt + 0.04 * wiggle(r, step, 3)),
      'logps/chosen': -14 - 4 * learnt + wiggle(r, step, 4),
      'logps/rejected': -16 - 18 * speed * learnt + wiggle(r, step, 5),
    },
  };
}

function evaluation(r: number, step: number, speed: number): EvalRecord {
  const learnt = 1 - Math.exp((-speed * step) / 12);
  return Object.fromEntries(
    EVAL_KEYS.map((key, k) => {
      const start = 0.2 + 0.6 * ((k * 0.37) % 1);
      const end = key === 'chair_i' || key === 'chair_s' || key === 'hall_rate' ? start / 4 : Math.min(1, start + 0.1);
      const value = start + (end - start) * learnt + (step > 0 ? 0.02 * wiggle(r, step, k + 11) : 0);
      return [key, Math.min(1, Math.max(0, value))];
    }),
  ) as EvalRecord;
}

/** `count` finished runs, oldest first. */
export function manyRuns(count: number): RunRecord[] {
  const runs: RunRecord[] = [];
  for (let r = 0; r < count; r++) {
    const sweep = Math.floor(r / SWEEP_SIZE);
    const beta = BETAS[r % BETAS.length]!;
    const seed = Math.floor((r % SWEEP_SIZE) / BETAS.length);
    const speed = 0.6 + 0.8 * ((r * 0.618) % 1);
    const config = { ...defaultConfig(), beta, seed, steps: MANY_RUN_STEPS, evalEvery: 10, learningRate: sweep % 2 === 0 ? 5e-4 : 1e-3 };
    const run = createRun(config, {
      name: `sweep ${sweep + 1} β=${beta} s${seed}`,
      colour: nextRunColour(runs),
      sweepId: `sweep-${sweep + 1}`,
    });
    run.id = `run-many-${String(r).padStart(4, '0')}`;
    run.createdAt = 1_700_000_000_000 + r * 60_000;
    for (let step = 1; step <= MANY_RUN_STEPS; step++) {
      applyRunUpdate(run, {
        status: step === MANY_RUN_STEPS ? 'done' : 'running',
        step,
        points: [point(r, step, speed)],
        evals:
          step === 1
            ? [{ step: 0, summary: evaluation(r, 0, speed) }]
            : step % 10 === 0
              ? [{ step, summary: evaluation(r, step, speed) }]
              : [],
        events: step === 1 ? ['started'] : [],
      });
    }
    runs.push(run);
  }
  return runs;
}

/** The runs file of `manyRuns(count)`, as the page's Export JSON writes it. */
export function manyRunsFile(count: number): string {
  return runsToJson(manyRuns(count));
}

/**
 * Import `count` runs through the page's "Import JSON" and wait until the table lists them all and
 * the charts have drawn them (every run is shown: the loss chart has a point per run and step).
 */
export async function importManyRuns(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as { dpoPlayground?: { runs: { loaded: boolean } } }).dpoPlayground?.runs.loaded === true,
  );
  await page
    .getByTestId('import-runs')
    .setInputFiles({ name: 'runs.json', mimeType: 'application/json', buffer: Buffer.from(manyRunsFile(count)) });
  await page
    .locator('[data-testid=runs-table] tr[data-run-id]')
    .nth(count - 1)
    .waitFor({ timeout: 120_000 });
  await page.locator(`[data-testid=chart-loss][data-points="${count * MANY_RUN_STEPS}"]`).waitFor({ timeout: 120_000 });
}
