/**
 * Matmul for tfjs's WASM backend in WebAssembly SIMD (kernels.wat). tfjs-backend-wasm 4.22 runs a
 * matmul with a batch dimension above 1 as a scalar loop (~1 GFLOP/s; attention's q k^T, p v and
 * their gradients are all batched), and a 2-D one through XNNPACK, which repacks the right operand
 * on every call (training changes it every step): 6-10 GFLOP/s on this model's shapes against
 * 10-13 here (14-17 since A is read by broadcast loads). Operands stay where tfjs keeps them unless
 * the module must lay them out (B transposed where its flag says, rows padded to a multiple of 8
 * columns) in scratch memory; the product goes straight into the tfjs output.
 */
import * as tf from '../../tf';
import { floatsAt, pointerOf, simdKernels, withScratch, type WasmBackendLike } from './module';

const FEW_ROWS = 128;

/**
 * a [..., m, k] x b [..., k, n] (either operand transposed by its flag) with equal batch dims, or
 * undefined for anything else (the caller runs tfjs's kernel).
 */
export function runSimdMatMul(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  backend: WasmBackendLike,
): tf.TensorInfo | undefined {
  const kernels = simdKernels(backend);
  const batchDims = a.shape.slice(0, -2);
  const batch = tf.util.sizeFromShape(batchDims);
  const sameBatch = a.shape.length === b.shape.length && tf.util.arraysEqual(batchDims, b.shape.slice(0, -2));
  if (!kernels || a.shape.length < 2 || !sameBatch || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const [kB, n] = transposeB ? [bCols, bRows] : [bRows, bCols];
  if (kB !== k || m * k * n === 0) return undefined;
  // A few rows times a weight matrix (generation, one token per sequence): XNNPACK keeps the
  // packed weights between calls while the weights stay the same tensor, which beats copying them.
  if (batch === 1 && !transposeA && m <= FEW_ROWS) return undefined;
  const padded = Math.ceil(n / 8) * 8;
  const out = backend.makeOutput([...batchDims, m, n], 'float32');
  // Operands are used where tfjs keeps them (A read transposed in place where its flag says) unless
  // the kernel needs them laid out otherwise: B transposed or padded to `padded` columns, C padded
  // (then compacted into out).
  const layB = transposeB || padded !== n ? batch * k * padded : 0;
  const layC = padded !== n ? batch * m * padded : 0;
  withScratch(
    backend,
    [layB, layC].filter((floats) => floats > 0),
    (...scratch) => {
      const aAt = pointerOf(backend, a);
      let bAt = pointerOf(backend, b);
      let cAt = pointerOf(backend, out);
      const outAt = cAt;
      if (layB) {
        const laid = scratch.shift()!;
        if (padded !== n) floatsAt(backend, laid, layB).fill(0);
        if (transposeB) kernels.transpose(bAt, laid, batch, n, k, padded);
        else kernels.copyRows(bAt, laid, batch * k, n, n, padded);
        bAt = laid;
      }
      if (layC) cAt = scratch.shift()!;
      kernels.batchMatMul(aAt, bAt, cAt, batch, m, k, padded, transposeA ? 1 : 0);
      if (layC) kernels.copyRows(cAt, outAt, batch * m, n, padded, n);
    },
  );
  return out;
}
