import { readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/core/tf';
import { KERNELS_WASM, KERNELS_WASM_SHARED } from '../../src/core/ops/wasm/kernels.wasm';
import { runSimdMatMul } from '../../src/core/ops/wasm/batch-matmul';
import { simdKernels, type SimdKernels } from '../../src/core/ops/wasm/module';
import { isOverridden } from '../../src/core/ops/override-kernel';

const WAT = 'src/core/ops/wasm/kernels.wat';
const GENERATED = 'src/core/ops/wasm/kernels.wasm.ts';

/** Row-major batched product in float64: the reference. */
function reference(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[(t * m + i) * k + p]! * b[(t * k + p) * n + j]!;
        out[(t * m + i) * n + j] = sum;
      }
  return out;
}

describe('WASM kernel overrides', () => {
  it('ship the bytes their WebAssembly text compiles to', async () => {
    const wabt = await wabtInit();
    const text = readFileSync(WAT, 'utf8');
    // The threaded tfjs build's memory is shared (its maximum is 4 GiB): the same kernels, built for it.
    const sharedText = text.replace('(import "env" "memory" (memory 1))', '(import "env" "memory" (memory 1 65536 shared))');
    expect(sharedText).not.toBe(text);
    const encode = (source: string) =>
      Buffer.from(wabt.parseWat(WAT, source, { simd: true, bulk_memory: true, threads: true }).toBinary({}).buffer).toString('base64');
    const [encoded, encodedShared] = [encode(text), encode(sharedText)];
    if (process.env.UPDATE_WASM === '1' && (encoded !== KERNELS_WASM || encodedShared !== KERNELS_WASM_SHARED)) {
      const header = readFileSync(GENERATED, 'utf8').split('\n')[0];
      writeFileSync(
        GENERATED,
        `${header}\nexport const KERNELS_WASM = '${encoded}';\nexport const KERNELS_WASM_SHARED = '${encodedShared}';\n`,
      );
    }
    const hint = `run UPDATE_WASM=1 npx vitest run ${'tests/unit/wasm-kernels.test.ts'} after editing ${WAT}`;
    expect(encoded, hint).toBe(KERNELS_WASM);
    expect(encodedShared, hint).toBe(KERNELS_WASM_SHARED);
  });

  it.each([
    [[32, 4], 38, 16, 38, false, true], // attention scores q k^T, n padded from 38 to 40
    [[32, 4], 38, 38, 16, false, false], // attention-weighted values
    [[32, 4], 38, 38, 16, true, false], // the values' gradient p^T dy
    [[], 150, 64, 192, false, false], // a dense layer
    [[], 64, 70, 192, true, false], // its weight gradient x^T dy
    [[], 150, 192, 61, false, true], // its input gradient dy w^T, n padded
    [[3], 5, 7, 6, true, true],
    [[2], 1, 3, 1, false, false],
  ])(
    'matmul %j x (%i x %i) x (%i cols), transposes %s %s, matches the float64 product',
    async (batchDims, m, k, n, transposeA, transposeB) => {
      expect(simdKernels()).not.toBeNull();
      const batch = batchDims.reduce((x, y) => x * y, 1);
      const a = tf.randomNormal([...batchDims, m, k], 0, 1, 'float32', 1);
      const b = tf.randomNormal([...batchDims, k, n], 0, 1, 'float32', 2);
      // The operands as the kernel receives them when a flag is set: stored transposed.
      const swap = (x: tf.Tensor) => tf.transpose(x, [...batchDims.map((_, i) => i), batchDims.length + 1, batchDims.length]);
      const aStored = transposeA ? swap(a) : a;
      const bStored = transposeB ? swap(b) : b;
      const backend = tf.backend() as unknown as Parameters<typeof runSimdMatMul>[4];
      const info = runSimdMatMul(aStored, bStored, transposeA, transposeB, backend);
      expect(info, 'the SIMD path takes this shape').toBeDefined();
      const product = tf.engine().makeTensorFromTensorInfo(info!);
      expect(product.shape).toEqual([...batchDims, m, n]);
      // And tf.matMul goes through it: the override is installed on the backend the tests use.
      expect(isOverridden('BatchMatMul', 'wasm')).toBe(true);
      const viaTf = tf.matMul(aStored, bStored, transposeA, transposeB);
      expect(Array.from(await viaTf.data())).toEqual(Array.from(await product.data()));
      viaTf.dispose();
      const want = reference((await a.data()) as Float32Array, (await b.data()) as Float32Array, batch, m, k, n);
      const got = await product.data();
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst).toBeLessThan(1e-5 * Math.sqrt(k) * 4);
      tf.dispose([a, b, aStored, bStored, product]);
    },
  );

  it('leaves a few rows times a weight matrix to XNNPACK, which keeps the packed weights', () => {
    const x = tf.ones([32, 64]);
    const w = tf.ones([64, 192]);
    expect(runSimdMatMul(x, w, false, false, tf.backend() as unknown as Parameters<typeof runSimdMatMul>[4])).toBeUndefined();
    tf.dispose([x, w]);
  });

  it.each([
    [
      [32, 38, 64],
      [0, 1],
    ], // a bias gradient: the SIMD column sum
    [[5, 12], 0],
    [[4, 3, 8], [0]],
    [[6, 3], [0]], // width not a multiple of 4: tfjs's kernel
    [[4, 3, 8], [1]], // not leading axes: tfjs's kernel
  ])('sum of %j over %j equals the float32 sum of rows in order', async (shape, axis) => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const values = (await x.data()) as Float32Array;
    const axes = Array.isArray(axis) ? axis : [axis];
    const outer = shape.filter((_, i) => axes.includes(i)).reduce((p, q) => p * q, 1);
    // The reference, written for leading axes or for one middle axis.
    const want: number[] = [];
    if (axes[0] === 0) {
      const width = values.length / outer;
      for (let j = 0; j < width; j++) {
        let sum = 0;
        for (let r = 0; r < outer; r++) sum = Math.fround(sum + values[r * width + j]!);
        want.push(sum);
      }
    } else {
      const [a, b, c] = shape as [number, number, number];
      for (let i = 0; i < a; i++)
        for (let k = 0; k < c; k++) {
          let sum = 0;
          for (let j = 0; j < b; j++) sum = Math.fround(sum + values[(i * b + j) * c + k]!);
          want.push(sum);
        }
    }
    const got = tf.sum(x, axis);
    expect(got.shape).toEqual(shape.filter((_, i) => !axes.includes(i)));
    expect(Array.from(await got.data())).toEqual(want);
    const kept = tf.sum(x, axis, true);
    expect(kept.shape).toEqual(shape.map((d, i) => (axes.includes(i) ? 1 : d)));
    expect(isOverridden('Sum', 'wasm')).toBe(true);
    tf.dispose([x, got, kept]);
  });

  it.each([
    [[32, 38, 192], 3, -1], // queries, keys and values
    [[4, 10], [3, -1, 2], 1],
    [[83], [80, 3], 0],
    [[3, 4, 5], [2, 2], 1], // not the last axis: tfjs's kernel
  ])('split of %j into %j along axis %i equals slicing', async (shape, splits, axis) => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', 4);
    const pieces = tf.split(x, splits, axis);
    const along = axis < 0 ? shape.length + axis : axis;
    let start = 0;
    for (const piece of pieces) {
      const size = piece.shape[along]!;
      const want = tf.slice(
        x,
        shape.map((_, i) => (i === along ? start : 0)),
        shape.map((d, i) => (i === along ? size : d)),
      );
      expect(Array.from(await piece.data())).toEqual(Array.from(await want.data()));
      start += size;
      want.dispose();
    }
    expect(start).toBe(shape[along]);
    expect(isOverridden('SplitV', 'wasm')).toBe(true);
    tf.dispose([x, ...pieces]);
  });

  it.each([
    ['its own memory', KERNELS_WASM, new WebAssembly.Memory({ initial: 1 })],
    ['a shared memory (threaded tfjs)', KERNELS_WASM_SHARED, new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true })],
  ])('on %s, the elementwise kernels write exactly their count: no float past an output changes', (_, base64, memory) => {
    const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
    const heap = new Float32Array(memory.buffer);
    for (const count of [1, 2, 3, 5, 7, 8]) {
      heap.fill(0);
      for (let i = 0; i < count; i++) [heap[i], heap[16 + i]] = [i - 2, 0.5];
      const out = 32;
      heap.fill(99, out, out + 12);
      kernels.gelu(0, 4 * out, count);
      for (let i = 0; i < count; i++) expect(heap[out + i]).toBeCloseTo((i - 2) / (1 + Math.exp(-1.702 * (i - 2))), 5);
      for (let i = count; i < 12; i++) expect(heap[out + i], `gelu(${count}) wrote float ${i}`).toBe(99);
      heap.fill(99, out, out + 12);
      kernels.geluGrad(4 * 16, 0, 4 * out, count);
      for (let i = count; i < 12; i++) expect(heap[out + i], `geluGrad(${count}) wrote float ${i}`).toBe(99);
      for (let i = 0; i < count; i++) heap[out + i] = i / 2;
      kernels.expInPlace(4 * out, count);
      for (let i = 0; i < count; i++) expect(heap[out + i]).toBeCloseTo(Math.exp(i / 2), 5);
      for (let i = count; i < 12; i++) expect(heap[out + i], `exp(${count}) wrote float ${i}`).toBe(99);
    }
  });

  it.each([
    [
      [
        [32, 31, 64],
        [32, 31, 64],
        [32, 31, 64],
      ],
      -1,
    ], // the SplitV gradient
    [
      [
        [2, 1, 3],
        [2, 4, 3],
      ],
      1,
    ],
    [[[3], [0], [2]], 0],
    [
      [
        [2, 3],
        [2, 1],
      ],
      1,
    ],
  ])('concat of %j along %i puts each input row piece where it belongs', async (shapes, axis) => {
    let counter = 0;
    const inputs = shapes.map((shape) =>
      tf.tensor(
        Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => counter++),
        shape,
      ),
    );
    const got = tf.concat(inputs, axis);
    const along = axis < 0 ? shapes[0]!.length + axis : axis;
    const outer = shapes[0]!.slice(0, along).reduce((a, b) => a * b, 1);
    const want: number[] = [];
    const values = await Promise.all(inputs.map((t) => t.data()));
    for (let r = 0; r < outer; r++)
      values.forEach((v, i) => {
        const inner = shapes[i]!.slice(along).reduce((a, b) => a * b, 1);
        want.push(...Array.from(v.subarray(r * inner, (r + 1) * inner)));
      });
    expect(Array.from(await got.data())).toEqual(want);
    expect(isOverridden('Concat', 'wasm')).toBe(true);
    tf.dispose([...inputs, got]);
  });

  it.each([1, 3, 4, 7, 9, 83])(
    'select over %i entries takes a where the condition holds, b elsewhere, NaN bits included',
    async (count) => {
      const condition = Array.from({ length: count }, (_, i) => (i * 7) % 3 === 0);
      const a = Array.from({ length: count }, (_, i) => (i % 5 === 0 ? Number.NaN : i + 0.5));
      const b = Array.from({ length: count }, (_, i) => -i);
      const [c, x, y] = [tf.tensor1d(condition, 'bool'), tf.tensor1d(a), tf.tensor1d(b)];
      const got = tf.where(c, x, y);
      expect(Array.from(await got.data())).toEqual(condition.map((keep, i) => (keep ? Math.fround(a[i]!) : b[i])));
      expect(isOverridden('Select', 'wasm')).toBe(true);
      tf.dispose([c, x, y, got]);
    },
  );

  it.each([
    [[5], [5]],
    [[5], []],
    [[2, 3], [1]],
    [[2, 3], [3]], // a broadcast row: tfjs's kernel
  ])('logical and of %j with %j matches the entrywise truth table', async (aShape, bShape) => {
    const size = (shape: number[]) => shape.reduce((x, y) => x * y, 1);
    const aValues = Array.from({ length: size(aShape) }, (_, i) => i % 2 === 0);
    for (const bFirst of [true, false]) {
      const bValues = Array.from({ length: size(bShape) }, (_, i) => (i === 0 ? bFirst : i % 3 !== 0));
      const [a, b] = [tf.tensor(aValues, aShape, 'bool'), tf.tensor(bValues, bShape, 'bool')];
      const got = tf.logicalAnd(a, b);
      const columns = aShape.at(-1)!;
      const want = aValues.map((x, i) => x && bValues[bValues.length === 1 ? 0 : bValues.length === aValues.length ? i : i % columns]!);
      expect(Array.from(await got.data())).toEqual(want.map(Number));
      tf.dispose([a, b, got]);
    }
    expect(isOverridden('LogicalAnd', 'wasm')).toBe(true);
  });

  it('clone shares memory safely: the copy outlives its source', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(x);
    x.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3]);
    copy.dispose();
  });
});
