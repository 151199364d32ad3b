/**
 * Each fused kernel (and the loop Sum and transposed matmuls that go with them) against its plain
 * tfjs path on the active backend, at the shapes a default DPO step uses: the value and the
 * gradient of every differentiable input, under a fixed random upstream gradient. Empty where the
 * backend has no fused kernels.
 */
import * as tf from '../tf';
import { matMul } from '../model/matmul';
import {
  fusedKernelsActive,
  gelu,
  layerNorm,
  plainGelu,
  plainLayerNorm,
  plainTokenLogProbs,
  setFusedKernels,
  softmax,
  tokenLogProbsFromLogits,
} from '../ops/fused';

export interface FusedKernelCheck {
  op: string;
  shape: number[];
  /** Largest |fused - plain| over the output and over each input's gradient. */
  valueDiff: number;
  gradientDiff: number;
  /** Largest |plain| output and gradient entry, to read the differences against. */
  valueScale: number;
  gradientScale: number;
}

type Op = (inputs: tf.Tensor[]) => tf.Tensor;

/** Largest |a - b| (or |a| without b); the intermediate tensors are freed. */
async function maxAbs(a: tf.Tensor, b?: tf.Tensor): Promise<number> {
  const largest = tf.tidy(() => tf.max(tf.abs(b ? tf.sub(a, b) : a)));
  const value = (await largest.data())[0]!;
  largest.dispose();
  return value;
}

async function compare(op: string, inputs: tf.Tensor[], differentiable: number, fused: Op, plain: Op): Promise<FusedKernelCheck> {
  const shape = inputs[0]!.shape;
  const [fusedValue, fusedGrads, plainValue, plainGrads] = tf.tidy(() => {
    const upstream = tf.randomNormal(fused(inputs).shape, 0, 1, 'float32', 11);
    const run = (f: Op) => {
      const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f([...xs, ...inputs.slice(differentiable)]), upstream)))(
        inputs.slice(0, differentiable),
      );
      return [f(inputs), grads] as const;
    };
    const [fv, fg] = run(fused);
    setFusedKernels(false);
    try {
      const [pv, pg] = run(plain);
      return [fv, fg, pv, pg] as const;
    } finally {
      setFusedKernels(true);
    }
  });
  let gradientDiff = 0;
  let gradientScale = 0;
  for (let i = 0; i < fusedGrads.length; i++) {
    gradientDiff = Math.max(gradientDiff, await maxAbs(fusedGrads[i]!, plainGrads[i]));
    gradientScale = Math.max(gradientScale, await maxAbs(plainGrads[i]!));
  }
  const valueDiff = await maxAbs(fusedValue, plainValue);
  const valueScale = await maxAbs(plainValue);
  tf.dispose([fusedValue, plainValue, ...fusedGrads, ...plainGrads]);
  return { op, shape, valueDiff, gradientDiff, valueScale, gradientScale };
}

/** Shapes of a default DPO step: 32 sequences of 9 + 29 tokens, d = 64, vocabulary 50. */
export async function fusedKernelChecks(batch = 32, length = 38, width = 64, vocab = 50, textLength = 29): Promise<FusedKernelCheck[]> {
  if (!fusedKernelsActive()) return [];
  const normal = (shape: number[], seed: number, std = 1) => tf.randomNormal(shape, 0, std, 'float32', seed);
  const x = normal([batch, length, width], 1);
  const gain = tf.add(1, normal([width], 2, 0.1));
  const bias = normal([width], 3, 0.1);
  const hidden = normal([batch, length, 2 * width], 4, 2);
  const logits = normal([batch, textLength, vocab], 5, 3);
  const queries = normal([batch, 4, length, width / 4], 8);
  const keys = normal([batch, 4, length, width / 4], 9);
  const states = normal([batch * textLength, width], 10);
  const embedding = normal([vocab, width], 12);
  const scores = normal([batch, 4, length, length], 13, 3);
  const activations = normal([batch * length, 3 * width], 14);
  const qkvWeight = normal([width, 3 * width], 15, 0.1);
  // Uniform floats floored: tfjs's int32 randomUniform rounds, so it can return `vocab` itself.
  const tokens = tf.cast(tf.floor(tf.randomUniform([batch, textLength], 0, vocab - 1e-3, 'float32', 6)), 'int32');
  const mask = tf.cast(tf.greater(tf.randomUniform([batch, textLength], 0, 1, 'float32', 7), 0.3), 'float32');
  try {
    return [
      await compare(
        'layer norm',
        [x, gain, bias],
        3,
        ([a, g, b]) => layerNorm(a!, g!, b!),
        ([a, g, b]) => plainLayerNorm(a!, g!, b!),
      ),
      await compare(
        'gelu',
        [hidden],
        1,
        ([a]) => gelu(a!),
        ([a]) => plainGelu(a!),
      ),
      await compare(
        'token log-probs',
        [logits, tokens, mask],
        1,
        ([l, t, m]) => tokenLogProbsFromLogits(l as tf.Tensor3D, t as tf.Tensor2D, m as tf.Tensor2D),
        ([l, t, m]) => plainTokenLogProbs(l as tf.Tensor3D, t as tf.Tensor2D, m as tf.Tensor2D),
      ),
      await compare(
        'softmax',
        [scores],
        1,
        ([a]) => softmax(a!),
        ([a]) => tf.softmax(a!),
      ),
      // Sum: the same tf.sum with the loop kernel on (fused) and off (tfjs's reduction).
      await compare(
        'sum over rows (bias gradient)',
        [activations],
        1,
        ([a]) => tf.sum(a!, 0),
        ([a]) => tf.sum(a!, 0),
      ),
      await compare(
        'dense layer (x W)',
        [states, qkvWeight],
        2,
        ([h, w]) => matMul(h!, w!),
        ([h, w]) => matMul(h!, w!),
      ),
      await compare(
        'attention scores (q k^T)',
        [queries, keys],
        2,
        ([q, k]) => matMul(q!, k!, true),
        ([q, k]) => matMul(q!, k!, true),
      ),
      await compare(
        'tied output head (h E^T)',
        [states, embedding],
        2,
        ([h, e]) => matMul(h!, e!, true),
        ([h, e]) => matMul(h!, e!, true),
      ),
    ];
  } finally {
    tf.dispose([x, gain, bias, hidden, logits, queries, keys, states, embedding, scores, activations, qkvWeight, tokens, mask]);
  }
}
