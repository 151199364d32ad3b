import { describe, expect, it } from 'vitest';
import * as tf from '../../src/core/tf';
import { fusedKernelChecks } from '../../src/core/checks/fused-check';
import { fusedKernelsActive, gelu, layerNorm, plainLayerNorm, softmax } from '../../src/core/ops/fused';

describe('fused kernels on WASM', () => {
  it('are active on the backend the tests use', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(fusedKernelsActive()).toBe(true);
  });

  it('match their plain tfjs paths in value and gradient at a default step shapes', async () => {
    const checks = await fusedKernelChecks();
    expect(checks.map((c) => c.op)).toContain('layer norm');
    expect(checks.map((c) => c.op)).toContain('softmax');
    for (const check of checks) {
      expect(check.valueDiff, check.op).toBeLessThan(1e-5 * Math.max(10, check.valueScale));
      expect(check.gradientDiff, check.op).toBeLessThan(1e-5 * Math.max(1, check.gradientScale));
    }
  });

  it.each([6, 7, 9])('layer norm over a width of %i (SIMD columns, then single ones) matches the plain path', async (width) => {
    const x = tf.randomNormal([5, width], 0, 2, 'float32', 11);
    const gain = tf.randomNormal([width], 1, 0.3, 'float32', 12);
    const bias = tf.randomNormal([width], 0, 0.3, 'float32', 13);
    const upstream = tf.randomNormal([5, width], 0, 1, 'float32', 14);
    const outputs = [layerNorm, plainLayerNorm].map((norm) =>
      tf.tidy(() => [norm(x, gain, bias), ...tf.grads((a, g, b) => tf.sum(tf.mul(norm(a, g, b), upstream)))([x, gain, bias])]),
    );
    for (const [i, fused] of outputs[0]!.entries()) {
      const got = await fused.data();
      const want = await outputs[1]![i]!.data();
      for (let j = 0; j < want.length; j++) expect(Math.abs(got[j]! - want[j]!), `output ${i} entry ${j}`).toBeLessThan(1e-5);
    }
    tf.dispose([x, gain, bias, upstream, ...outputs.flat()]);
  });

  it('softmax gives exact zeros for masked scores and no denormal floats', async () => {
    // A causal row: -1e9 where the key is hidden; e^-85 where it is merely unlikely.
    const scores = tf.tensor2d([[0, -1e9, -1e9, -85, 1, 2.5, -3, 0.25]]);
    const got = Array.from(await softmax(scores).data());
    const plain = Array.from(await tf.softmax(scores).data());
    expect(got[1]).toBe(0);
    expect(got[2]).toBe(0);
    for (const p of got) expect(p === 0 || Math.abs(p) >= 1.1754944e-38, `${p} is denormal`).toBe(true);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - plain[i]!)).toBeLessThan(1e-6);
    expect(got.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('GELU and its gradient stay finite and normal far out on both sides', async () => {
    const x = tf.tensor1d([-1e4, -200, -60, -5, -1, 0, 1, 5, 60, 200, 1e4]);
    const [value, grad] = tf.tidy(() => {
      const { grad: g } = tf.valueAndGrad((t: tf.Tensor) => tf.sum(gelu(t)))(x);
      return [gelu(x), g];
    });
    const values = Array.from(await value.data());
    const grads = Array.from(await grad.data());
    const exact = (v: number) => v / (1 + Math.exp(-1.702 * v));
    for (const [i, v] of Array.from(await x.data()).entries()) {
      expect(Math.abs(values[i]! - exact(v))).toBeLessThan(1e-5 * Math.max(1, Math.abs(v)));
      expect(Number.isFinite(grads[i]!)).toBe(true);
      for (const y of [values[i]!, grads[i]!]) expect(y === 0 || Math.abs(y) >= 1.1754944e-38, `${y} is denormal`).toBe(true);
    }
    expect(grads[0]).toBe(0);
    expect(grads[10]).toBe(1);
    tf.dispose([x, value, grad]);
  });
});
