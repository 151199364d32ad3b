/**
 * The DPO loss family, by Hugging Face TRL's `loss_type` names: every one of TRL's DPOTrainer
 * losses (sigmoid with label smoothing as cDPO, hinge, ipo, exo_pair, nca_pair, robust, bco_pair,
 * sppo_hard, aot, aot_unpaired, discopop, apo_zero, apo_down, sft) plus sigmoid_norm (SimPO's
 * length-normalised margin, which TRL has in CPOTrainer). One difference from TRL: `sft` averages
 * each chosen caption's token NLL and then the pairs, where TRL pools all chosen tokens of the
 * batch (equal when the captions are equally long).
 * A pure function of per-sequence log-probabilities, so it is testable without a model.
 * Every -log sigmoid(z) is written softplus(-z): tfjs's logSigmoid gradient is broken on cpu.
 */
import * as tf from '../tf';
import type { DpoLossOptions, LossType } from './loss-options';
import type { PairMetric } from './metric-names';

/** Per-sequence summed log-probs [B] and response lengths (tokens scored, incl. <eos>) [B] of a batch of pairs. */
export interface PairLogProbs {
  policyChosen: tf.Tensor1D;
  policyRejected: tf.Tensor1D;
  referenceChosen: tf.Tensor1D;
  referenceRejected: tf.Tensor1D;
  chosenLength: tf.Tensor1D;
  rejectedLength: tf.Tensor1D;
  /** mDPO: the chosen response scored on a corrupted image, by policy and reference. */
  policyChosenCorrupt?: tf.Tensor1D;
  referenceChosenCorrupt?: tf.Tensor1D;
}

/** TRL metric names; scalars on the device until someone reads them. */
export type DpoMetricTensors = Record<PairMetric, tf.Scalar>;

const softplus = (x: tf.Tensor) => tf.softplus(x);
const neg = (x: tf.Tensor) => tf.neg(x);

/** TRL's discopop temperature (discopop_tau). */
const DISCOPOP_TAU = 0.05;

/**
 * x sorted (descending) over the batch, with gradients flowing back to the entries it came from:
 * a permutation matrix times x, its transpose on the way back (tfjs has no gradient for TopK, and
 * gather's needs UnsortedSegmentSum, which tfjs-backend-wasm lacks).
 */
const sortedOverBatch = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor1D, tf.GradSaveFunc];
  const n = x.shape[0];
  const permutation = tf.oneHot(tf.topk(x, n).indices, n).toFloat();
  save([permutation]);
  return {
    value: tf.matMul(permutation, x.reshape([n, 1])).reshape<tf.Tensor1D>([n]),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.matMul(saved[0]!, dy.reshape([n, 1]), true, false).reshape([n]),
  };
}) as (x: tf.Tensor1D) => tf.Tensor1D;

/** -(1 - eps) log sigmoid(z) - eps log sigmoid(-z): the sigmoid loss with label smoothing. */
function smoothedSigmoid(z: tf.Tensor, eps: number): tf.Tensor {
  return tf.add(tf.mul(1 - eps, softplus(neg(z))), tf.mul(eps, softplus(z)));
}

/** One loss_type's per-pair loss [B]. */
export function perPairLoss(type: LossType, lp: PairLogProbs, options: DpoLossOptions): tf.Tensor1D {
  const beta = options.beta;
  const eps = options.labelSmoothing;
  const refChosen = options.referenceFree ? tf.zerosLike(lp.referenceChosen) : lp.referenceChosen;
  const refRejected = options.referenceFree ? tf.zerosLike(lp.referenceRejected) : lp.referenceRejected;
  const sChosen = tf.sub(lp.policyChosen, refChosen);
  const sRejected = tf.sub(lp.policyRejected, refRejected);
  const d = tf.sub(sChosen, sRejected);
  const bd = tf.mul(beta, d);
  const bsc = tf.mul(beta, sChosen);
  const bsr = tf.mul(beta, sRejected);
  const half = 1 / (2 * beta);
  let loss: tf.Tensor;
  switch (type) {
    case 'sigmoid': // DPO; with label smoothing eps, cDPO
      loss = tf.add(tf.mul(1 - eps, softplus(neg(bd))), tf.mul(eps, softplus(bd)));
      break;
    case 'hinge': // SLiC
      loss = tf.relu(tf.sub(1, bd));
      break;
    case 'ipo': {
      // Per-token averaged log-ratios (Azar et al.).
      const dAvg = tf.sub(tf.div(sChosen, lp.chosenLength), tf.div(sRejected, lp.rejectedLength));
      loss = tf.square(tf.sub(dAvg, half));
      break;
    }
    case 'robust': // rDPO: unbiased under label noise eps
      loss = tf.div(tf.sub(tf.mul(1 - eps, softplus(neg(bd))), tf.mul(eps, softplus(bd))), 1 - 2 * eps);
      break;
    case 'bco_pair':
      loss = tf.add(softplus(neg(bsc)), softplus(bsr));
      break;
    case 'nca_pair':
      loss = tf.add(softplus(neg(bsc)), tf.add(tf.mul(0.5, softplus(bsc)), tf.mul(0.5, softplus(bsr))));
      break;
    case 'sppo_hard':
      loss = tf.add(tf.square(tf.sub(sChosen, half)), tf.square(tf.add(sRejected, half)));
      break;
    case 'apo_zero':
      loss = tf.add(tf.sub(1, tf.sigmoid(bsc)), tf.sigmoid(bsr));
      break;
    case 'apo_down':
      loss = tf.add(tf.sigmoid(bsc), tf.sub(1, tf.sigmoid(bd)));
      break;
    case 'exo_pair': {
      // EXO (Ji et al. 2024), as TRL: eps is the label smoothing, 1e-3 when that is 0.
      const e = eps > 0 ? eps : 1e-3;
      const chosenTerm = tf.mul(tf.sigmoid(bd), tf.sub(neg(softplus(neg(bd))), Math.log(1 - e)));
      const rejectedTerm = tf.mul(tf.sigmoid(neg(bd)), tf.sub(neg(softplus(bd)), Math.log(e)));
      loss = tf.add(chosenTerm, rejectedTerm);
      break;
    }
    case 'aot': {
      // AOT (Melnyk et al. 2024): the sorted policy log-ratio gaps against the sorted reference gaps.
      const policyGap = sortedOverBatch(tf.sub<tf.Tensor1D>(lp.policyChosen, lp.policyRejected));
      const referenceGap = sortedOverBatch(tf.sub<tf.Tensor1D>(refChosen, refRejected));
      loss = smoothedSigmoid(tf.mul(beta, tf.sub(policyGap, referenceGap)), eps);
      break;
    }
    case 'aot_unpaired':
      // AOT for unpaired data: sorted chosen log-ratios against sorted rejected log-ratios.
      loss = smoothedSigmoid(tf.mul(beta, tf.sub(sortedOverBatch(sChosen as tf.Tensor1D), sortedOverBatch(sRejected as tf.Tensor1D))), eps);
      break;
    case 'discopop': {
      // DiscoPOP (Chris Lu et al. 2024): logistic and exponential losses blended by sigmoid(z / tau).
      const modulation = tf.sigmoid(tf.div(bd, DISCOPOP_TAU));
      loss = tf.add(tf.mul(softplus(neg(bd)), tf.sub(1, modulation)), tf.mul(tf.exp(neg(bd)), modulation));
      break;
    }
    case 'sigmoid_norm': // SimPO-style length-normalised margin
      loss = softplus(neg(tf.mul(beta, tf.sub(tf.div(sChosen, lp.chosenLength), tf.div(sRejected, lp.rejectedLength)))));
      break;
    case 'sft': // RPO term: token-mean negative log-likelihood of the chosen response
      loss = neg(tf.div(lp.policyChosen, lp.chosenLength));
      break;
  }
  return loss as tf.Tensor1D;
}

/** mDPO (Wang et al. 2024): prefer y+ on the real image over y+ on a corrupted one, plus an anchor. */
function mdpoPerPair(lp: PairLogProbs, options: DpoLossOptions): tf.Tensor1D {
  if (!lp.policyChosenCorrupt || !lp.referenceChosenCorrupt)
    throw new Error('mDPO needs log-probs of the chosen response on a corrupted image');
  const refChosen = options.referenceFree ? tf.zerosLike(lp.referenceChosen) : lp.referenceChosen;
  const refCorrupt = options.referenceFree ? tf.zerosLike(lp.referenceChosenCorrupt) : lp.referenceChosenCorrupt;
  const conditional = tf.sub(tf.sub(lp.policyChosen, lp.policyChosenCorrupt), tf.sub(refChosen, refCorrupt));
  const anchor = tf.sub(lp.policyChosen, refChosen);
  return tf.add<tf.Tensor1D>(softplus(neg(tf.mul(options.beta, conditional))), softplus(neg(tf.mul(options.beta, anchor))));
}

/** SUM_k w_k * mean(L_k) (+ mDPO), the per-pair total, and TRL's metrics. */
export function dpoLoss(lp: PairLogProbs, options: DpoLossOptions): { loss: tf.Scalar; perPair: tf.Tensor1D; metrics: DpoMetricTensors } {
  let perPair: tf.Tensor = tf.zerosLike(lp.policyChosen);
  for (const term of options.terms) perPair = tf.add(perPair, tf.mul(term.weight, perPairLoss(term.type, lp, options)));
  if (options.mdpoWeight > 0) perPair = tf.add(perPair, tf.mul(options.mdpoWeight, mdpoPerPair(lp, options)));
  const refChosen = options.referenceFree ? tf.zerosLike(lp.referenceChosen) : lp.referenceChosen;
  const refRejected = options.referenceFree ? tf.zerosLike(lp.referenceRejected) : lp.referenceRejected;
  const rewardChosen = tf.mul(options.beta, tf.sub(lp.policyChosen, refChosen));
  const rewardRejected = tf.mul(options.beta, tf.sub(lp.policyRejected, refRejected));
  return {
    loss: tf.mean<tf.Scalar>(perPair),
    perPair: perPair as tf.Tensor1D,
    metrics: {
      'rewards/chosen': tf.mean<tf.Scalar>(rewardChosen),
      'rewards/rejected': tf.mean<tf.Scalar>(rewardRejected),
      'rewards/margins': tf.mean<tf.Scalar>(tf.sub(rewardChosen, rewardRejected)),
      'rewards/accuracies': tf.mean<tf.Scalar>(tf.cast(tf.greater(rewardChosen, rewardRejected), 'float32')),
      'logps/chosen': tf.mean<tf.Scalar>(lp.policyChosen),
      'logps/rejected': tf.mean<tf.Scalar>(lp.policyRejected),
    },
  };
}
