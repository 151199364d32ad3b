import * as tf from '../tf';
import type { TrainableWeights } from '../model/weights';

export interface StepResult {
  /** Loss of the step (a scalar still on the device; read it only when logging). */
  loss: tf.Scalar;
  /** Global gradient norm before clipping (on the device). */
  gradNorm: tf.Scalar;
  /** 1 when the step was applied, 0 when it was refused for a non-finite loss or gradient. */
  applied: tf.Scalar;
}

/** Adam's moments and bias correction as plain numbers: what a resumed run needs to continue exactly. */
export interface AdamState {
  firstMoment: Float32Array;
  secondMoment: Float32Array;
  accBeta1: number;
  accBeta2: number;
}

/**
 * Adam (tfjs's formulas, epsilon included) over all trainable weights at once, with global-norm
 * gradient clipping and a NaN guard that reads nothing back. The gradients are flattened into one
 * vector and the moments live in two flat vectors, so a step costs a few dozen kernels instead of
 * about twenty-five per weight (tf.train.adam) plus a clip, a guard and a restore per weight.
 *
 * A non-finite loss or gradient refuses the step on the device: weights, moments and the bias
 * correction all keep their values (WGSL may assume NaN never happens, and one NaN update would
 * poison every weight). `applied` tells, on the device, whether the step counted.
 */
export class PackedAdam {
  /** Changeable between steps (schedules, the playground's live learning rate). */
  learningRate: number;
  private readonly weights: tf.Variable[];
  private readonly sizes: number[];
  private readonly firstMoment: tf.Variable;
  private readonly secondMoment: tf.Variable;
  /** beta^t for the bias correction, advanced only by applied steps. */
  private readonly accBeta1: tf.Variable;
  private readonly accBeta2: tf.Variable;
  private readonly epsilon: number;

  constructor(
    weights: TrainableWeights,
    learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
  ) {
    this.learningRate = learningRate;
    this.weights = Object.values(weights);
    this.sizes = this.weights.map((w) => w.size);
    const total = this.sizes.reduce((a, b) => a + b, 0);
    this.firstMoment = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.secondMoment = tf.tidy(() => tf.variable(tf.zeros([total]), false));
    this.accBeta1 = tf.tidy(() => tf.variable(tf.scalar(beta1), false));
    this.accBeta2 = tf.tidy(() => tf.variable(tf.scalar(beta2), false));
    this.epsilon = tf.backend().epsilon();
  }

  /** One clipped, guarded step on `lossFn`'s gradient. */
  step(lossFn: () => tf.Scalar, maxGradNorm: number): StepResult {
    const { value, grads } = tf.variableGrads(lossFn, this.weights);
    const result = tf.tidy(() => {
      const flatGrad = tf.concat(this.weights.map((w) => grads[w.name]!.reshape([-1])));
      const gradNorm = tf.sqrt(tf.sum(tf.square(flatGrad))) as tf.Scalar;
      const finite = tf.logicalAnd(tf.isFinite(gradNorm), tf.isFinite(value));
      // The same verdict for every entry, built elementwise: tf.where broadcasts a scalar
      // condition with Tile, which WASM runs as a slow generic loop (12 ms per vector here).
      const keep = tf.logicalAnd(tf.isFinite(flatGrad), finite);
      const clip = tf.minimum(1, tf.div(maxGradNorm, tf.add(gradNorm, 1e-6)));
      const g = tf.where(keep, tf.mul(flatGrad, clip), tf.zerosLike(flatGrad));
      const { beta1, beta2 } = this;
      const m = tf.add(tf.mul(this.firstMoment, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(this.secondMoment, beta2), tf.mul(tf.square(g), 1 - beta2));
      const mHat = tf.div(m, tf.sub(1, this.accBeta1));
      const vHat = tf.div(v, tf.sub(1, this.accBeta2));
      const flatWeights = tf.concat(this.weights.map((w) => w.reshape([-1])));
      const updated = tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate), flatWeights);
      const next = tf.where(keep, updated, flatWeights);
      tf.split(next, this.sizes).forEach((part, i) => this.weights[i]!.assign(part.reshape(this.weights[i]!.shape)));
      this.firstMoment.assign(tf.where(keep, m, this.firstMoment));
      this.secondMoment.assign(tf.where(keep, v, this.secondMoment));
      this.accBeta1.assign(tf.where(finite, tf.mul(this.accBeta1, beta1), this.accBeta1));
      this.accBeta2.assign(tf.where(finite, tf.mul(this.accBeta2, beta2), this.accBeta2));
      return { gradNorm: tf.keep(gradNorm), applied: tf.keep(tf.cast(finite, 'float32') as tf.Scalar) };
    });
    tf.dispose(grads);
    return { loss: value, gradNorm: result.gradNorm, applied: result.applied };
  }

  async exportState(): Promise<AdamState> {
    const [firstMoment, secondMoment, accBeta1, accBeta2] = await Promise.all(
      [this.firstMoment, this.secondMoment, this.accBeta1, this.accBeta2].map((t) => t.data() as Promise<Float32Array>),
    );
    return { firstMoment: firstMoment!, secondMoment: secondMoment!, accBeta1: accBeta1![0]!, accBeta2: accBeta2![0]! };
  }

  importState(state: AdamState): void {
    const size = this.firstMoment.size;
    if (state.firstMoment.length !== size || state.secondMoment.length !== size)
      throw new Error(`the saved optimizer state holds ${state.firstMoment.length} moments; this model has ${size} trainable values`);
    tf.tidy(() => {
      this.firstMoment.assign(tf.tensor1d(state.firstMoment));
      this.secondMoment.assign(tf.tensor1d(state.secondMoment));
      this.accBeta1.assign(tf.scalar(state.accBeta1));
      this.accBeta2.assign(tf.scalar(state.accBeta2));
    });
  }

  dispose(): void {
    tf.dispose([this.firstMoment, this.secondMoment, this.accBeta1, this.accBeta2]);
  }
}
