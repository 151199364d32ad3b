/**
 * Five finished runs with every chart's data (offline, online and mixed, 100 steps, an evaluation
 * every 20), made up but shaped like real ones, for tests that need many runs without training.
 * `showRuns` puts them in an open page through its console handle (window.dpoPlayground).
 */
import type { Page } from 'playwright-core';
import type { MetricPoint, RunRecord } from '../../src/core/runs/run-record';
import { defaultConfig } from '../../src/core/settings/controls';
import { RUN_COLOURS } from '../../src/core/runs/run-record';
import type { EvalRecord } from '../../src/core/eval/eval-record';

const STEPS = 100;
// The third is the first again with another seed: runs of the same settings share a name.
const RUNS = [
  { name: 'offline β=0.1', mode: 'offline', beta: 0.1, seed: 0, speed: 1 },
  { name: 'offline β=0.01', mode: 'offline', beta: 0.01, seed: 0, speed: 2.2 },
  { name: 'offline β=0.1', mode: 'offline', beta: 0.1, seed: 1, speed: 0.8 },
  { name: 'online self-judge', mode: 'online', beta: 0.1, seed: 0, speed: 0.7 },
  { name: 'mixed p=0.5', mode: 'mixed', beta: 0.1, seed: 0, speed: 0.85 },
] as const;

/** A deterministic wiggle in [-1, 1], different for every run and metric. */
const wiggle = (run: number, step: number, salt: number) =>
  0.7 * Math.sin(step * 0.11 + run * 1.3 + salt * 2.1) + 0.3 * Math.sin(step * 1.7 + run + salt);

function history(r: number, speed: number, online: boolean): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (let step = 2; step <= STEPS; step += 2) {
    const learnt = 1 - Math.exp((-speed * step) / 35);
    const margin = 2.5 * speed * learnt + 0.1 * wiggle(r, step, 1);
    const chosen = -0.4 * learnt + 0.05 * wiggle(r, step, 2);
    const metrics: MetricPoint['metrics'] = {
      loss: 0.693 * (1 - 0.7 * learnt) + 0.03 * wiggle(r, step, 0),
      'rewards/margins': margin,
      'rewards/chosen': chosen,
      'rewards/rejected': chosen - margin,
      'rewards/accuracies': Math.min(1, 0.5 + 0.5 * learnt + 0.04 * wiggle(r, step, 3)),
      'logps/chosen': -14 - 4 * learnt + wiggle(r, step, 4),
      'logps/rejected': -16 - 18 * speed * learnt + wiggle(r, step, 5),
      grad_norm: 2.5 + 1.2 * wiggle(r, step, 6) - learnt,
    };
    if (online) {
      metrics['objective/scores'] = 0.2 + 1.5 * learnt + 0.1 * wiggle(r, step, 7);
      metrics['objective/scores_margin'] = 2 - 0.8 * learnt + 0.2 * wiggle(r, step, 8);
      metrics['objective/kl'] = 3 * speed * learnt + 0.2 * wiggle(r, step, 9);
      metrics['objective/entropy'] = 9 - 2 * learnt + 0.3 * wiggle(r, step, 10);
    }
    points.push({ step, metrics });
  }
  return points;
}

function evaluation(r: number, speed: number, step: number): EvalRecord {
  const learnt = 1 - Math.exp((-speed * step) / 35);
  const rate = (start: number, end: number, salt: number) =>
    Math.min(1, Math.max(0, start + (end - start) * learnt + (step > 0 ? 0.02 * wiggle(r, step, salt) : 0)));
  const summary = {
    chair_i: rate(0.2, 0.04, 11),
    chair_s: rate(0.45, 0.1, 12),
    cover: rate(0.93, 0.9 - 0.1 * (speed - 1), 13),
    attr_error: rate(0.1, 0.05, 14),
    count_error: rate(0.3, 0.12, 15),
    pope_acc: rate(0.7, 0.85, 16),
    pope_precision: rate(0.68, 0.84, 27),
    pope_recall: rate(0.9, 0.88, 28),
    pope_f1: rate(0.72, 0.86, 17),
    pope_yes_ratio: rate(0.72, 0.52, 18),
    pope_random_acc: rate(0.85, 0.9, 29),
    pope_random_precision: rate(0.82, 0.9, 30),
    pope_random_recall: rate(0.95, 0.9, 31),
    pope_random_f1: rate(0.88, 0.9, 32),
    pope_random_yes_ratio: rate(0.6, 0.5, 33),
    pope_popular_acc: rate(0.8, 0.88, 34),
    pope_popular_precision: rate(0.78, 0.87, 35),
    pope_popular_recall: rate(0.93, 0.9, 36),
    pope_popular_f1: rate(0.85, 0.88, 37),
    pope_popular_yes_ratio: rate(0.65, 0.52, 38),
    injection: rate(0.35, 0.08, 19),
    hall_rate: rate(0.3, 0.12, 20),
    acc_existence: rate(0.8, 0.93, 21),
    acc_attribute: rate(0.75, 0.85, 22),
    acc_counting: rate(0.45, 0.75, 23),
    acc_relation: rate(0.5, 0.52, 24),
    acc_comparison: rate(0.6, 0.7, 25),
    acc_holistic: rate(0.4, 0.72, 26),
  } satisfies EvalRecord;
  return summary;
}

export function fiveRuns(): RunRecord[] {
  return RUNS.map((spec, r) => ({
    id: `run-fixture-${r}`,
    name: spec.name,
    colour: RUN_COLOURS[r]!,
    config: { ...defaultConfig(), method: spec.mode, beta: spec.beta, seed: spec.seed, steps: STEPS, evalEvery: 20 },
    status: 'done',
    createdAt: 1_700_000_000_000 + r,
    step: STEPS,
    history: history(r, spec.speed, spec.mode !== 'offline'),
    evals: [0, 20, 40, 60, 80, 100].map((step) => ({ step, summary: evaluation(r, spec.speed, step) })),
    events: [],
    visible: true,
  }));
}

/** Add the runs to the page once it has read its saved ones (reading them replaces the list). */
export async function showRuns(page: Page, runs: RunRecord[]): Promise<void> {
  type Handle = { dpoPlayground: { runs: { loaded: boolean; addImported(runs: RunRecord[]): unknown } } };
  await page.waitForFunction(() => (window as unknown as Handle).dpoPlayground?.runs.loaded === true);
  await page.evaluate((list) => void (window as unknown as Handle).dpoPlayground.runs.addImported(list), runs);
}
