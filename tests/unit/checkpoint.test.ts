import { describe, expect, it } from 'vitest';
import * as tf from '../../src/core/tf';
import { PRESETS } from '../../src/core/model/config';
import {
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  fnv1a,
  packCheckpoint,
  unpackCheckpoint,
  weightsFromCheckpoint,
} from '../../src/core/model/checkpoint';
import { generate } from '../../src/core/model/generate';
import { sequenceLogProbs } from '../../src/core/model/logprobs';
import { disposeBatch, encodeText, makeSequenceBatch } from '../../src/core/model/sequence';
import { disposeWeights, initWeights } from '../../src/core/model/weights';
import { createRng } from '../../src/core/random';
import { DEFAULT_WORLD } from '../../src/core/world/config';
import { renderScene } from '../../src/core/world/render';
import { sampleScene } from '../../src/core/world/scene';

const config = PRESETS.tiny;

describe('checkpoints', () => {
  it('round-trip to identical outputs (log-probs and sampled text)', async () => {
    const weights = initWeights(config, 11);
    const { header, data } = await encodeCheckpoint(weights, config, { note: 'test' });
    const file = packCheckpoint(header, data);
    const unpacked = unpackCheckpoint(file);
    const restored = weightsFromCheckpoint(decodeCheckpoint(unpacked.header, unpacked.data, config));
    const scene = sampleScene(createRng(1), DEFAULT_WORLD);
    const image = renderScene(scene, 36, DEFAULT_WORLD.noise);
    const batch = makeSequenceBatch([image], [encodeText('describe the image', 'red star center .')]);
    const a = (await sequenceLogProbs(weights, config, batch).data())[0];
    const b = (await sequenceLogProbs(restored, config, batch).data())[0];
    expect(b).toBe(a);
    const options = { temperature: 1, seed: 3 };
    const genA = await generate(weights, config, [image], ['describe the image'], options);
    const genB = await generate(restored, config, [image], ['describe the image'], options);
    expect(genB).toEqual(genA);
    disposeBatch(batch);
    disposeWeights(weights);
    disposeWeights(restored);
  });

  it('loading and freeing a model leaves no tensor behind (sessions load models many times)', async () => {
    const before = tf.memory().numTensors;
    const weights = initWeights(PRESETS.tiny, 3);
    const { header, data } = await encodeCheckpoint(weights, PRESETS.tiny);
    const loaded = weightsFromCheckpoint(decodeCheckpoint(header, data, PRESETS.tiny));
    disposeWeights(weights);
    disposeWeights(loaded);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a corrupted file: a flipped byte, a truncated file, a foreign file', async () => {
    const weights = initWeights(config, 12);
    const { header, data } = await encodeCheckpoint(weights, config);
    const file = packCheckpoint(header, data);

    const flipped = file.slice();
    flipped[flipped.length - 10]! ^= 0xff;
    expect(() => {
      const u = unpackCheckpoint(flipped);
      decodeCheckpoint(u.header, u.data);
    }).toThrow(/corrupted/);

    const truncated = file.slice(0, file.length - 100);
    expect(() => {
      const u = unpackCheckpoint(truncated);
      decodeCheckpoint(u.header, u.data);
    }).toThrow(/truncated or corrupted/);

    expect(() => unpackCheckpoint(new TextEncoder().encode('{"hello": "world"}'))).toThrow(CheckpointError);
    expect(() => decodeCheckpoint({ format: 'something-else' }, data)).toThrow(/not a DPO Playground checkpoint/);
    disposeWeights(weights);
  });

  it('refuses a checkpoint of another architecture, naming the difference', async () => {
    const weights = initWeights(config, 13);
    const { header, data } = await encodeCheckpoint(weights, config);
    expect(() => decodeCheckpoint(header, data, PRESETS.default)).toThrow(/another architecture.*dModel: 32 vs 64/);
    disposeWeights(weights);
  });

  it('refuses a header it cannot build before allocating anything, with the field and what is allowed', async () => {
    const weights = initWeights(config, 14);
    const { header, data } = await encodeCheckpoint(weights, config);
    disposeWeights(weights);
    const tensorsBefore = tf.memory().numTensors;
    const refused: [Record<string, unknown>, RegExp][] = [
      // The checksum covers the weights only: a header edited this way still matches it.
      [{ config: { ...config, nLayers: 1e9 } }, /cannot build: nLayers must be a whole number from 1 to 24 \(got 1000000000\)/],
      [{ config: { ...config, nHeads: 0 } }, /nHeads must be a whole number from 1 to 32 \(got 0\)/],
      [{ config: { ...config, nHeads: -4 } }, /nHeads must be a whole number from 1 to 32 \(got -4\)/],
      [{ config: { ...config, nHeads: 3 } }, /nHeads \(3\) must divide dModel \(32\)/],
      [{ config: { ...config, dModel: 1024, mlpHidden: 8192, nLayers: 24 } }, /parameters \(at most 20,000,000\)/],
      [{ config: { ...config, vocabSize: 7 } }, /vocabSize must be/],
      [{ tensors: [null] }, /tensor table entry 1 is malformed/],
      [{ tensors: header.tensors.map((t, i) => (i === 0 ? { ...t, offset: '0' } : t)) }, /tensor table entry 1 is malformed/],
      [{ version: '1' }, /checkpoint version "1" is not supported \(this app reads version 1\)/],
    ];
    for (const [edit, message] of refused) {
      expect(() => decodeCheckpoint({ ...header, ...edit }, data)).toThrow(CheckpointError);
      expect(() => decodeCheckpoint({ ...header, ...edit }, data)).toThrow(message);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses finite but absurd weights (3e38 would overflow every activation to NaN)', async () => {
    const weights = initWeights(config, 15);
    const { header, data } = await encodeCheckpoint(weights, config);
    disposeWeights(weights);
    new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4)[0] = 3e38;
    // With a matching checksum: only the values are wrong.
    expect(() => decodeCheckpoint({ ...header, checksum: fnv1a(data) }, data)).toThrow(
      /values up to 3\.0e\+38, far beyond any trained model's \(at most 10000\)/,
    );
  });
});
