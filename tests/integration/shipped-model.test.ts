import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { evaluateModel, type EvalReport } from '../../src/core/eval/evaluate';
import { EVAL_KEYS } from '../../src/core/eval/eval-record';
import { SHIPPED_MODELS } from '../../src/core/settings/controls';
import { worldForModel } from '../../src/core/world/config';

describe.each(Object.entries(SHIPPED_MODELS))('the shipped SFT checkpoint for model size %s (models/%s)', (size, directory) => {
  const dir = `models/${directory}`;
  const card = JSON.parse(readFileSync(`${dir}/eval.json`, 'utf8')) as EvalReport & { command: string };

  it('reproduces the numbers of its model card, and captions well while still hallucinating', async () => {
    const { weights, config } = await loadCheckpointDir(dir);
    expect(config.preset).toBe(size);
    const report = await evaluateModel(weights, config, worldForModel(config), { scenes: card.scenes, seed: card.seed, batchSize: 100 });
    // Every score, by name, from the flat record (POPE's three splits, every question category).
    for (const key of [...EVAL_KEYS, 'signed_scenes'] as const) expect(report[key], key).toBeCloseTo(card[key], 10);
    // The acceptance bar of the foundation issue, on 200 held-out scenes.
    expect(card.scenes).toBe(200);
    expect(report.cover).toBeGreaterThanOrEqual(0.75);
    expect(report.chair_i).toBeGreaterThanOrEqual(0.1);
    expect(report.chair_i).toBeLessThanOrEqual(0.4);
    // The language prior shows: adversarial probes fool it clearly more than random ones.
    expect(report.pope_acc).toBeLessThan(report.pope_random_acc - 0.03);
    // Signs inject it (issue 11): a good share of signed scenes' captions name the sign's shape.
    expect(report.injection).toBeGreaterThan(0.25);
  }, 300_000);
});
