import { describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { PRESETS } from '../../src/core/model/config';
import { generate } from '../../src/core/model/generate';
import { sampleFromLogits } from '../../src/core/model/sampling';
import { disposeWeights, initWeights } from '../../src/core/model/weights';
import { createRng } from '../../src/core/random';
import { DEFAULT_WORLD } from '../../src/core/world/config';
import { renderScene } from '../../src/core/world/render';
import { sampleScenes } from '../../src/core/world/scene';
import * as tf from '../../src/core/tf';
import { IMAGE_TOKENS } from '../../src/core/model/config';
import { sequenceLogProbs } from '../../src/core/model/logprobs';
import { CachedDecoder } from '../../src/core/model/cached-decoder';
import { encodeImages, forwardLogits } from '../../src/core/model/network';
import { disposeBatch, encodeText, makeSequenceBatch } from '../../src/core/model/sequence';

describe('sampling from logits', () => {
  const logits = [2, 1, 0, -1];
  it('greedy picks the argmax', () => {
    expect(sampleFromLogits(logits, { temperature: 0, topK: 0, topP: 1 }, createRng(0))).toBe(0);
  });
  it('top-k 2 never picks outside the two best', () => {
    const rng = createRng(1);
    const seen = new Set(Array.from({ length: 300 }, () => sampleFromLogits(logits, { temperature: 1, topK: 2, topP: 1 }, rng)));
    expect([...seen].sort()).toEqual([0, 1]);
  });
  it('top-p keeps the smallest set reaching p', () => {
    // softmax([2,1,0,-1]) = [0.644, 0.237, 0.087, 0.032]: p = 0.85 keeps the first two.
    const rng = createRng(2);
    const seen = new Set(Array.from({ length: 300 }, () => sampleFromLogits(logits, { temperature: 1, topK: 0, topP: 0.85 }, rng)));
    expect([...seen].sort()).toEqual([0, 1]);
  });
  it('temperature 1 matches softmax frequencies', () => {
    const rng = createRng(3);
    const n = 4000;
    let zeros = 0;
    for (let i = 0; i < n; i++) if (sampleFromLogits(logits, { temperature: 1, topK: 0, topP: 1 }, rng) === 0) zeros++;
    expect(zeros / n).toBeGreaterThan(0.61);
    expect(zeros / n).toBeLessThan(0.68);
  });
});

describe('batched generation', () => {
  const config = PRESETS.tiny;
  const scenes = sampleScenes(createRng(4), DEFAULT_WORLD, 3);
  const images = scenes.map((s) => renderScene(s, 36, DEFAULT_WORLD.noise));
  const prompts = ['describe the image', 'is there a star ?', 'how many shapes ?'];

  it('is reproducible from its seed and row-independent (batched = one by one, greedy)', async () => {
    const weights = initWeights(config, 5);
    const a = await generate(weights, config, images, prompts, { temperature: 1, seed: 9, maxNewTokens: 6 });
    const b = await generate(weights, config, images, prompts, { temperature: 1, seed: 9, maxNewTokens: 6 });
    expect(a).toEqual(b);
    const batched = await generate(weights, config, images, prompts, { maxNewTokens: 6 });
    for (let i = 0; i < 3; i++) {
      const single = await generate(weights, config, [images[i]!], [prompts[i]!], { maxNewTokens: 6 });
      expect(single[0]).toEqual(batched[i]);
    }
    for (const g of a) expect(g.ids.length).toBeLessThanOrEqual(6);
    disposeWeights(weights);
  });

  it('masking image tokens hides the image (BDHS); keeping all of them changes nothing', async () => {
    const weights = initWeights(config, 7);
    const batch = makeSequenceBatch(
      images,
      prompts.map((p) => encodeText(p, 'red star center .')),
    );
    const plain = Array.from(await sequenceLogProbs(weights, config, batch).data());
    const keepAll = tf.ones<tf.Rank.R2>([3, IMAGE_TOKENS]);
    const keepNone = tf.zeros<tf.Rank.R2>([3, IMAGE_TOKENS]);
    const withAll = Array.from(await sequenceLogProbs(weights, config, batch, keepAll).data());
    const blind = Array.from(await sequenceLogProbs(weights, config, batch, keepNone).data());
    withAll.forEach((x, i) => expect(x).toBeCloseTo(plain[i]!, 4));
    expect(blind.some((x, i) => Math.abs(x - plain[i]!) > 1e-3)).toBe(true);
    // A blind model cannot tell images apart: the same text scores the same on every image.
    const blindSame = makeSequenceBatch(
      images,
      prompts.map(() => encodeText('describe the image', 'red star center .')),
    );
    const blindScores = Array.from(await sequenceLogProbs(weights, config, blindSame, keepNone).data());
    blindScores.forEach((x) => expect(x).toBeCloseTo(blindScores[0]!, 4));
    tf.dispose([keepAll, keepNone]);
    disposeBatch(batch);
    disposeBatch(blindSame);
    disposeWeights(weights);
  });
});

describe('cached decoding', () => {
  it('gives the logits of a full forward pass at each row own position, with and without a BDHS image mask', async () => {
    const config = PRESETS.tiny;
    const weights = initWeights(config, 5);
    const rng = createRng(9);
    const scenes = sampleScenes(rng, DEFAULT_WORLD, 3);
    const texts = [
      encodeText('describe .', 'red circle top-left .'),
      encodeText('describe .', 'blue star centre and green heart bottom-right .'),
      encodeText('is there a star ?', 'no .'),
    ];
    const batch = makeSequenceBatch(
      scenes.map((s) => renderScene(s, DEFAULT_WORLD.imageSize, 0)),
      texts,
    );
    const positions = [4, 9, 7];
    for (const imageKeep of [
      undefined,
      tf.tensor2d([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1], [3, IMAGE_TOKENS]),
    ]) {
      const imageTokens = encodeImages(weights, config, batch.images);
      const full = forwardLogits(weights, config, batch.images, batch.tokens, imageKeep);
      // Prefill the first 10 text positions into a cache with room for all of them.
      const start = batch.tokens.slice([0, 0], [-1, 10]);
      const decoder = new CachedDecoder(weights, config, imageTokens, start, imageKeep, batch.tokens.shape[1]);
      start.dispose();
      // Step once at each row's position: the cache holds the prefill's keys and values before it.
      const ids = positions.map((p, b) => texts[b]!.tokens[p]!);
      const cached = decoder.step(tf.tensor1d(ids, 'int32'), tf.tensor1d(positions, 'int32'));
      const expected = tf.stack(positions.map((p, b) => full.slice([b, p, 0], [1, 1, -1]).reshape([-1])));
      const diff = (await tf.max(tf.abs(tf.sub(cached, expected))).data())[0]!;
      expect(diff).toBeLessThan(1e-4);
      decoder.dispose();
      tf.dispose([imageTokens, full, cached, expected, imageKeep]);
    }
    disposeBatch(batch);
    disposeWeights(weights);
  });
});

describe('device-side decoding', () => {
  it('greedy words chosen on the device equal greedy words chosen on the host, prefixes and budgets included', async () => {
    const config = PRESETS.tiny;
    const weights = initWeights(config, 8);
    const scenes = sampleScenes(createRng(4), DEFAULT_WORLD, 5);
    const images = scenes.map((s) => renderScene(s, DEFAULT_WORLD.imageSize, 0));
    const prompts = ['describe .', 'describe .', 'is there a star ?', 'describe .', 'how many shapes ?'];
    const prefixes = [[], [5, 6], [], [7], []];
    for (const maxNewTokens of [3, 21]) {
      // top-k equal to the vocabulary keeps every word but takes the host path.
      const device = await generate(weights, config, images, prompts, { maxNewTokens }, prefixes);
      const host = await generate(weights, config, images, prompts, { maxNewTokens, topK: config.vocabSize }, prefixes);
      expect(device).toEqual(host);
      expect(Math.max(...device.map((g) => g.ids.length))).toBeLessThanOrEqual(maxNewTokens);
    }
    disposeWeights(weights);
  });

  it('temperature sampling on the device follows softmax(logits / T) for the first word', async () => {
    const { weights, config } = await loadCheckpointDir('models/sft-base');
    const scene = sampleScenes(createRng(5), DEFAULT_WORLD, 1)[0]!;
    const image = renderScene(scene, DEFAULT_WORLD.imageSize, 0);
    const rows = 400;
    const out = await generate(weights, config, Array(rows).fill(image), Array(rows).fill('describe .'), {
      temperature: 2,
      maxNewTokens: 1,
      seed: 3,
    });
    // The same first-word distribution computed directly.
    const batch = makeSequenceBatch([image], [encodeText('describe .', [])]);
    const logits = forwardLogits(weights, config, batch.images, batch.tokens);
    const start = encodeText('describe .', []).responseStart;
    const probs = await tf.softmax(tf.div(logits.slice([0, start - 1, 0], [1, 1, -1]).reshape([-1]), 2)).data();
    const counts = new Map<number, number>();
    for (const g of out) counts.set(g.ids[0]!, (counts.get(g.ids[0]!) ?? 0) + 1);
    const top = [...probs.keys()].sort((a, b) => probs[b]! - probs[a]!)[0]!;
    // A real choice between several words (T = 2 flattens the trained model's distribution)...
    expect(probs[top]).toBeGreaterThan(0.1);
    expect(probs[top]).toBeLessThan(0.9);
    // ...sampled at its probability: the binomial standard deviation at n = 400 is at most 0.025.
    expect(Math.abs((counts.get(top) ?? 0) / rows - probs[top]!)).toBeLessThan(0.075);
    tf.dispose([logits]);
    disposeBatch(batch);
    disposeWeights(weights);
  });
});
