import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import * as tf from '../../src/core/tf';
import { defaultConfig, type PlaygroundConfig } from '../../src/core/settings/controls';
import { RunSession, type Model } from '../../src/core/session/run-session';
import { TrainingLoop, type RunUpdate } from '../../src/core/session/training-loop';
import { runUpdateProblems } from '../../src/core/runs/run-update-schema';
import { disposeWeights } from '../../src/core/model/weights';

const waitFor = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

describe('the training loop the worker drives', () => {
  let start: Model;
  beforeAll(async () => {
    start = await loadCheckpointDir('models/sft-base');
  });
  afterAll(() => disposeWeights(start.weights));

  const config: PlaygroundConfig = { ...defaultConfig(), steps: 8, batchSize: 4, offlinePairs: 16, evalScenes: 8, evalEvery: 4 };

  it('streams batched metrics and evals at 0, every N and the end, pauses, single-steps and resumes', async () => {
    const updates: RunUpdate[] = [];
    const session = new RunSession(start, config);
    const loop = new TrainingLoop(session, (u) => updates.push(u), { evalEvery: 4, flushMs: 50, galleryCount: 2 });
    const running = loop.run();
    await waitFor(() => session.step >= 1, 'the first step');
    loop.pause();
    await waitFor(() => updates.at(-1)?.status === 'paused', 'the paused status');
    const pausedAt = session.step;
    await new Promise((r) => setTimeout(r, 300));
    expect(session.step).toBe(pausedAt);

    await loop.stepOnce();
    expect(session.step).toBe(pausedAt + 1);
    expect(updates.at(-1)!.step).toBe(pausedAt + 1);

    loop.resume();
    await running;
    expect(loop.status).toBe('done');
    expect(session.step).toBe(8);

    // Every message the page will receive passes the schema it checks them with.
    for (const update of updates) expect(runUpdateProblems(update)).toEqual([]);
    const points = updates.flatMap((u) => u.points);
    // Step 1 is always logged (the first chart point), and points arrive in step order.
    expect(points[0]!.step).toBe(1);
    expect(points.map((p) => p.step)).toEqual([...points.map((p) => p.step)].sort((a, b) => a - b));
    // At step 1 the policy equals the reference: DPO's sigmoid term is exactly ln 2, margins 0.
    expect(points[0]!.metrics['rewards/margins']).toBeCloseTo(0, 5);
    expect(updates.flatMap((u) => u.evals).map((e) => e.step)).toEqual([0, 4, 8]);
    const gallery = updates.filter((u) => u.gallery).at(-1)!.gallery!;
    expect(gallery).toHaveLength(2);
    expect(gallery[0]!.rgba.length).toBe(36 * 36 * 4);
    const firstPairs = updates.find((u) => u.pairs)!.pairs!;
    expect(firstPairs).toHaveLength(4);
    // The pair inspector's rewards, beta * (log pi - log pi_ref): zero at step 1, when pi = pi_ref.
    expect(firstPairs[0]!.chosenReward).toBeCloseTo(0, 5);
    expect(firstPairs[0]!.rejectedReward).toBeCloseTo(0, 5);
    const lastPairs = updates.filter((u) => u.pairs).at(-1)!.pairs!;
    expect(lastPairs.some((p) => Math.abs(p.chosenReward!) > 1e-4)).toBe(true);
    expect(updates.at(-1)!.status).toBe('done');
    session.dispose();
  });

  it('stops early on request, keeps the starting model untouched, and reports a failure in words', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const before = await start.weights['block0.attn.qkv.w']!.data();
    const updates: RunUpdate[] = [];
    const session = new RunSession(start, { ...config, steps: 50, evalEvery: 0 });
    const loop = new TrainingLoop(session, (u) => updates.push(u), { evalEvery: 0, flushMs: 50, galleryCount: 1 });
    const running = loop.run();
    await waitFor(() => session.step >= 2, 'two steps');
    loop.stop();
    await running;
    expect(loop.status).toBe('stopped');
    expect(session.step).toBeLessThan(50);
    const after = await start.weights['block0.attn.qkv.w']!.data();
    expect(Array.from(after)).toEqual(Array.from(before));
    session.dispose();

    const failing = new RunSession(start, { ...config, method: 'online', judge: 'human', steps: 2 });
    const failed: RunUpdate[] = [];
    await new TrainingLoop(failing, (u) => failed.push(u), { evalEvery: 0, flushMs: 50, galleryCount: 1 }).run({ skipBaseline: true });
    expect(failed.at(-1)!.status).toBe('failed');
    expect(failed.at(-1)!.error).toMatch(/human judge needs a person/);
    failing.dispose();
    // Every tensor a run made is released with it (long sessions in the browser depend on this).
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
