/**
 * Row-wise kernels for tfjs's WASM backend, whose generic paths run slowly on the shapes a
 * transformer step makes: a sum over the leading axes (every bias gradient: tfjs transposes the
 * whole input first; here kernels.wat adds rows as they lie, in the same order, so the sums are
 * identical), a split along the last axis and its gradient, a concat (queries, keys and values of
 * one projection: tfjs slices with a generic strided copy and joins row pieces from JS; here each
 * row's piece is one memory.copy), and the optimizer guard's Select and LogicalAnd.
 */
import * as tf from '../../tf';
import { pointerOf, simdKernels, type WasmBackendLike } from './module';

/**
 * Sum of x over axes [0, q) (q below the rank), or undefined for any other reduction (the caller
 * runs tfjs's kernel).
 */
export function sumLeadingAxes(
  x: tf.TensorInfo,
  axis: number | number[],
  keepDims: boolean,
  backend: WasmBackendLike,
): tf.TensorInfo | undefined {
  const kernels = simdKernels(backend);
  if (!kernels || x.dtype !== 'float32') return undefined;
  const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
  const q = axes.length;
  if (q === 0 || q >= x.shape.length || axes.some((a, i) => a !== i)) return undefined;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, q));
  const width = tf.util.sizeFromShape(x.shape.slice(q));
  if (rows * width === 0 || width % 4 !== 0) return undefined;
  const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, q).map(() => 1), ...x.shape.slice(q)] : x.shape.slice(q), 'float32');
  kernels.columnSum(pointerOf(backend, x), pointerOf(backend, out), rows, width);
  return out;
}

/** x split along its last axis into pieces of the given widths, or undefined for other splits. */
export function splitLastAxis(
  x: tf.TensorInfo,
  numOrSizeSplits: number | number[],
  axis: number,
  backend: WasmBackendLike,
): tf.TensorInfo[] | undefined {
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank === 0 || tf.util.parseAxisParam(axis, x.shape)[0] !== rank - 1) return undefined;
  const widths = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, rank - 1);
  const rowWidth = x.shape[rank - 1]!;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
  if (rows * rowWidth === 0) return undefined;
  const kernels = simdKernels(backend);
  if (!kernels) return undefined;
  let start = 0;
  return widths.map((width) => {
    const out = backend.makeOutput([...x.shape.slice(0, -1), width], 'float32');
    kernels.copyRows(pointerOf(backend, x) + 4 * start, pointerOf(backend, out), rows, width, rowWidth, width);
    start += width;
    return out;
  });
}

/**
 * Float32 tensors joined along `axis` (each read as [outer, inner] rows around it), or undefined
 * for other dtypes. The SplitV gradient joins queries', keys' and values' gradients row by row:
 * tfjs copies each row piece from JS (~2 ms a step); here each is one memory.copy.
 */
export function concatRows(inputs: tf.TensorInfo[], axis: number, backend: WasmBackendLike): tf.TensorInfo | undefined {
  const kernels = simdKernels(backend);
  if (!kernels || inputs.length < 2 || inputs.some((input) => input.dtype !== 'float32')) return undefined;
  const along = tf.util.parseAxisParam(axis, inputs[0]!.shape)[0]!;
  const shapes = inputs.map((input) => input.shape);
  tf.backend_util.assertParamsConsistent(shapes, along);
  const out = backend.makeOutput(tf.backend_util.computeOutShape(shapes, along), 'float32');
  const outer = tf.util.sizeFromShape(inputs[0]!.shape.slice(0, along));
  const inners = inputs.map((input) => tf.util.sizeFromShape(input.shape.slice(along)));
  const outWidth = inners.reduce((a, b) => a + b, 0);
  let start = 0;
  inputs.forEach((input, i) => {
    if (inners[i]! > 0 && outer > 0)
      kernels.copyRows(pointerOf(backend, input), pointerOf(backend, out) + 4 * start, outer, inners[i]!, inners[i]!, outWidth);
    start += inners[i]!;
  });
  return out;
}

/**
 * cond ? a : b entry by entry for float32 a, b and a bool cond of the same shape, or undefined for
 * anything else (broadcasts). tfjs-wasm's Select takes ~8 ns an entry; the optimizer's NaN guard
 * selects over every weight four times a step.
 */
export function selectSameSize(
  cond: tf.TensorInfo,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  backend: WasmBackendLike,
): tf.TensorInfo | undefined {
  const kernels = simdKernels(backend);
  const count = tf.util.sizeFromShape(a.shape);
  const sameShape = [cond, b].every((t) => tf.util.arraysEqual(t.shape, a.shape));
  if (!kernels || !sameShape || cond.dtype !== 'bool' || a.dtype !== 'float32' || b.dtype !== 'float32' || count === 0) return undefined;
  const out = backend.makeOutput(a.shape, 'float32');
  kernels.select(pointerOf(backend, cond), pointerOf(backend, a), pointerOf(backend, b), pointerOf(backend, out), count);
  return out;
}

/**
 * a AND b for bool tensors where b has a's shape or is a single value, or undefined for other
 * broadcasts. tfjs-wasm takes ~10 ns an entry when b is broadcast (the optimizer's guard ANDs each
 * weight's finiteness with the step's); a byte loop takes ~1.
 */
export function logicalAndBytes(a: tf.TensorInfo, b: tf.TensorInfo, backend: WasmBackendLike): tf.TensorInfo | undefined {
  const count = tf.util.sizeFromShape(a.shape);
  const bCount = tf.util.sizeFromShape(b.shape);
  const sameShape = tf.util.arraysEqual(a.shape, b.shape);
  if (a.dtype !== 'bool' || b.dtype !== 'bool' || !(sameShape || (bCount === 1 && b.shape.length <= a.shape.length))) return undefined;
  const out = backend.makeOutput(a.shape, 'bool');
  // Views after the allocation: growing the backend's memory detaches older ones.
  const [left, right, result] = [a, b, out].map((t) => backend.typedArrayFromHeap(t) as Uint8Array) as [Uint8Array, Uint8Array, Uint8Array];
  if (bCount === 1) {
    if (right[0]) result.set(left);
    else result.fill(0);
  } else for (let i = 0; i < count; i++) result[i] = left[i]! & right[i]!;
  return out;
}
