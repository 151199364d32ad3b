import { describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { evaluateModel } from '../../src/core/eval/evaluate';
import { DpoTrainer } from '../../src/core/dpo/trainer';
import { DEFAULT_LOSS } from '../../src/core/dpo/loss-options';
import { disposeWeights } from '../../src/core/model/weights';
import { DEFAULT_WORLD } from '../../src/core/world/config';

describe('offline DPO from the shipped checkpoint', () => {
  it('raises rewards/accuracies and lowers CHAIR_i on held-out scenes', async () => {
    const { weights, config } = await loadCheckpointDir('models/sft-base');
    const evalOptions = { scenes: 100, seed: 3, batchSize: 100 };
    const before = await evaluateModel(weights, config, DEFAULT_WORLD, evalOptions);
    const loss = {
      ...DEFAULT_LOSS,
      terms: [
        { type: 'sigmoid' as const, weight: 1 },
        { type: 'sft' as const, weight: 1 },
      ],
    };
    const trainer = new DpoTrainer(weights, config, DEFAULT_WORLD, {
      steps: 100,
      offlinePairs: 256,
      logEvery: 10,
      learningRate: 2e-4,
      loss,
    });
    await trainer.prepare();
    const accuracies: number[] = [];
    for (let i = 0; i < 100; i++) {
      const log = await trainer.trainStep();
      if (log?.metrics['rewards/accuracies'] !== undefined) accuracies.push(log.metrics['rewards/accuracies']);
    }
    const after = await evaluateModel(weights, config, DEFAULT_WORLD, evalOptions);
    expect(accuracies[0]).toBe(0); // policy = reference at step 1: no margin yet
    expect(accuracies.at(-1)!).toBeGreaterThan(0.8);
    expect(after.chair_i).toBeLessThan(before.chair_i * 0.75);
    expect(after.cover).toBeGreaterThan(before.cover - 0.1);
    trainer.dispose();
    disposeWeights(weights);
  });
});
