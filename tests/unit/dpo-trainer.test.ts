import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '../../src/core/tf';
import { PRESETS } from '../../src/core/model/config';
import { sequenceLogProbs } from '../../src/core/model/logprobs';
import { disposeBatch, encodeText, makeSequenceBatch } from '../../src/core/model/sequence';
import { assignWeights, disposeWeights, initWeights } from '../../src/core/model/weights';
import { SftTrainer } from '../../src/core/train/sft';
import { createRng } from '../../src/core/random';
import { DEFAULT_WORLD } from '../../src/core/world/config';
import { renderScene } from '../../src/core/world/render';
import { sampleScene } from '../../src/core/world/scene';
import { DpoTrainer } from '../../src/core/dpo/trainer';
import { DEFAULT_LOSS } from '../../src/core/dpo/loss-options';
import { PackedAdam } from '../../src/core/train/optimizer';
import type { TrainerLog } from '../../src/core/train/trainer';
import type { Metrics } from '../../src/core/dpo/metric-names';
import { defaultConfig } from '../../src/core/settings/controls';
import { diagnose } from '../../src/core/diagnosis/diagnostics';

const config = PRESETS.tiny;
const world = DEFAULT_WORLD;

/**
 * The optimizer's next step sees a NaN loss, as an overflow would make it: the test wraps the
 * optimizer's step (the trainers carry no fault hook of their own).
 */
function poisonNextStep(): void {
  const spy = vi.spyOn(PackedAdam.prototype, 'step');
  spy.mockImplementationOnce(function (this: PackedAdam, lossFn, maxGradNorm) {
    // The real step again, for this call and every later one.
    spy.mockRestore();
    return this.step(() => tf.add<tf.Scalar>(lossFn(), NaN), maxGradNorm);
  });
}

describe('a step with a non-finite loss, in either trainer', () => {
  afterEach(() => vi.restoreAllMocks());

  const trainers = {
    DPO: (weights: ReturnType<typeof initWeights>) =>
      new DpoTrainer(weights, config, world, { steps: 10, batchSize: 4, offlinePairs: 8, logEvery: 3, learningRate: 1e-2 }),
    SFT: (weights: ReturnType<typeof initWeights>) =>
      new SftTrainer(weights, config, world, { steps: 10, batchSize: 4, logEvery: 3, warmupSteps: 0, learningRate: 1e-2 }),
  };

  it.each(['DPO', 'SFT'] as const)('%s: is refused, the weights kept, and the log and the diagnosis say so', async (method) => {
    const weights = initWeights(config, 3);
    const trainer = trainers[method](weights);
    await trainer.prepare();
    await trainer.trainStep();
    await trainer.trainStep();
    const before = Array.from(await weights['final.ln.g']!.data());
    poisonNextStep();
    const log = (await trainer.trainStep())!; // step 3 is a logging step
    expect(Array.from(await weights['final.ln.g']!.data())).toEqual(before);
    expect(log.events).toEqual(['1 step(s) before step 3 had a non-finite loss or gradient: they were refused and the weights restored']);
    expect(log.metrics.refused_steps).toBe(1);
    const diagnosis = (metrics: Metrics) =>
      diagnose({ history: [{ step: 1, metrics }], evals: [], config: defaultConfig() }).find((d) => d.id === 'non-finite');
    expect(diagnosis(log.metrics)?.title).toBe('A metric became NaN or infinite'); // the refused step's loss
    // Training goes on normally afterwards; the refusal is told once and stays counted.
    const later: TrainerLog[] = [];
    for (let step = 4; step <= 6; step++) {
      const next = await trainer.trainStep();
      if (next) later.push(next);
    }
    expect(later.flatMap((l) => l.events)).toEqual([]);
    expect(Array.from(await weights['final.ln.g']!.data())).not.toEqual(before);
    const next = later.at(-1)!;
    expect(next.step).toBe(6);
    expect(Object.values(next.metrics).every(Number.isFinite)).toBe(true);
    expect(next.metrics.refused_steps).toBe(1);
    expect(diagnosis(next.metrics)?.title).toBe('Some steps were skipped because of NaN gradients');
    trainer.dispose();
    disposeWeights(weights);
  });
});

describe('DPO trainer', () => {
  it('starts at loss ln 2 with zero margins (policy = reference) and raises accuracy on its pairs', async () => {
    const weights = initWeights(config, 1);
    const trainer = new DpoTrainer(weights, config, world, {
      steps: 60,
      batchSize: 8,
      offlinePairs: 32,
      logEvery: 20,
      learningRate: 3e-3,
      loss: DEFAULT_LOSS,
    });
    await trainer.prepare();
    const first = (await trainer.trainStep())!;
    expect(first.metrics.loss).toBeCloseTo(Math.LN2, 4);
    expect(first.metrics['rewards/margins']).toBeCloseTo(0, 4);
    let last = first;
    for (let i = 1; i < 60; i++) last = (await trainer.trainStep()) ?? last;
    // The last logging interval (steps 41-60) is the mean accuracy over those steps.
    expect(last.step).toBe(60);
    expect(last.metrics['rewards/accuracies']).toBeGreaterThan(0.8);
    expect(last.metrics.loss).toBeLessThan(0.5);
    trainer.dispose();
    disposeWeights(weights);
  });

  it('keeps the tensor count flat over 50 steps', async () => {
    const weights = initWeights(config, 2);
    const trainer = new DpoTrainer(weights, config, world, { steps: 60, batchSize: 4, offlinePairs: 16, logEvery: 10 });
    await trainer.prepare();
    await trainer.trainStep();
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) await trainer.trainStep();
    expect(tf.memory().numTensors).toBe(baseline);
    trainer.dispose();
    disposeWeights(weights);
  });

  it('online pairs come from the current policy, not from the reference it started as', async () => {
    const policy = initWeights(config, 4);
    const trainer = new DpoTrainer(policy, config, world, {
      mode: 'online',
      steps: 1,
      batchSize: 6,
      samples: 4,
      logEvery: 1,
      learningRate: 1e-9,
    });
    // Move the policy away from the reference: give it the weights of a briefly fine-tuned model.
    const tuned = initWeights(config, 5);
    const sft = new SftTrainer(tuned, config, world, { steps: 80, batchSize: 16, warmupSteps: 5, learningRate: 3e-3 });
    for (let i = 0; i < 80; i++) await sft.trainStep();
    sft.dispose();
    assignWeights(policy, tuned);
    const other = trainer.referenceWeights;
    const log = (await trainer.trainStep())!;
    expect(log.pairs.length).toBeGreaterThan(0);
    const rng = createRng(0);
    const image = renderScene(sampleScene(rng, world), 36, world.noise);
    const texts = log.pairs.flatMap((p) => [p.chosen, p.rejected]);
    const batch = makeSequenceBatch(
      texts.map(() => image),
      texts.map((t) => encodeText('describe the image', t)),
    );
    const underPolicy = tf.mean(sequenceLogProbs(policy, config, batch));
    const underOther = tf.mean(sequenceLogProbs(other, config, batch));
    expect((await underPolicy.data())[0]!).toBeGreaterThan((await underOther.data())[0]! + 3);
    disposeBatch(batch);
    tf.dispose([underPolicy, underOther]);
    trainer.dispose();
    disposeWeights(policy);
    disposeWeights(tuned);
  });

  it('mixed mode draws each example offline with probability p, else online', async () => {
    const weights = initWeights(config, 8);
    const trainer = new DpoTrainer(weights, config, world, {
      mode: 'mixed',
      mixedOfflineProbability: 0.5,
      steps: 3,
      batchSize: 16,
      samples: 3,
      offlinePairs: 16,
      logEvery: 1,
      sampling: { temperature: 1.5, topK: 0, topP: 1, maxNewTokens: 8 },
    });
    await trainer.prepare();
    const sources = new Set<string>();
    for (let i = 0; i < 3; i++) for (const p of (await trainer.trainStep())!.pairs) sources.add(p.source.split(' ')[0]!.replace(':', ''));
    expect(sources).toEqual(new Set(['gt-corrupt', 'online']));
    trainer.dispose();
    disposeWeights(weights);
  });

  it('TR-DPO sync moves the reference toward the policy', async () => {
    const weights = initWeights(config, 9);
    const trainer = new DpoTrainer(weights, config, world, {
      steps: 4,
      batchSize: 4,
      offlinePairs: 8,
      logEvery: 4,
      learningRate: 1e-2,
      referenceSync: { every: 2, mix: 1 },
    });
    await trainer.prepare();
    await trainer.trainStep();
    const policyAfter1 = Array.from(await weights['final.ln.g']!.data());
    expect(Array.from(await trainer.referenceWeights['final.ln.g']!.data())).not.toEqual(policyAfter1);
    await trainer.trainStep(); // step 2: sync with mix 1 copies the policy
    expect(Array.from(await trainer.referenceWeights['final.ln.g']!.data())).toEqual(Array.from(await weights['final.ln.g']!.data()));
    trainer.dispose();
    disposeWeights(weights);
  });

  it('RLAIF-V rounds make the current policy the reference and rebuild the data', async () => {
    const weights = initWeights(config, 10);
    const trainer = new DpoTrainer(weights, config, world, {
      steps: 4,
      rounds: 2,
      batchSize: 4,
      offlinePairs: 8,
      logEvery: 4,
      learningRate: 1e-2,
    });
    await trainer.prepare();
    await trainer.trainStep();
    await trainer.trainStep();
    expect(Array.from(await trainer.referenceWeights['final.ln.g']!.data())).not.toEqual(Array.from(await weights['final.ln.g']!.data()));
    const policyBeforeRound2 = Array.from(await weights['final.ln.g']!.data());
    const log = (await trainer.trainStep())!; // step 3 starts round 2
    expect(log.events.join(' ')).toMatch(/round 2: the reference is now the current policy/);
    expect(Array.from(await trainer.referenceWeights['final.ln.g']!.data())).toEqual(policyBeforeRound2);
    trainer.dispose();
    disposeWeights(weights);
  });

  it('trains with the mDPO conditional term (corrupted images) without leaking tensors', async () => {
    const weights = initWeights(config, 11);
    const trainer = new DpoTrainer(weights, config, world, {
      steps: 6,
      batchSize: 4,
      offlinePairs: 8,
      logEvery: 5,
      loss: { ...DEFAULT_LOSS, mdpoWeight: 1 },
    });
    await trainer.prepare();
    const first = (await trainer.trainStep())!;
    // At step 1 policy = reference: sigmoid ln 2 + conditional ln 2 + anchor ln 2.
    expect(first.metrics.loss).toBeCloseTo(3 * Math.LN2, 4);
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await trainer.trainStep();
    expect(tf.memory().numTensors).toBe(baseline);
    trainer.dispose();
    disposeWeights(weights);
  });

  it('changes lr and beta mid-run: the next update is 10x larger and the next rewards 5x', async () => {
    // Three identical runs; after step 1 one gets 10x the learning rate, another 5x beta.
    const runs = [0, 1, 2].map(() => {
      const weights = initWeights(config, 6);
      const trainer = new DpoTrainer(weights, config, world, { steps: 4, batchSize: 2, offlinePairs: 4, logEvery: 1, learningRate: 1e-3 });
      return { weights, trainer };
    });
    const snapshot = async (weights: Record<string, tf.Tensor>) =>
      Object.fromEntries(await Promise.all(Object.entries(weights).map(async ([name, t]) => [name, await t.data()] as const)));
    const steps = [];
    for (const [i, { weights, trainer }] of runs.entries()) {
      await trainer.prepare();
      await trainer.trainStep();
      if (i === 1) trainer.setLearningRate(1e-2);
      if (i === 2) trainer.setBeta(0.5);
      const before = await snapshot(weights);
      const log = (await trainer.trainStep())!;
      const after = await snapshot(weights);
      let squared = 0;
      for (const name of Object.keys(before)) before[name]!.forEach((v, j) => (squared += (after[name]![j]! - v) ** 2));
      steps.push({ log, update: Math.sqrt(squared) });
    }
    const [kept, fasterLr, higherBeta] = steps as [(typeof steps)[0], (typeof steps)[0], (typeof steps)[0]];
    expect(fasterLr.log.metrics.learning_rate).toBe(1e-2);
    expect(higherBeta.log.metrics.beta).toBe(0.5);
    expect(kept.update).toBeGreaterThan(0);
    // Same weights, batch and gradient at step 2, so the same Adam direction: only the step size differs.
    expect(fasterLr.update / kept.update).toBeCloseTo(10, 3);
    // Rewards are beta * (log pi - log pi_ref): the same log-ratios, scaled by beta 0.5 vs 0.1.
    expect(higherBeta.log.metrics['rewards/chosen']! / kept.log.metrics['rewards/chosen']!).toBeCloseTo(5, 3);
    for (const { weights, trainer } of runs) {
      trainer.dispose();
      disposeWeights(weights);
    }
  });
});
