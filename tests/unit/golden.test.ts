import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { goldenOnCpu, loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { checkGolden, GOLDEN_TOLERANCE } from '../../src/core/checks/golden';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../src/core/model/checkpoint';
import { PRESETS } from '../../src/core/model/config';
import { disposeWeights, initWeights } from '../../src/core/model/weights';
import * as tf from '../../src/core/tf';

describe('golden self-check values', () => {
  it('the shipped checkpoint carries cpu-backend values that WASM reproduces within the tolerance', async () => {
    const header = JSON.parse(await readFile('models/sft-base/checkpoint.json', 'utf8'));
    expect(header.golden.backend).toBe('cpu');
    expect(header.golden.logProbs).toHaveLength(8);
    const { weights, config } = await loadCheckpointDir('models/sft-base');
    const check = await checkGolden(weights, config, header.golden);
    expect(tf.getBackend()).toBe('wasm');
    expect(check.ok).toBe(true);
    expect(check.maxDiff).toBeLessThan(GOLDEN_TOLERANCE / 10);
    disposeWeights(weights);
  });

  it('fail when a weight changes by an amount no rounding explains, and name the backend and the gap', async () => {
    const { weights, config } = await loadCheckpointDir('models/sft-base');
    const golden = await goldenOnCpu(weights, config);
    expect(tf.getBackend()).toBe('wasm');
    expect((await checkGolden(weights, config, golden)).ok).toBe(true);
    // A wrong kernel or a tampered file: the final layer-norm gain 10% off makes every logit 10% sharper.
    const gain = weights['final.ln.g']!;
    gain.assign(tf.tidy(() => tf.mul(gain, 1.1)));
    const check = await checkGolden(weights, config, golden);
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/^wasm disagrees with the cpu golden values by [\d.e-]+ nats/);
    disposeWeights(weights);
  });

  it('a wrong backward kernel fails the check even though the forward pass is right', async () => {
    const { weights, config } = await loadCheckpointDir('models/sft-base');
    const golden = await goldenOnCpu(weights, config);
    expect(golden.gradientNorms).toHaveLength(Object.keys(weights).length);
    // GELU's backward kernel on WASM (wasm/fused-kernels.ts) 5% too large: every log-prob is
    // unchanged, training is not.
    const original = tf.getKernel('DpoGeluGrad', 'wasm');
    tf.unregisterKernel('DpoGeluGrad', 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const out = original.kernelFunc(args) as tf.TensorInfo;
        const values = (args.backend as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array }).typedArrayFromHeap(out);
        for (let i = 0; i < values.length; i++) values[i]! *= 1.05;
        return out;
      },
    });
    try {
      const check = await checkGolden(weights, config, golden);
      expect(check.maxDiff).toBeLessThan(GOLDEN_TOLERANCE / 10);
      expect(check.ok).toBe(false);
      expect(check.message).toMatch(/^wasm computes other gradients than the cpu golden values \([\w.]+: [\d.]+% off, allowed 0\.1%\)$/);
    } finally {
      tf.unregisterKernel('DpoGeluGrad', 'wasm');
      tf.registerKernel(original);
    }
    expect((await checkGolden(weights, config, golden)).ok).toBe(true);
    disposeWeights(weights);
  });

  it('malformed golden values in a checkpoint header are refused with a clear message', async () => {
    const config = PRESETS.tiny;
    const weights = initWeights(config, 2);
    const { header, data } = await encodeCheckpoint(weights, config, {}, { backend: 'cpu', seed: 1, logProbs: [-1, -2] });
    expect(() => decodeCheckpoint(header, data)).not.toThrow();
    for (const golden of [
      { backend: 'cpu', seed: 1, logProbs: [NaN] },
      { backend: 'cpu', seed: 1, logProbs: [-1], gradientNorms: [1, 2] },
      { backend: 'cpu', seed: 1, logProbs: [-1], gradientNorms: Array(100).fill(-1) },
      { backend: 'cpu', seed: 1, logProbs: 'x' },
      { backend: 3, seed: 1, logProbs: [] },
      null,
    ]) {
      expect(() => decodeCheckpoint({ ...header, golden }, data)).toThrow(CheckpointError);
      expect(() => decodeCheckpoint({ ...header, golden }, data)).toThrow(/golden/);
    }
    disposeWeights(weights);
  });
});
