import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { disposeWeights, frozenCopy } from '../../src/core/model/weights';
import { defaultConfig, type PlaygroundConfig } from '../../src/core/settings/controls';
import { RunSession, type Model, type SessionState } from '../../src/core/session/run-session';
import type { MetricPoint } from '../../src/core/runs/run-record';
import type { Weights } from '../../src/core/model/weights';

async function train(session: RunSession, steps: number): Promise<MetricPoint[]> {
  const points: MetricPoint[] = [];
  for (let i = 0; i < steps; i++) {
    const { point } = await session.trainStep();
    if (point) points.push(point);
  }
  return points;
}

async function values(weights: Weights): Promise<number[]> {
  const all: number[] = [];
  for (const name of Object.keys(weights).sort()) all.push(...(await weights[name]!.data()));
  return all;
}

/**
 * A run that crashes after `crashAt` steps and resumes from its saved weights and trainer state must
 * be the run that did not crash: the same metrics at every later step and the same final weights.
 */
describe('a resumed run continues exactly', () => {
  let start: Model;
  beforeAll(async () => {
    start = await loadCheckpointDir('models/sft-base');
  });
  afterAll(() => disposeWeights(start.weights));

  const base: PlaygroundConfig = { ...defaultConfig(), steps: 7, batchSize: 4, offlinePairs: 12, samples: 2, evalScenes: 4 };
  it.each([
    ['offline DPO', 3, { method: 'offline' }],
    ['online DPO', 3, { method: 'online' }],
    ['mixed DPO with TR-DPO reference syncs', 3, { method: 'mixed', referenceSync: 2 }],
    // Round 2 of 2 starts at step 5 (rounds of 4 steps): its reference and data must come back.
    ['mixed DPO in the second of two iterative rounds', 5, { method: 'mixed', rounds: 2 }],
    ['SFT', 3, { method: 'sft' }],
  ] as const satisfies readonly (readonly [string, number, Partial<PlaygroundConfig>])[])(
    '%s: crash after step %i, resume, and match the uninterrupted run step for step',
    async (_, crashAt, overrides) => {
      const config: PlaygroundConfig = { ...base, ...overrides };

      const whole = new RunSession(start, config);
      await whole.prepare();
      const wholeHistory = await train(whole, config.steps);
      const wholeWeights = await values(whole.policy);
      whole.dispose();

      const crashed = new RunSession(start, config);
      await crashed.prepare();
      await train(crashed, crashAt);
      const saved: SessionState = structuredClone(await crashed.saveState()); // as IndexedDB would store it
      const savedPolicy = frozenCopy(crashed.policy);
      crashed.dispose();

      const resumed = new RunSession(start, config);
      resumed.restore(savedPolicy, crashAt, saved);
      disposeWeights(savedPolicy);
      await resumed.prepare();
      const resumedHistory = await train(resumed, config.steps - crashAt);
      expect(resumed.step).toBe(config.steps);
      expect(resumedHistory.length).toBeGreaterThan(0);
      expect(resumedHistory).toEqual(wholeHistory.filter((p) => p.step > crashAt));
      expect(await values(resumed.policy)).toEqual(wholeWeights);
      resumed.dispose();
    },
  );

  it('without the trainer state (an old recovery point) it still resumes, from the weights alone', async () => {
    const config: PlaygroundConfig = { ...base, method: 'offline' };
    const session = new RunSession(start, config);
    session.restore(start.weights, 3);
    await session.prepare();
    await train(session, 4);
    expect(session.step).toBe(7);
    session.dispose();
  });
});
