import { describe, expect, it } from 'vitest';
import * as tf from '../../src/core/tf';
import { dpoLoss, perPairLoss, type PairLogProbs } from '../../src/core/dpo/losses';
import { DEFAULT_LOSS, LOSS_TYPES, lossOptionProblems, type DpoLossOptions, type LossType } from '../../src/core/dpo/loss-options';

// Plain-JS formulas of each loss as Hugging Face TRL's DPOTrainer.dpo_loss computes it (and the
// papers it cites for each loss_type), written independently of the tfjs implementation.
const logSigmoid = (z: number) => -Math.log1p(Math.exp(-z));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

interface Pair {
  pc: number;
  pr: number;
  rc: number;
  rr: number;
  lc: number;
  lr: number;
}

/** Descending, as the implementation sorts (any order pairs the same ranks). */
const sortedDown = (xs: number[]) => [...xs].sort((a, b) => b - a);

function byHand(type: LossType, p: Pair, beta: number, eps: number, i = 0, all: Pair[] = [p]): number {
  const sc = p.pc - p.rc;
  const sr = p.pr - p.rr;
  const d = sc - sr;
  switch (type) {
    case 'sigmoid':
      return -(1 - eps) * logSigmoid(beta * d) - eps * logSigmoid(-beta * d);
    case 'hinge':
      return Math.max(0, 1 - beta * d);
    case 'ipo':
      return (sc / p.lc - sr / p.lr - 1 / (2 * beta)) ** 2;
    case 'robust':
      return (-(1 - eps) * logSigmoid(beta * d) + eps * logSigmoid(-beta * d)) / (1 - 2 * eps);
    case 'bco_pair':
      return -logSigmoid(beta * sc) - logSigmoid(-beta * sr);
    case 'nca_pair':
      return -logSigmoid(beta * sc) - 0.5 * logSigmoid(-beta * sc) - 0.5 * logSigmoid(-beta * sr);
    case 'sppo_hard':
      return (sc - 1 / (2 * beta)) ** 2 + (sr + 1 / (2 * beta)) ** 2;
    case 'apo_zero':
      return 1 - sigmoid(beta * sc) + sigmoid(beta * sr);
    case 'apo_down':
      return sigmoid(beta * sc) + 1 - sigmoid(beta * d);
    case 'exo_pair': {
      const e = eps > 0 ? eps : 1e-3;
      return sigmoid(beta * d) * (logSigmoid(beta * d) - Math.log(1 - e)) + sigmoid(-beta * d) * (logSigmoid(-beta * d) - Math.log(e));
    }
    case 'aot': {
      // The i-th largest policy gap against the i-th largest reference gap.
      const delta = sortedDown(all.map((q) => q.pc - q.pr))[i]! - sortedDown(all.map((q) => q.rc - q.rr))[i]!;
      return -(1 - eps) * logSigmoid(beta * delta) - eps * logSigmoid(-beta * delta);
    }
    case 'aot_unpaired': {
      const delta = sortedDown(all.map((q) => q.pc - q.rc))[i]! - sortedDown(all.map((q) => q.pr - q.rr))[i]!;
      return -(1 - eps) * logSigmoid(beta * delta) - eps * logSigmoid(-beta * delta);
    }
    case 'discopop': {
      const z = beta * d;
      const modulation = sigmoid(z / 0.05);
      return -logSigmoid(z) * (1 - modulation) + Math.exp(-z) * modulation;
    }
    case 'sigmoid_norm':
      return -logSigmoid(beta * (sc / p.lc - sr / p.lr));
    case 'sft':
      return -p.pc / p.lc;
  }
}

const PAIRS: Pair[] = [
  { pc: -10, pr: -14, rc: -11, rr: -12, lc: 8, lr: 9 },
  { pc: -20, pr: -6, rc: -18, rr: -7, lc: 12, lr: 4 },
  { pc: -3.5, pr: -3.5, rc: -3.5, rr: -3.5, lc: 3, lr: 3 },
  { pc: -40, pr: -80, rc: -60, rr: -50, lc: 20, lr: 21 },
];

function tensors(pairs: Pair[]): PairLogProbs {
  const col = (k: keyof Pair) => tf.tensor1d(pairs.map((p) => p[k]));
  return {
    policyChosen: col('pc'),
    policyRejected: col('pr'),
    referenceChosen: col('rc'),
    referenceRejected: col('rr'),
    chosenLength: col('lc'),
    rejectedLength: col('lr'),
  };
}

describe('every loss type matches its formula computed by hand', () => {
  for (const type of LOSS_TYPES) {
    for (const [beta, eps] of [
      [0.1, 0],
      [0.5, 0.2],
    ] as const) {
      it(`${type}, beta ${beta}, eps ${eps}`, async () => {
        const options: DpoLossOptions = { ...DEFAULT_LOSS, beta, labelSmoothing: eps };
        const got = await perPairLoss(type, tensors(PAIRS), options).data();
        PAIRS.forEach((p, i) => expect(got[i]).toBeCloseTo(byHand(type, p, beta, eps, i, PAIRS), 4));
      });
    }
  }
});

describe('combined loss and TRL metrics', () => {
  it('sums weighted means of the terms', async () => {
    const options: DpoLossOptions = {
      ...DEFAULT_LOSS,
      terms: [
        { type: 'sigmoid', weight: 1 },
        { type: 'sft', weight: 0.5 },
      ],
    };
    const { loss } = dpoLoss(tensors(PAIRS), options);
    const mean = (f: (p: Pair) => number) => PAIRS.reduce((s, p) => s + f(p), 0) / PAIRS.length;
    const expected = mean((p) => byHand('sigmoid', p, 0.1, 0)) + 0.5 * mean((p) => byHand('sft', p, 0.1, 0));
    expect((await loss.data())[0]).toBeCloseTo(expected, 4);
  });

  it('is ln 2 = 0.6931 with zero margins when policy = reference', async () => {
    const same = PAIRS.map((p) => ({ ...p, rc: p.pc, rr: p.pr }));
    const { loss, metrics } = dpoLoss(tensors(same), DEFAULT_LOSS);
    expect((await loss.data())[0]).toBeCloseTo(Math.LN2, 6);
    expect((await metrics['rewards/margins'].data())[0]).toBeCloseTo(0, 6);
    expect((await metrics['rewards/accuracies'].data())[0]).toBe(0);
  });

  it('computes rewards, margins and accuracies as TRL defines them', async () => {
    const beta = 0.1;
    const { metrics } = dpoLoss(tensors(PAIRS), { ...DEFAULT_LOSS, beta });
    const chosen = PAIRS.map((p) => beta * (p.pc - p.rc));
    const rejected = PAIRS.map((p) => beta * (p.pr - p.rr));
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect((await metrics['rewards/chosen'].data())[0]).toBeCloseTo(avg(chosen), 5); // (0.1 - 0.2 + 0 + 2) / 4
    expect((await metrics['rewards/rejected'].data())[0]).toBeCloseTo(avg(rejected), 5);
    expect((await metrics['rewards/margins'].data())[0]).toBeCloseTo(avg(chosen) - avg(rejected), 5);
    // Pair by pair: 0.1 > -0.2 yes; -0.2 > 0.1 no; 0 > 0 no; 2 > -3 yes.
    expect((await metrics['rewards/accuracies'].data())[0]).toBeCloseTo(0.5, 6);
    expect((await metrics['logps/chosen'].data())[0]).toBeCloseTo(avg(PAIRS.map((p) => p.pc)), 4);
  });

  it('reference-free DPO ignores the reference log-probs', async () => {
    const options = { ...DEFAULT_LOSS, referenceFree: true };
    const got = await perPairLoss('sigmoid', tensors(PAIRS), options).data();
    PAIRS.forEach((p, i) => expect(got[i]).toBeCloseTo(-logSigmoid(0.1 * (p.pc - p.pr)), 4));
  });

  it('mDPO adds the conditional term and its anchor', async () => {
    const lp = {
      ...tensors(PAIRS),
      policyChosenCorrupt: tf.tensor1d(PAIRS.map((p) => p.pc - 2)),
      referenceChosenCorrupt: tf.tensor1d(PAIRS.map((p) => p.rc - 1)),
    };
    const options = { ...DEFAULT_LOSS, terms: [], mdpoWeight: 1 };
    const got = await dpoLoss(lp, options).perPair.data();
    // conditional = (pc - (pc-2)) - (rc - (rc-1)) = 1; anchor = pc - rc.
    PAIRS.forEach((p, i) => expect(got[i]).toBeCloseTo(-logSigmoid(0.1 * 1) - logSigmoid(0.1 * (p.pc - p.rc)), 4));
  });
});

describe('gradient of the DPO loss', () => {
  it.each(['aot', 'aot_unpaired', 'exo_pair', 'discopop'] as const)('%s matches finite differences (sorting included)', async (type) => {
    const base = tensors(PAIRS);
    const options = { ...DEFAULT_LOSS, beta: 0.3, labelSmoothing: 0.1, terms: [{ type, weight: 1 }] };
    const f = (pc: tf.Tensor) => dpoLoss({ ...base, policyChosen: pc as tf.Tensor1D }, options).loss;
    const analytic = await tf.grad(f)(base.policyChosen).data();
    const pc = Array.from(await base.policyChosen.data());
    const h = 1e-2;
    for (let i = 0; i < PAIRS.length; i++) {
      const at = async (dc: number) => (await f(tf.tensor1d(pc.map((v, j) => (j === i ? v + dc : v)))).data())[0]!;
      expect(analytic[i]).toBeCloseTo(((await at(h)) - (await at(-h))) / (2 * h), 3);
    }
  });

  it('matches finite differences with respect to the policy log-probs', async () => {
    const base = tensors(PAIRS);
    const options = {
      ...DEFAULT_LOSS,
      beta: 0.3,
      terms: [
        { type: 'sigmoid' as const, weight: 1 },
        { type: 'ipo' as const, weight: 0.2 },
      ],
    };
    const f = (pc: tf.Tensor, pr: tf.Tensor) =>
      dpoLoss({ ...base, policyChosen: pc as tf.Tensor1D, policyRejected: pr as tf.Tensor1D }, options).loss;
    const [gc, gr] = tf.grads(f)([base.policyChosen, base.policyRejected]);
    const analyticC = await gc!.data();
    const analyticR = await gr!.data();
    const pc = Array.from(await base.policyChosen.data());
    const pr = Array.from(await base.policyRejected.data());
    const h = 1e-2;
    for (let i = 0; i < PAIRS.length; i++) {
      const at = async (dc: number, dr: number) => {
        const c = pc.slice();
        const r = pr.slice();
        c[i]! += dc;
        r[i]! += dr;
        return (await f(tf.tensor1d(c), tf.tensor1d(r)).data())[0]!;
      };
      expect(analyticC[i]).toBeCloseTo(((await at(h, 0)) - (await at(-h, 0))) / (2 * h), 3);
      expect(analyticR[i]).toBeCloseTo(((await at(0, h)) - (await at(0, -h))) / (2 * h), 3);
    }
  });
});

describe('loss option validation', () => {
  it('names what is wrong', () => {
    expect(lossOptionProblems(DEFAULT_LOSS)).toEqual([]);
    expect(lossOptionProblems({ ...DEFAULT_LOSS, beta: 0 })).toContain('beta must be > 0 (got 0)');
    expect(lossOptionProblems({ ...DEFAULT_LOSS, labelSmoothing: 0.5 })[0]).toMatch(/label smoothing/);
    expect(lossOptionProblems({ ...DEFAULT_LOSS, terms: [{ type: 'dpo' as LossType, weight: 1 }] })[0]).toMatch(/unknown loss type "dpo"/);
    expect(lossOptionProblems({ ...DEFAULT_LOSS, terms: [{ type: 'sft', weight: 1 }] })[0]).toMatch(/sft term alone/);
  });
});
