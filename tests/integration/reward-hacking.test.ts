import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { findLesson, lessonConfig } from '../../src/core/playground/lessons';
import { runHeadless, type HeadlessRun } from '../../src/core/playground/headless-run';
import type { Model } from '../../src/core/playground/run-session';
import { disposeWeights } from '../../src/core/model/weights';
import type { MetricName } from '../../src/core/dpo/metric-names';

/** Mean of a logged metric over the first and the last logging interval that has it. */
function firstAndLast(run: HeadlessRun, metric: MetricName): [number, number] {
  const values = run.history.map((p) => p.metrics[metric]).filter((v): v is number => v !== undefined);
  return [values[0]!, values.at(-1)!];
}

// The "Reward hacking" lesson's claim, on its settings, shortened to 60 steps (the effect is clear
// by step 50 in the 150-step runs of docs/results.md) and 100 held-out scenes.
describe('the reward hacking lesson', () => {
  let start: Model;
  beforeAll(async () => {
    start = await loadCheckpointDir('models/sft-base');
  });
  afterAll(() => disposeWeights(start.weights));

  const lesson = findLesson('reward-hacking')!;
  const config = { ...lessonConfig(lesson), steps: 60, evaln: 100, evalevery: 60 };

  it('without facts: the reward model score climbs while CHAIR_i does not fall', async () => {
    const run = await runHeadless(start, config);
    expect(run.status).toBe('done');
    const [firstScore, lastScore] = firstAndLast(run, 'objective/scores');
    expect(lastScore).toBeGreaterThan(firstScore + 2);
    const [before, after] = [run.evals[0]!.summary, run.evals.at(-1)!.summary];
    expect(after.chair_i).toBeGreaterThanOrEqual(before.chair_i);
  });

  it('with facts (reward-facts): CHAIR_i falls by more than half, Cover held', async () => {
    const run = await runHeadless(start, { ...config, judge: 'reward-facts' });
    expect(run.status).toBe('done');
    const [before, after] = [run.evals[0]!.summary, run.evals.at(-1)!.summary];
    expect(after.chair_i).toBeLessThan(before.chair_i / 2);
    expect(after.cover).toBeGreaterThan(before.cover - 0.15);
  });
});
