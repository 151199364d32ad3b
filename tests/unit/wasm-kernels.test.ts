import { readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/core/tf';
import { BATCH_MATMUL_WASM } from '../../src/core/ops/wasm/batch-matmul.wasm';
import { runSimdBatchMatMul, simdBatchMatMul } from '../../src/core/ops/wasm/batch-matmul';
import { isOverridden } from '../../src/core/ops/override-kernel';

const WAT = 'src/core/ops/wasm/batch-matmul.wat';
const GENERATED = 'src/core/ops/wasm/batch-matmul.wasm.ts';

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
    const bytes = wabt.parseWat(WAT, readFileSync(WAT, 'utf8'), { simd: true }).toBinary({}).buffer;
    const encoded = Buffer.from(bytes).toString('base64');
    if (process.env.UPDATE_WASM === '1' && encoded !== BATCH_MATMUL_WASM) {
      writeFileSync(GENERATED, readFileSync(GENERATED, 'utf8').replace(BATCH_MATMUL_WASM, encoded));
    }
    expect(encoded, `run UPDATE_WASM=1 npx vitest run ${'tests/unit/wasm-kernels.test.ts'} after editing ${WAT}`).toBe(BATCH_MATMUL_WASM);
  });

  it.each([
    [[32, 4], 38, 16, 38], // attention scores, n padded from 38 to 40
    [[32, 4], 38, 38, 16], // attention-weighted values
    [[3], 5, 7, 6],
    [[2], 1, 3, 1],
  ])('batched matmul %j x (%i x %i) x (%i cols) matches the float64 product', async (batchDims, m, k, n) => {
    expect(simdBatchMatMul()).not.toBeNull();
    const batch = batchDims.reduce((x, y) => x * y, 1);
    const a = tf.randomNormal([...batchDims, m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([...batchDims, k, n], 0, 1, 'float32', 2);
    const info = runSimdBatchMatMul(a, b, tf.backend() as unknown as Parameters<typeof runSimdBatchMatMul>[2]);
    expect(info, 'the SIMD path takes this shape').toBeDefined();
    const product = tf.engine().makeTensorFromTensorInfo(info!);
    expect(product.shape).toEqual([...batchDims, m, n]);
    // And tf.matMul goes through it: the override is installed on the backend the tests use.
    expect(isOverridden('BatchMatMul', 'wasm')).toBe(true);
    const viaTf = tf.matMul(a, b);
    expect(Array.from(await viaTf.data())).toEqual(Array.from(await product.data()));
    viaTf.dispose();
    const want = reference(await a.data() as Float32Array, await b.data() as Float32Array, batch, m, k, n);
    const got = await product.data();
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-5 * Math.sqrt(k) * 4);
    tf.dispose([a, b, product]);
  });

  it('clone shares memory safely: the copy outlives its source', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(x);
    x.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3]);
    copy.dispose();
  });
});
