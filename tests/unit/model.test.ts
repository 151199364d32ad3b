import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/core/tf';
import { PRESETS, TEXT_LENGTH, parameterCount, weightShapes, type ModelConfig } from '../../src/core/model/config';
import { forwardLogits } from '../../src/core/model/network';
import { sequenceLogProbs, sftLoss } from '../../src/core/model/logprobs';
import { disposeBatch, encodeText, makeSequenceBatch } from '../../src/core/model/sequence';
import { EOS_ID, PAD_ID } from '../../src/core/world/tokenizer';
import { initWeights, disposeWeights } from '../../src/core/model/weights';
import { createRng } from '../../src/core/random';
import { DEFAULT_WORLD, worldConfigProblems, worldForModel } from '../../src/core/world/config';
import { renderScene } from '../../src/core/world/render';
import { sampleScene } from '../../src/core/world/scene';
import { groundTruthCaption } from '../../src/core/world/tasks';
import { SftTrainer } from '../../src/core/train/sft';

const config = PRESETS.tiny;

function smallBatch(seed: number, count = 3) {
  const rng = createRng(seed);
  const scenes = Array.from({ length: count }, () => sampleScene(rng, DEFAULT_WORLD));
  return makeSequenceBatch(
    scenes.map((s) => renderScene(s, 36, DEFAULT_WORLD.noise)),
    scenes.map((s, i) => (i % 2 === 0 ? encodeText('describe the image', groundTruthCaption(s)) : encodeText('is there a star ?', 'no .'))),
  );
}

describe('model shapes', () => {
  /**
   * Parameter counts worked out by hand from each preset's architecture (V = 59 words, T = 31 text
   * positions, 9 image tokens, P = patch side, c1/c2 vision channels, d width, h MLP width, L layers):
   *   vision     P*P*3*c1 + c1 + 4*c1*c2 + c2
   *   projector  c2*d + d + d*d + d
   *   embeddings 9*d (image positions) + V*d (tied token embeddings) + T*d (text positions)
   *   per layer  2d (ln1) + 3d*d + 3d (qkv) + d*d + d (proj) + 2d (ln2) + d*h + h + h*d + d (mlp) = 4d^2 + 2dh + 9d + h
   *   final LN   2d
   */
  it('has the parameter counts worked out by hand from each preset', () => {
    // tiny (P 6, c 24/48, d 32, h 64, L 1): 2616 + 4656 + 1568 + 1056 + 288 + 1888 + 992 + 8544 + 64
    expect(parameterCount(PRESETS.tiny)).toBe(21_672);
    // default (P 6, c 48/96, d 64, h 128, L 2): 5232 + 18528 + 6208 + 4160 + 576 + 3776 + 1984 + 2 x 33472 + 128
    expect(parameterCount(PRESETS.default)).toBe(107_536);
    // large (P 8, c 64/128, d 128, h 256, L 3): 12352 + 32896 + 16512 + 16512 + 1152 + 7552 + 3968 + 3 x 132480 + 256
    expect(parameterCount(PRESETS.large)).toBe(488_640);

    // The weights a model is made of: 11 vision/projector/embedding tensors, 12 per layer, the final LN.
    const weights = initWeights(config, 0);
    expect(Object.keys(weights)).toHaveLength(11 + 12 * 1 + 2);
    expect(Object.values(weights).reduce((n, w) => n + w.size, 0)).toBe(21_672);
    expect(weights['vision.patch.w']!.shape).toEqual([6 * 6 * 3, 24]);
    expect(weights['vision.merge.w']!.shape).toEqual([4 * 24, 48]);
    expect(weights['text.tokens']!.shape).toEqual([59, 32]);
    expect(weights['text.pos']!.shape).toEqual([31, 32]);
    expect(weights['block0.attn.qkv.w']!.shape).toEqual([32, 96]);
    expect(weights['block0.mlp.fc.w']!.shape).toEqual([32, 64]);
    expect(weights['block0.mlp.proj.w']!.shape).toEqual([64, 32]);
    disposeWeights(weights);
  });

  it('reads the shipped checkpoints as they were written: their tensor tables and byte sizes', () => {
    for (const [dir, count] of [
      ['models/sft-base', 107_536],
      ['models/sft-large', 488_640],
    ] as const) {
      const header = JSON.parse(readFileSync(`${dir}/checkpoint.json`, 'utf8')) as {
        config: ModelConfig;
        tensors: { name: string; shape: number[] }[];
      };
      expect(Object.fromEntries(header.tensors.map((t) => [t.name, t.shape])), dir).toEqual(weightShapes(header.config));
      expect(statSync(`${dir}/weights.bin`).size, dir).toBe(4 * count);
    }
  });

  it('the default preset is larger than the tiny one, the large one several times the default', () => {
    expect(parameterCount(PRESETS.default)).toBeGreaterThan(3 * parameterCount(PRESETS.tiny));
    expect(parameterCount(PRESETS.large)).toBeGreaterThan(4 * parameterCount(PRESETS.default));
  });

  it('the large preset reads 48 px images through 8 px patches into the same 9 image tokens', () => {
    const large = PRESETS.large;
    expect(weightShapes(large)['vision.patch.w']).toEqual([8 * 8 * 3, large.visionChannels[0]]);
    const world = worldForModel(large);
    expect(world.imageSize).toBe(48);
    expect(worldConfigProblems(world)).toEqual([]);
    const weights = initWeights(large, 0);
    const scene = sampleScene(createRng(1), world);
    const batch = makeSequenceBatch([renderScene(scene, 48, 0)], [encodeText('describe the image', groundTruthCaption(scene))]);
    const logits = forwardLogits(weights, large, batch.images, batch.tokens);
    expect(logits.shape).toEqual([1, batch.tokens.shape[1], large.vocabSize]);
    // An image of another size is refused with the sizes named, not a shape error deep in tfjs.
    const small = makeSequenceBatch([renderScene(scene, 36, 0)], [encodeText('describe the image', 'yes .')]);
    expect(() => forwardLogits(weights, large, small.images, small.tokens)).toThrow('images are 36 px; this model reads 48 px');
    expect(worldConfigProblems({ ...world, imageSize: 40 })).toEqual(['imageSize must be a multiple of 6 between 36 and 96 px (got 40)']);
    tf.dispose(logits);
    disposeBatch(batch);
    disposeBatch(small);
    disposeWeights(weights);
  });
});

describe('sequence log-probabilities', () => {
  it('equal the sum of per-token log-softmax picked by hand over the response tokens', async () => {
    const weights = initWeights(config, 1);
    const batch = smallBatch(1);
    const logits = forwardLogits(weights, config, batch.images, batch.tokens);
    const [b, t, v] = logits.shape;
    const values = await logits.data();
    const tokens = await batch.tokens.data();
    const mask = await batch.targetMask.data();
    const byHand: number[] = [];
    for (let row = 0; row < b; row++) {
      let sum = 0;
      for (let pos = 1; pos < t; pos++) {
        if (mask[row * t + pos] === 0) continue;
        const base = (row * t + pos - 1) * v;
        const slice = Array.from(values.slice(base, base + v));
        const max = Math.max(...slice);
        const logZ = max + Math.log(slice.reduce((s, x) => s + Math.exp(x - max), 0));
        sum += slice[tokens[row * t + pos]!]! - logZ;
      }
      byHand.push(sum);
    }
    const computed = Array.from(await sequenceLogProbs(weights, config, batch).data());
    computed.forEach((x, i) => expect(x).toBeCloseTo(byHand[i]!, 3));
    // A response is several words long: each costs about log(V) nats at init.
    expect(byHand[0]!).toBeLessThan(-5);
    logits.dispose();
    disposeBatch(batch);
    disposeWeights(weights);
  });

  it('do not depend on padding after the response (causal mask), so batches drop trailing padding', async () => {
    const weights = initWeights(config, 2);
    const batch = smallBatch(2, 1);
    const trimmed = makeSequenceBatch([(await batch.images.data()) as Float32Array], [encodeText('is there a star ?', 'yes .')]);
    // The batch ends at the response's <eos>: later columns would hold only padding.
    const [, used] = trimmed.tokens.shape;
    expect(used).toBeLessThan(TEXT_LENGTH);
    expect((await trimmed.tokens.array())[0]![used - 1]).toBe(EOS_ID);
    const before = (await sequenceLogProbs(weights, config, trimmed).data())[0]!;
    // The full-length layout, with a word (not padding) in the last slot far after <eos>.
    const tokens = (await trimmed.tokens.array())[0]!;
    const full = [...tokens, ...new Array<number>(TEXT_LENGTH - used).fill(PAD_ID)];
    full[TEXT_LENGTH - 1] = 20;
    const mask = [...(await trimmed.targetMask.array())[0]!, ...new Array<number>(TEXT_LENGTH - used).fill(0)];
    const padded = { images: trimmed.images, tokens: tf.tensor2d([full], undefined, 'int32'), targetMask: tf.tensor2d([mask]) };
    const after = (await sequenceLogProbs(weights, config, padded).data())[0]!;
    expect(after).toBeCloseTo(before, 5);
    disposeBatch(batch);
    disposeBatch(trimmed);
    tf.dispose([padded.tokens, padded.targetMask]);
    disposeWeights(weights);
  });
});

describe('SFT loss', () => {
  it('has gradients that match central finite differences', async () => {
    const weights = initWeights(config, 3);
    const batch = smallBatch(3);
    const names = ['projector.fc1.w', 'block0.attn.qkv.w', 'text.tokens', 'vision.patch.w', 'final.ln.g'];
    const variables = names.map((n) => weights[n]!);
    const { grads, value } = tf.variableGrads(() => sftLoss(weights, config, batch), variables);
    value.dispose();
    const rng = createRng(9);
    for (const name of names) {
      const variable = weights[name]!;
      const analytic = await grads[variable.name]!.data();
      const original = await variable.data();
      // Probe the coordinate with the largest gradient plus one random coordinate.
      let biggest = 0;
      for (let i = 1; i < analytic.length; i++) if (Math.abs(analytic[i]!) > Math.abs(analytic[biggest]!)) biggest = i;
      for (const index of [biggest, rng.int(analytic.length)]) {
        const eps = 1e-2;
        const lossAt = async (delta: number) => {
          const shifted = original.slice();
          shifted[index] = shifted[index]! + delta;
          variable.assign(tf.tensor(shifted, variable.shape));
          const loss = sftLoss(weights, config, batch);
          const out = (await loss.data())[0]!;
          loss.dispose();
          return out;
        };
        const numeric = ((await lossAt(eps)) - (await lossAt(-eps))) / (2 * eps);
        variable.assign(tf.tensor(original, variable.shape));
        expect(Math.abs(numeric - analytic[index]!)).toBeLessThan(2e-3 + 0.05 * Math.abs(numeric));
      }
    }
    tf.dispose(grads);
    disposeBatch(batch);
    disposeWeights(weights);
  });

  it('falls on a short run', async () => {
    const weights = initWeights(config, 4);
    const trainer = new SftTrainer(weights, config, DEFAULT_WORLD, {
      steps: 60,
      batchSize: 16,
      logEvery: 20,
      warmupSteps: 5,
      learningRate: 3e-3,
    });
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const log = await trainer.trainStep();
      if (log?.metrics.loss !== undefined) losses.push(log.metrics.loss);
    }
    expect(losses[0]!).toBeGreaterThan(3); // about log(vocabulary) at init
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.6);
    trainer.dispose();
    disposeWeights(weights);
  });

  it('keeps the number of live tensors flat across steps', async () => {
    const weights = initWeights(config, 5);
    const trainer = new SftTrainer(weights, config, DEFAULT_WORLD, { steps: 20, batchSize: 4 });
    await trainer.trainStep();
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) await trainer.trainStep();
    expect(tf.memory().numTensors).toBe(after1);
    trainer.dispose();
    disposeWeights(weights);
  });
});
