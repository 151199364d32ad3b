/**
 * WGSL programs for the fused kernels (see fused.ts), in the shape tfjs-backend-webgpu's
 * `runWebGPUProgram` expects: tfjs writes the bindings (inputs by `variableNames`, output
 * `result`, `uniforms.size`) and the entry point, which calls `main(index)` once per thread.
 * Sizes are baked into the code (and the shader key): this model uses a handful of shapes.
 *
 * One thread per row where a row needs a reduction (the model's rows are 64-128 wide), one thread
 * per element otherwise. Plain loops, no shared memory: the point is one dispatch instead of the
 * 5-25 that tfjs's composed ops take, which is what bounds a step of a model this small.
 */

/** The part of tfjs-backend-webgpu's WebGPUProgram these programs fill in. */
export interface FusedProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  getUserCode(): string;
}

const WORKGROUP = 64;

function program(key: string, variableNames: string[], outputShape: number[], threads: number, body: string): FusedProgram {
  return {
    variableNames,
    outputShape,
    shaderKey: key,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(threads / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    // Every thread index below `threads` has work; uniforms.size (the output size) is never
    // smaller. Reading it also keeps the uniform binding in the pipeline's automatic layout.
    getUserCode: () => `fn main(index : i32) {\n  if (index >= min(${threads}, uniforms.size)) { return; }${body}\n}`,
  };
}

/** Same epsilon as the plain layer norm. */
export const LAYER_NORM_EPSILON = 1e-5;

/** X [N, D] -> [N, 2]: each row's mean and 1/sqrt(variance + eps) (population variance). */
export function layerNormStatsProgram(rows: number, width: number): FusedProgram {
  return program(
    `dpo_ln_stats_${rows}_${width}`,
    ['X'],
    [rows, 2],
    rows,
    `
  let base = index * ${width};
  var mean = 0.0;
  for (var i = 0; i < ${width}; i++) { mean += X[base + i]; }
  mean = mean / ${width}.0;
  var variance = 0.0;
  for (var i = 0; i < ${width}; i++) { let c = X[base + i] - mean; variance += c * c; }
  variance = variance / ${width}.0;
  result[index * 2] = mean;
  result[index * 2 + 1] = inverseSqrt(variance + ${LAYER_NORM_EPSILON});`,
  );
}

/** X [N, D], S [N, 2], G [D], B [D] -> (X - mean) * rstd * G + B. */
export function layerNormApplyProgram(rows: number, width: number): FusedProgram {
  return program(
    `dpo_ln_apply_${rows}_${width}`,
    ['X', 'S', 'G', 'B'],
    [rows, width],
    rows * width,
    `
  let r = index / ${width};
  let c = index % ${width};
  result[index] = (X[index] - S[r * 2]) * S[r * 2 + 1] * G[c] + B[c];`,
  );
}

/**
 * Gradient of layer norm for X: DY, X [N, D], S [N, 2], G [D] -> [N, D], one row per thread:
 * dx = rstd * (dy*g - mean(dy*g) - xhat * mean(dy*g*xhat)).
 */
export function layerNormGradXProgram(rows: number, width: number): FusedProgram {
  return program(
    `dpo_ln_grad_x_${rows}_${width}`,
    ['DY', 'X', 'S', 'G'],
    [rows, width],
    rows,
    `
  let base = index * ${width};
  let mean = S[index * 2];
  let rstd = S[index * 2 + 1];
  var meanDyg = 0.0;
  var meanDygXhat = 0.0;
  for (var i = 0; i < ${width}; i++) {
    let dyg = DY[base + i] * G[i];
    meanDyg += dyg;
    meanDygXhat += dyg * (X[base + i] - mean) * rstd;
  }
  meanDyg = meanDyg / ${width}.0;
  meanDygXhat = meanDygXhat / ${width}.0;
  for (var i = 0; i < ${width}; i++) {
    let xhat = (X[base + i] - mean) * rstd;
    result[base + i] = rstd * (DY[base + i] * G[i] - meanDyg - xhat * meanDygXhat);
  }`,
  );
}

/** Gradient of layer norm for the gain: DY, X [N, D], S [N, 2] -> [D], one column per thread. */
export function layerNormGradGainProgram(rows: number, width: number): FusedProgram {
  return program(
    `dpo_ln_grad_g_${rows}_${width}`,
    ['DY', 'X', 'S'],
    [width],
    width,
    `
  var sum = 0.0;
  for (var r = 0; r < ${rows}; r++) {
    let i = r * ${width} + index;
    sum += DY[i] * (X[i] - S[r * 2]) * S[r * 2 + 1];
  }
  result[index] = sum;`,
  );
}

const GELU_SLOPE = 1.702;

/** GELU, sigmoid form: x * sigmoid(1.702 x). */
export function geluProgram(shape: number[]): FusedProgram {
  const size = shape.reduce((a, b) => a * b, 1);
  return program(
    `dpo_gelu_${size}`,
    ['X'],
    shape,
    size,
    `
  let x = X[index];
  result[index] = x / (1.0 + exp(-${GELU_SLOPE} * x));`,
  );
}

/** DY * d/dx [x * sigmoid(1.702 x)] = DY * (s + 1.702 x s (1 - s)). */
export function geluGradProgram(shape: number[]): FusedProgram {
  const size = shape.reduce((a, b) => a * b, 1);
  return program(
    `dpo_gelu_grad_${size}`,
    ['DY', 'X'],
    shape,
    size,
    `
  let x = X[index];
  let s = 1.0 / (1.0 + exp(-${GELU_SLOPE} * x));
  result[index] = DY[index] * (s + ${GELU_SLOPE} * x * s * (1.0 - s));`,
  );
}

/**
 * Masked next-token log-probs: L [B, T, V] logits, K [B, T] int32 tokens, M [B, T] 0/1 target
 * mask -> [B, T-1] with out[b, t] = M[b, t+1] * log softmax(L[b, t])[K[b, t+1]]. One row per thread.
 * K and M are converted explicitly: tfjs-webgpu binds a buffer with the dtype it was made with,
 * so a mask cast from bool to float32 still arrives as i32.
 */
export function tokenLogProbsProgram(batch: number, length: number, vocab: number): FusedProgram {
  const rows = batch * (length - 1);
  return program(
    `dpo_token_logp_${batch}_${length}_${vocab}`,
    ['L', 'K', 'M'],
    [batch, length - 1],
    rows,
    `
  let b = index / ${length - 1};
  let t = index % ${length - 1};
  let row = (b * ${length} + t) * ${vocab};
  var top = L[row];
  for (var v = 1; v < ${vocab}; v++) { top = max(top, L[row + v]); }
  var total = 0.0;
  for (var v = 0; v < ${vocab}; v++) { total += exp(L[row + v] - top); }
  let next = b * ${length} + t + 1;
  result[index] = (L[row + i32(K[next])] - top - log(total)) * f32(M[next]);`,
  );
}

/**
 * Its gradient for the logits: G [B, T-1] upstream, L, K, M -> [B, T, V] with
 * G[b, t] * M[b, t+1] * (onehot(K[b, t+1]) - softmax(L[b, t])), and zero for the last position.
 */
export function tokenLogProbsGradProgram(batch: number, length: number, vocab: number): FusedProgram {
  const rows = batch * length;
  return program(
    `dpo_token_logp_grad_${batch}_${length}_${vocab}`,
    ['G', 'L', 'K', 'M'],
    [batch, length, vocab],
    rows,
    `
  let b = index / ${length};
  let t = index % ${length};
  let row = index * ${vocab};
  if (t == ${length - 1}) {
    for (var v = 0; v < ${vocab}; v++) { result[row + v] = 0.0; }
    return;
  }
  var top = L[row];
  for (var v = 1; v < ${vocab}; v++) { top = max(top, L[row + v]); }
  var total = 0.0;
  for (var v = 0; v < ${vocab}; v++) { total += exp(L[row + v] - top); }
  let next = b * ${length} + t + 1;
  let scale = G[b * ${length - 1} + t] * f32(M[next]);
  let wanted = i32(K[next]);
  for (var v = 0; v < ${vocab}; v++) {
    let p = exp(L[row + v] - top) / total;
    result[row + v] = scale * (select(0.0, 1.0, v == wanted) - p);
  }`,
  );
}

/** Softmax over the last axis: X [N, W] -> [N, W], one row per thread. */
export function softmaxProgram(rows: number, width: number): FusedProgram {
  return program(
    `dpo_softmax_${rows}_${width}`,
    ['X'],
    [rows, width],
    rows,
    `
  let base = index * ${width};
  var top = X[base];
  for (var i = 1; i < ${width}; i++) { top = max(top, X[base + i]); }
  var total = 0.0;
  for (var i = 0; i < ${width}; i++) { total += exp(X[base + i] - top); }
  for (var i = 0; i < ${width}; i++) { result[base + i] = exp(X[base + i] - top) / total; }`,
  );
}

/** Its gradient from the output: DY, Y [N, W] -> Y * (DY - sum(DY * Y)), one row per thread. */
export function softmaxGradProgram(rows: number, width: number): FusedProgram {
  return program(
    `dpo_softmax_grad_${rows}_${width}`,
    ['DY', 'Y'],
    [rows, width],
    rows,
    `
  let base = index * ${width};
  var dot = 0.0;
  for (var i = 0; i < ${width}; i++) { dot += DY[base + i] * Y[base + i]; }
  for (var i = 0; i < ${width}; i++) { result[base + i] = Y[base + i] * (DY[base + i] - dot); }`,
  );
}

/**
 * Sum over the middle axis of X viewed as [outer, reduce, inner] -> [outer * inner], one output
 * per thread. A plain loop: tfjs's reduction synchronises a workgroup at every halving step, which
 * software adapters (SwiftShader) run ~50x slower than this for the model's sizes.
 */
export function sumProgram(outer: number, reduce: number, inner: number): FusedProgram {
  return program(
    `dpo_sum_${outer}_${reduce}_${inner}`,
    ['X'],
    [outer * inner],
    outer * inner,
    `
  let o = index / ${inner};
  let i = index % ${inner};
  var total = 0.0;
  for (var r = 0; r < ${reduce}; r++) { total += f32(X[(o * ${reduce} + r) * ${inner} + i]); }
  result[index] = total;`,
  );
}

/** A batched matmul's sizes: [batch, M, K] x [batch, K, N] -> [batch, M, N] (see matMulProgram). */
export interface MatMulShape {
  batch: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  /** An operand with a batch of 1 is shared by every batch entry. */
  sharedA: boolean;
  sharedB: boolean;
}

/**
 * Batched matmul with optional transposes, each thread a tile of `rows` x `cols` outputs
 * (4 x 4 where the sizes allow) accumulated in registers over a plain loop on K. No shared memory
 * and no barriers: software adapters run tfjs's tiled, workgroup-synchronised matmul ~3-5x slower.
 * Reads go through f32(): a float32 tensor cast from bool (the one-hot embedding) keeps an i32 buffer.
 */
export function matMulProgram(s: MatMulShape): FusedProgram {
  const rows = s.m % 4 === 0 ? 4 : 1;
  const cols = s.n % 4 === 0 ? 4 : 1;
  const tilesPerRow = s.n / cols;
  const tiles = s.batch * (s.m / rows) * tilesPerRow;
  const aIndex = (r: string) => (s.transposeA ? `aBase + k * ${s.m} + ${r}` : `aBase + (${r}) * ${s.k} + k`);
  const bIndex = (c: string) => (s.transposeB ? `bBase + (${c}) * ${s.k} + k` : `bBase + k * ${s.n} + ${c}`);
  const read = (j: number) => `f32(B[${bIndex(`n + ${j}`)}])`;
  const bValues = cols === 4 ? `vec4<f32>(${[0, 1, 2, 3].map(read).join(', ')})` : read(0);
  const type = cols === 4 ? 'vec4<f32>' : 'f32';
  const rowIds = Array.from({ length: rows }, (_, i) => i);
  const key = `dpo_matmul_${s.batch}_${s.m}_${s.k}_${s.n}_${+s.transposeA}${+s.transposeB}${+s.sharedA}${+s.sharedB}`;
  return program(
    key,
    ['A', 'B'],
    [s.batch, s.m, s.n],
    tiles,
    `
  let b = index / ${(s.m / rows) * tilesPerRow};
  let tile = index % ${(s.m / rows) * tilesPerRow};
  let m = (tile / ${tilesPerRow}) * ${rows};
  let n = (tile % ${tilesPerRow}) * ${cols};
  let aBase = ${s.sharedA ? '0' : `b * ${s.m * s.k}`};
  let bBase = ${s.sharedB ? '0' : `b * ${s.k * s.n}`};
  ${rowIds.map((i) => `var acc${i} = ${type}(0.0);`).join('\n  ')}
  for (var k = 0; k < ${s.k}; k++) {
    let bv = ${bValues};
    ${rowIds.map((i) => `acc${i} += f32(A[${aIndex(`m + ${i}`)}]) * bv;`).join('\n    ')}
  }
  ${rowIds
    .map((i) => {
      const out = `(b * ${s.m} + m + ${i}) * ${s.n} + n`;
      return cols === 4 ? [0, 1, 2, 3].map((j) => `result[${out} + ${j}] = acc${i}[${j}];`).join(' ') : `result[${out}] = acc${i};`;
    })
    .join('\n  ')}`,
  );
}
