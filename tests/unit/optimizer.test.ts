import { describe, expect, it } from 'vitest';
import { PackedAdam } from '../../src/core/train/optimizer';
import * as tf from '../../src/core/tf';
import { countKernels, kernelsRun } from '../../src/core/ops/kernel-counter';

/** A small least-squares problem over two weights of different shapes. */
function problem(seed: number) {
  const weights = {
    a: tf.variable(tf.randomNormal([3, 4], 0, 1, 'float32', seed)),
    b: tf.variable(tf.randomNormal([4], 0, 1, 'float32', seed + 1)),
  };
  const x = tf.randomNormal([5, 3], 0, 1, 'float32', seed + 2);
  const y = tf.randomNormal([5, 4], 0, 1, 'float32', seed + 3);
  const loss = () => tf.mean<tf.Scalar>(tf.square(tf.sub(tf.add(tf.matMul(x, weights.a), weights.b), y)));
  return { weights, loss, dispose: () => tf.dispose([weights.a, weights.b, x, y]) };
}

describe('packed Adam', () => {
  it('matches tf.train.adam step for step when no clipping happens', async () => {
    const packed = problem(1);
    const reference = problem(1);
    const optimizer = new PackedAdam(packed.weights, 0.01, 0.9, 0.98);
    const adam = tf.train.adam(0.01, 0.9, 0.98);
    for (let step = 0; step < 5; step++) {
      tf.dispose(Object.values(optimizer.step(packed.loss, 1e9)));
      adam.minimize(reference.loss);
    }
    for (const name of ['a', 'b'] as const) {
      const diff = await tf.max(tf.abs(tf.sub(packed.weights[name], reference.weights[name]))).data();
      expect(diff[0]).toBeLessThan(1e-6);
    }
    // Five steps of 0.01 moved the weights: equality is not trivial.
    const moved = await tf.max(tf.abs(tf.sub(packed.weights.a, problem(1).weights.a))).data();
    expect(moved[0]).toBeGreaterThan(0.02);
    optimizer.dispose();
    adam.dispose();
    packed.dispose();
    reference.dispose();
  });

  it('clips by the global norm: one step of a gradient scaled 1000x moves weights as the unscaled one', async () => {
    const small = problem(2);
    const large = problem(2);
    const [a, b] = [new PackedAdam(small.weights, 0.01), new PackedAdam(large.weights, 0.01)];
    const { gradNorm } = a.step(small.loss, 1e-3);
    const scaled = b.step(() => tf.mul<tf.Scalar>(large.loss(), 1000), 1e-3);
    expect((await scaled.gradNorm.data())[0]! / (await gradNorm.data())[0]!).toBeCloseTo(1000, 0);
    const diff = await tf.max(tf.abs(tf.sub(small.weights.a, large.weights.a))).data();
    expect(diff[0]).toBeLessThan(1e-6);
    [a, b].forEach((o) => o.dispose());
    small.dispose();
    large.dispose();
  });

  it('refuses a non-finite step on the device: weights, moments and bias correction unchanged, applied = 0', async () => {
    const guarded = problem(3);
    const plain = problem(3);
    const [a, b] = [new PackedAdam(guarded.weights, 0.01), new PackedAdam(plain.weights, 0.01)];
    const refused = a.step(() => tf.add<tf.Scalar>(guarded.loss(), NaN), 1);
    expect((await refused.applied.data())[0]).toBe(0);
    expect((await tf.max(tf.abs(tf.sub(guarded.weights.a, plain.weights.a))).data())[0]).toBe(0);
    // The next good step is the first Adam step of both: same result as an optimizer that never saw the NaN.
    expect((await a.step(guarded.loss, 1).applied.data())[0]).toBe(1);
    b.step(plain.loss, 1);
    expect((await tf.max(tf.abs(tf.sub(guarded.weights.a, plain.weights.a))).data())[0]).toBeLessThan(1e-7);
    [a, b].forEach((o) => o.dispose());
    guarded.dispose();
    plain.dispose();
  });

  it('costs under half the kernels of tf.train.adam beyond the gradient: a fixed few dozen plus a cheap reshape and slice per weight', () => {
    countKernels('wasm');
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`w${i}`, tf.variable(tf.randomNormal([8], 0, 1, 'float32', i))]));
    const optimizer = new PackedAdam(many, 0.01);
    const loss = () => tf.addN(Object.values(many).map((w) => tf.sum(tf.square(w)))) as tf.Scalar;
    tf.dispose(Object.values(optimizer.step(loss, 1)));
    let start = kernelsRun('wasm');
    const { value, grads } = tf.variableGrads(loss, Object.values(many));
    const gradientKernels = kernelsRun('wasm') - start;
    tf.dispose([value, ...Object.values(grads)]);
    const tensors = tf.memory().numTensors;
    start = kernelsRun('wasm');
    tf.dispose(Object.values(optimizer.step(loss, 1)));
    const optimizerKernels = kernelsRun('wasm') - start - gradientKernels;
    expect(tf.memory().numTensors).toBe(tensors);
    // tfjs's Adam on the same weights, without clipping or a NaN guard.
    const adam = tf.train.adam(0.01);
    adam.minimize(loss);
    start = kernelsRun('wasm');
    adam.minimize(loss);
    const adamKernels = kernelsRun('wasm') - start - gradientKernels;
    expect(adamKernels).toBeGreaterThan(12 * 30);
    // Flattening and splitting cost 4 cheap kernels per weight (reshapes, slices); the update ~30 in all.
    expect(optimizerKernels).toBeLessThan(5 * 30 + 40);
    expect(optimizerKernels).toBeLessThan(adamKernels / 2);
    adam.dispose();
    optimizer.dispose();
    tf.dispose(Object.values(many));
  });
});
