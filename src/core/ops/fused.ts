/**
 * Fused kernels for the hot ops of a training step: layer norm, GELU, softmax and the masked
 * next-token log-probs, each forward and backward. On WebGPU each is one or two dispatches (WGSL in
 * webgpu-programs.ts) and on WASM one call into kernels.wat (wasm/fused-kernels.ts), where tfjs's
 * composed ops take 5-25 kernels; the cpu backend runs the plain tfjs path below, which is also the
 * reference the equivalence report compares the fused path with.
 *
 * The fused path is used when the active backend has the kernels registered (the worker registers
 * them for webgpu and wasm, the CLI and the tests for wasm) and `setFusedKernels(false)` has not
 * turned them off.
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

interface WebgpuBackendLike {
  runWebGPUProgram(program: FusedProgram, inputs: tf.TensorInfo[], dtype: tf.DataType): tf.TensorInfo;
}

/** Kernel name -> program for the given inputs (their shapes pick the baked sizes). */
const PROGRAMS: Record<string, (inputs: tf.TensorInfo[]) => FusedProgram> = {
  DpoLayerNormStats: ([x]) => layerNormStatsProgram(x!.shape[0]!, x!.shape[1]!),
  DpoLayerNormApply: ([x]) => layerNormApplyProgram(x!.shape[0]!, x!.shape[1]!),
  DpoLayerNormGradX: ([dy]) => layerNormGradXProgram(dy!.shape[0]!, dy!.shape[1]!),
  DpoLayerNormGradGain: ([dy]) => layerNormGradGainProgram(dy!.shape[0]!, dy!.shape[1]!),
  DpoGelu: ([x]) => geluProgram(x!.shape),
  DpoGeluGrad: ([dy]) => geluGradProgram(dy!.shape),
  DpoSoftmax: ([x]) => softmaxProgram(x!.shape[0]!, x!.shape[1]!),
  DpoSoftmaxGrad: ([dy]) => softmaxGradProgram(dy!.shape[0]!, dy!.shape[1]!),
  DpoTokenLogProbs: ([logits]) => tokenLogProbsProgram(logits!.shape[0]!, logits!.shape[1]!, logits!.shape[2]!),
  DpoTokenLogProbsGrad: ([, logits]) => tokenLogProbsGradProgram(logits!.shape[0]!, logits!.shape[1]!, logits!.shape[2]!),
};

/** Input names of each kernel, in the order its program binds them. */
const INPUTS: Record<string, string[]> = {
  DpoLayerNormStats: ['x'],
  DpoLayerNormApply: ['x', 'stats', 'gain', 'bias'],
  DpoLayerNormGradX: ['dy', 'x', 'stats', 'gain'],
  DpoLayerNormGradGain: ['dy', 'x', 'stats'],
  DpoGelu: ['x'],
  DpoGeluGrad: ['dy', 'x'],
  DpoSoftmax: ['x'],
  DpoSoftmaxGrad: ['dy', 'y'],
  DpoTokenLogProbs: ['logits', 'tokens', 'mask'],
  DpoTokenLogProbsGrad: ['dy', 'logits', 'tokens', 'mask'],
};

export const FUSED_KERNELS = Object.keys(PROGRAMS);

/**
 * Register the fused kernels for the webgpu backend (call after importing it), its loop Sum
 * (webgpu-sum.ts) and, on software adapters only, its loop matmul (webgpu-matmul.ts): both
 * follow the same switch. Idempotent.
 */
export function registerFusedWebgpuKernels(): void {
  registerLoopWebgpuSum(() => enabled);
  registerLoopWebgpuMatMul((backend) => enabled && onSoftwareAdapter(backend));
  for (const name of FUSED_KERNELS) {
    if (tf.getKernel(name, 'webgpu')) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: 'webgpu',
      kernelFunc: ({ inputs, backend }) => {
        const ordered = INPUTS[name]!.map((input) => inputs[input]!);
        return (backend as unknown as WebgpuBackendLike).runWebGPUProgram(PROGRAMS[name]!(ordered), ordered, 'float32');
      },
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
  return enabled && tf.getKernel('DpoLayerNormStats', tf.getBackend()) !== undefined;
}

function run(name: string, inputs: Record<string, tf.Tensor>): tf.Tensor {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, {}) as tf.Tensor;
}

// ---- layer norm ----------------------------------------------------------------------------

export function plainLayerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  const normalised = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON)));
  return tf.add(tf.mul(normalised, gain), bias);
}

const fusedLayerNorm2d = tf.customGrad(((x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const stats = run('DpoLayerNormStats', { x });
  save([x, gain, stats]);
  return {
    value: run('DpoLayerNormApply', { x, stats, gain, bias }),
    gradFunc: (dy: tf.Tensor, [xs, g, s]: tf.Tensor[]) => [
      run('DpoLayerNormGradX', { dy, x: xs!, stats: s!, gain: g! }),
      run('DpoLayerNormGradGain', { dy, x: xs!, stats: s! }),
      tf.sum(dy, 0),
    ],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

/** Layer norm over the last axis, with gain and bias. */
export function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  if (!fusedKernelsActive()) return plainLayerNorm(x, gain, bias);
  const width = x.shape[x.shape.length - 1]!;
  return fusedLayerNorm2d(x.reshape([-1, width]), gain, bias).reshape(x.shape);
}

// ---- GELU ----------------------------------------------------------------------------------

/** GELU, sigmoid approximation x * sigmoid(1.702 x): two cheap ops instead of tanh's six. */
export function plainGelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

const fusedGelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return { value: run('DpoGelu', { x }), gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => run('DpoGeluGrad', { dy, x: xs! }) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

export function gelu(x: tf.Tensor): tf.Tensor {
  return fusedKernelsActive() ? fusedGelu(x) : plainGelu(x);
}

// ---- softmax ------------------------------------------------------------------------------

const fusedSoftmax2d = tf.customGrad(((x: tf.Tensor2D, save: tf.GradSaveFunc) => {
  const y = run('DpoSoftmax', { x });
  save([y]);
  return { value: y, gradFunc: (dy: tf.Tensor, [ys]: tf.Tensor[]) => run('DpoSoftmaxGrad', { dy, y: ys! }) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

/** Softmax over the last axis (attention weights). */
export function softmax(x: tf.Tensor): tf.Tensor {
  if (!fusedKernelsActive()) return tf.softmax(x);
  const width = x.shape[x.shape.length - 1]!;
  return fusedSoftmax2d(x.reshape([-1, width])).reshape(x.shape);
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
  return tf.mul(picked, mask) as tf.Tensor2D;
}

export function tokenLogProbsFromLogits(logits: tf.Tensor3D, tokens: tf.Tensor2D, targetMask: tf.Tensor2D): tf.Tensor2D {
  if (!fusedKernelsActive()) return plainTokenLogProbs(logits, tokens, targetMask);
  // Tokens and mask are data, not parameters: closed over, so only the logits get a gradient.
  const fused = tf.customGrad(((l: tf.Tensor, save: tf.GradSaveFunc) => {
    save([l]);
    return {
      value: run('DpoTokenLogProbs', { logits: l, tokens, mask: targetMask }),
      gradFunc: (dy: tf.Tensor, [ls]: tf.Tensor[]) => run('DpoTokenLogProbsGrad', { dy, logits: ls!, tokens, mask: targetMask }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (l: tf.Tensor) => tf.Tensor2D;
  return fused(logits);
}
