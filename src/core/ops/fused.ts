/**
 * Fused kernels for the hot ops of a training step: layer norm, GELU, softmax and the masked
 * next-token log-probs, each forward and backward. On WebGPU each is one or two dispatches (WGSL in
 * webgpu-programs.ts) and on WASM one call into kernels.wat (wasm/fused-kernels.ts), where tfjs's
 * composed ops take 5-25 kernels; the cpu backend runs the plain tfjs path below, which is also the
 * reference the equivalence report compares the fused path with.
 *
 * Each op below is one entry: its kernels, each registered on both backends from its own entry
 * (name, inputs, WGSL program, WASM kernel), and the plain tfjs path. The fused path is used when
 * the active backend has the kernels registered (the worker registers them for webgpu and wasm, the
 * CLI and the tests for wasm) and `setFusedKernels(false)` has not turned them off.
 */
import * as tf from '../tf';
import {
  geluGradProgram,
  geluProgram,
  LAYER_NORM_EPSILON,
  layerNormApplyProgram,
  layerNormGradGainProgram,
  layerNormGradXProgram,
  layerNormStatsProgram,
  softmaxGradProgram,
  softmaxProgram,
  tokenLogProbsGradProgram,
  tokenLogProbsProgram,
  type FusedProgram,
} from './webgpu-programs';
import { registerLoopWebgpuSum } from './webgpu-sum';
import { onSoftwareAdapter, registerLoopWebgpuMatMul } from './webgpu-matmul';
import * as wasm from './wasm/fused-kernels';
import { simdSupported, type WasmBackendLike } from './wasm/module';

interface WebgpuBackendLike {
  runWebGPUProgram(program: FusedProgram, inputs: tf.TensorInfo[], dtype: tf.DataType): tf.TensorInfo;
}

/**
 * One fused kernel: its tfjs kernel name, its inputs by name in the order the WGSL program binds
 * them, the program for their shapes (which pick the baked sizes) and the WASM kernel.
 */
export interface FusedKernel<Input extends string = string> {
  readonly name: string;
  readonly inputs: readonly Input[];
  webgpu(inputs: Record<Input, tf.TensorInfo>): FusedProgram;
  wasm(inputs: Record<Input, tf.TensorInfo>, backend: WasmBackendLike): tf.TensorInfo;
}

/** A fused op: the kernels of its forward and backward pass, its plain tfjs path, and its fused path. */
export interface FusedOp<Args extends tf.Tensor[]> {
  readonly kernels: readonly FusedKernel[];
  /** What every backend without the kernels runs (and the reference the equivalence report compares with). */
  readonly plain: (...args: Args) => tf.Tensor;
  readonly fused: (...args: Args) => tf.Tensor;
}

const kernel = <Input extends string>(entry: FusedKernel<Input>): FusedKernel<Input> => entry;

/** [rows, width] of a 2-D tensor. */
const matrix = (x: tf.TensorInfo): [number, number] => [x.shape[0]!, x.shape[1]!];
/** [batch, length, vocabulary] of logits. */
const logitsShape = (logits: tf.TensorInfo): [number, number, number] => [logits.shape[0]!, logits.shape[1]!, logits.shape[2]!];

/** Run a fused kernel on the active backend (which has it registered). */
function run<Input extends string>(k: FusedKernel<Input>, inputs: Record<Input, tf.Tensor>): tf.Tensor {
  return tf.engine().runKernel<tf.Tensor>(k.name, inputs, {});
}

type Gradient = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

/**
 * tf.customGrad for a fused op: `forward` gets the op's inputs and tfjs's save function, and
 * returns the value with its gradient function (tfjs's own types allow a single tensor type).
 */
function withGradient<Args extends tf.Tensor[]>(forward: (...args: [...Args, tf.GradSaveFunc]) => Gradient): (...args: Args) => tf.Tensor {
  return tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
}

// ---- layer norm ----------------------------------------------------------------------------

export function plainLayerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  const normalised = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON)));
  return tf.add(tf.mul(normalised, gain), bias);
}

const layerNormStats = kernel({
  name: 'DpoLayerNormStats',
  inputs: ['x'],
  webgpu: ({ x }) => layerNormStatsProgram(...matrix(x)),
  wasm: wasm.layerNormStats,
});
const layerNormApply = kernel({
  name: 'DpoLayerNormApply',
  inputs: ['x', 'stats', 'gain', 'bias'],
  webgpu: ({ x }) => layerNormApplyProgram(...matrix(x)),
  wasm: wasm.layerNormApply,
});
const layerNormGradX = kernel({
  name: 'DpoLayerNormGradX',
  inputs: ['dy', 'x', 'stats', 'gain'],
  webgpu: ({ dy }) => layerNormGradXProgram(...matrix(dy)),
  wasm: wasm.layerNormGradX,
});
const layerNormGradGain = kernel({
  name: 'DpoLayerNormGradGain',
  inputs: ['dy', 'x', 'stats'],
  webgpu: ({ dy }) => layerNormGradGainProgram(...matrix(dy)),
  wasm: wasm.layerNormGradGain,
});

const fusedLayerNorm2d = withGradient<[tf.Tensor, tf.Tensor, tf.Tensor]>((x, gain, bias, save) => {
  const stats = run(layerNormStats, { x });
  save([x, gain, stats]);
  return {
    value: run(layerNormApply, { x, stats, gain, bias }),
    gradFunc: (dy, [xs, g, s]) => [
      run(layerNormGradX, { dy, x: xs!, stats: s!, gain: g! }),
      run(layerNormGradGain, { dy, x: xs!, stats: s! }),
      tf.sum(dy, 0),
    ],
  };
});

const LAYER_NORM: FusedOp<[x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor]> = {
  kernels: [layerNormStats, layerNormApply, layerNormGradX, layerNormGradGain],
  plain: plainLayerNorm,
  fused: (x, gain, bias) => {
    const width = x.shape[x.shape.length - 1]!;
    return fusedLayerNorm2d(x.reshape([-1, width]), gain, bias).reshape(x.shape);
  },
};

/** Layer norm over the last axis, with gain and bias. */
export function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return (fusedKernelsActive() ? LAYER_NORM.fused : LAYER_NORM.plain)(x, gain, bias);
}

// ---- GELU ----------------------------------------------------------------------------------

/** GELU, sigmoid approximation x * sigmoid(1.702 x): two cheap ops instead of tanh's six. */
export function plainGelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

const geluForward = kernel({ name: 'DpoGelu', inputs: ['x'], webgpu: ({ x }) => geluProgram(x.shape), wasm: wasm.gelu });
const geluBackward = kernel({
  name: 'DpoGeluGrad',
  inputs: ['dy', 'x'],
  webgpu: ({ dy }) => geluGradProgram(dy.shape),
  wasm: wasm.geluGrad,
});

const GELU: FusedOp<[x: tf.Tensor]> = {
  kernels: [geluForward, geluBackward],
  plain: plainGelu,
  fused: withGradient<[tf.Tensor]>((x, save) => {
    save([x]);
    return { value: run(geluForward, { x }), gradFunc: (dy, [xs]) => run(geluBackward, { dy, x: xs! }) };
  }),
};

export function gelu(x: tf.Tensor): tf.Tensor {
  return (fusedKernelsActive() ? GELU.fused : GELU.plain)(x);
}

// ---- softmax ------------------------------------------------------------------------------

const softmaxForward = kernel({ name: 'DpoSoftmax', inputs: ['x'], webgpu: ({ x }) => softmaxProgram(...matrix(x)), wasm: wasm.softmax });
const softmaxBackward = kernel({
  name: 'DpoSoftmaxGrad',
  inputs: ['dy', 'y'],
  webgpu: ({ dy }) => softmaxGradProgram(...matrix(dy)),
  wasm: wasm.softmaxGrad,
});

const fusedSoftmax2d = withGradient<[tf.Tensor]>((x, save) => {
  const y = run(softmaxForward, { x });
  save([y]);
  return { value: y, gradFunc: (dy, [ys]) => run(softmaxBackward, { dy, y: ys! }) };
});

const SOFTMAX: FusedOp<[x: tf.Tensor]> = {
  kernels: [softmaxForward, softmaxBackward],
  plain: (x) => tf.softmax(x),
  fused: (x) => {
    const width = x.shape[x.shape.length - 1]!;
    return fusedSoftmax2d(x.reshape([-1, width])).reshape(x.shape);
  },
};

/** Softmax over the last axis (attention weights). */
export function softmax(x: tf.Tensor): tf.Tensor {
  return (fusedKernelsActive() ? SOFTMAX.fused : SOFTMAX.plain)(x);
}

// ---- masked next-token log-probs ------------------------------------------------------------

/**
 * log pi(token_t | tokens_<t) for t >= 1 from logits [B, T, V]: [B, T-1], zero where the target
 * mask is zero (logits at position t-1 predict the token at t).
 */
export function plainTokenLogProbs(logits: tf.Tensor3D, tokens: tf.Tensor2D, targetMask: tf.Tensor2D): tf.Tensor2D {
  const [b, t, v] = logits.shape;
  const predicting = logits.slice([0, 0, 0], [b, t - 1, v]);
  const targets = tokens.slice([0, 1], [b, t - 1]);
  const mask = targetMask.slice([0, 1], [b, t - 1]);
  const picked = tf.sum(tf.mul(tf.logSoftmax(predicting), tf.oneHot(targets, v)), -1);
  return tf.mul<tf.Tensor2D>(picked, mask);
}

const tokenLogProbsForward = kernel({
  name: 'DpoTokenLogProbs',
  inputs: ['logits', 'tokens', 'mask'],
  webgpu: ({ logits }) => tokenLogProbsProgram(...logitsShape(logits)),
  wasm: wasm.tokenLogProbs,
});
const tokenLogProbsBackward = kernel({
  name: 'DpoTokenLogProbsGrad',
  inputs: ['dy', 'logits', 'tokens', 'mask'],
  webgpu: ({ logits }) => tokenLogProbsGradProgram(...logitsShape(logits)),
  wasm: wasm.tokenLogProbsGrad,
});

const TOKEN_LOG_PROBS: FusedOp<[logits: tf.Tensor3D, tokens: tf.Tensor2D, targetMask: tf.Tensor2D]> = {
  kernels: [tokenLogProbsForward, tokenLogProbsBackward],
  plain: plainTokenLogProbs,
  fused: (logits, tokens, targetMask) =>
    // Tokens and mask are data, not parameters: closed over, so only the logits get a gradient.
    withGradient<[tf.Tensor]>((l, save) => {
      save([l]);
      return {
        value: run(tokenLogProbsForward, { logits: l, tokens, mask: targetMask }),
        gradFunc: (dy, [ls]) => run(tokenLogProbsBackward, { dy, logits: ls!, tokens, mask: targetMask }),
      };
    })(logits),
};

export function tokenLogProbsFromLogits(logits: tf.Tensor3D, tokens: tf.Tensor2D, targetMask: tf.Tensor2D): tf.Tensor2D {
  return (fusedKernelsActive() ? TOKEN_LOG_PROBS.fused : TOKEN_LOG_PROBS.plain)(logits, tokens, targetMask) as tf.Tensor2D;
}

// ---- registration ---------------------------------------------------------------------------

/** Every fused kernel, forward and backward, registered from its entry. */
export const FUSED_KERNELS: readonly FusedKernel[] = [LAYER_NORM, GELU, SOFTMAX, TOKEN_LOG_PROBS].flatMap((op) => op.kernels);

/**
 * Register the fused kernels for the webgpu backend (call after importing it), its loop Sum
 * (webgpu-sum.ts) and, on software adapters only, its loop matmul (webgpu-matmul.ts): both
 * follow the same switch. Idempotent.
 */
export function registerFusedWebgpuKernels(): void {
  registerLoopWebgpuSum(() => enabled);
  registerLoopWebgpuMatMul((backend) => enabled && onSoftwareAdapter(backend));
  for (const k of FUSED_KERNELS) {
    if (tf.getKernel(k.name, 'webgpu')) continue;
    tf.registerKernel({
      kernelName: k.name,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend }) => {
        const named = inputs as Record<string, tf.TensorInfo>;
        const ordered = k.inputs.map((input) => named[input]!);
        return (backend as unknown as WebgpuBackendLike).runWebGPUProgram(k.webgpu(named), ordered, 'float32');
      },
    });
  }
}

/** Register the fused kernels for the wasm backend (imported already) where WebAssembly SIMD runs. Idempotent. */
export function registerFusedWasmKernels(): void {
  if (!simdSupported()) return;
  for (const k of FUSED_KERNELS) {
    if (tf.getKernel(k.name, 'wasm')) continue;
    tf.registerKernel({
      kernelName: k.name,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend }) => k.wasm(inputs as Record<string, tf.TensorInfo>, backend as unknown as WasmBackendLike),
    });
  }
}

let enabled = true;

/** Turn the fused path off (or back on): the equivalence report compares both on one backend. */
export function setFusedKernels(on: boolean): void {
  enabled = on;
}

/** Whether the fused path runs on the active backend. */
export function fusedKernelsActive(): boolean {
  return enabled && tf.getKernel(layerNormStats.name, tf.getBackend()) !== undefined;
}
