/**
 * Two row-wise kernels for tfjs's WASM backend, whose generic paths run slowly on the shapes a
 * transformer step makes: a sum over the leading axes (every bias gradient: tfjs transposes the
 * whole input first; here kernels.wat adds rows as they lie, in the same order, so the sums are
 * identical) and a split along the last axis (queries, keys and values from one projection: tfjs
 * slices with a generic strided copy; here each row is copied in pieces).
 */
import * as tf from '../../tf';
import { aligned, heapOfAtLeast, simdKernels, type WasmBackendLike } from './module';

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
  const kernels = simdKernels();
  if (!kernels || x.dtype !== 'float32') return undefined;
  const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
  const q = axes.length;
  if (q === 0 || q >= x.shape.length || axes.some((a, i) => a !== i)) return undefined;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, q));
  const width = tf.util.sizeFromShape(x.shape.slice(q));
  if (rows * width === 0 || width % 4 !== 0) return undefined;
  const outAt = aligned(rows * width);
  const heap = heapOfAtLeast(kernels, outAt + width);
  heap.set(backend.typedArrayFromHeap(x), 0);
  kernels.columnSum(0, 4 * outAt, rows, width);
  const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, q).map(() => 1), ...x.shape.slice(q)] : x.shape.slice(q), 'float32');
  backend.typedArrayFromHeap(out).set(heap.subarray(outAt, outAt + width));
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
  const widths = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, rank - 1);
  const rowWidth = x.shape[rank - 1]!;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, -1));
  if (rows * rowWidth === 0) return undefined;
  let start = 0;
  return widths.map((width) => {
    const out = backend.makeOutput([...x.shape.slice(0, -1), width], 'float32');
    // Views after the allocation: growing the backend's memory detaches older ones.
    const values = backend.typedArrayFromHeap(x);
    const piece = backend.typedArrayFromHeap(out);
    if (width === rowWidth) piece.set(values);
    else for (let r = 0; r < rows; r++) piece.set(values.subarray(r * rowWidth + start, r * rowWidth + start + width), r * width);
    start += width;
    return out;
  });
}
