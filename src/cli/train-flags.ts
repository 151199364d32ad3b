import { DEFAULT_DPO, DPO_MODES, type DpoOptions } from '../core/dpo/options';
import { JUDGE_KINDS, type JudgeKind } from '../core/dpo/judge';
import { PAIR_SOURCES, type PairSource } from '../core/dpo/pair-builders';
import { lossOptionProblems } from '../core/dpo/losses';
import { parseLossSpec } from '../core/dpo/loss-spec';
import { NODE_BACKENDS } from './backend';
import { UsageError, type FlagSpec, type Flags } from './args';

/** The DPO flags, shared by `train` and `sweep`. */
export const TRAIN_FLAGS = {
  mode: { kind: 'string', default: DEFAULT_DPO.mode, choices: DPO_MODES, help: 'where preference pairs come from: fixed data, the current policy, or both' },
  pairs: { kind: 'string', default: DEFAULT_DPO.pairSource, choices: PAIR_SOURCES, help: 'offline pair source' },
  judge: { kind: 'string', default: 'oracle', choices: JUDGE_KINDS.filter((j) => j !== 'human'), help: 'who ranks sampled responses' },
  noise: { kind: 'number', default: DEFAULT_DPO.judge.noise, min: 0, max: 0.5, help: 'noisy judge: probability of flipping each verdict' },
  'coverage-bonus': { kind: 'number', default: DEFAULT_DPO.judge.coverageBonus, min: 0, max: 5, help: 'judge score per covered object (0 invites length gaming: saying less)' },
  loss: { kind: 'string', default: 'sigmoid,sft:1', help: 'loss types with optional weights (TRL loss_type names), e.g. sigmoid or ipo,sft:0.5' },
  'label-smoothing': { kind: 'number', default: 0, min: 0, max: 0.49, help: 'cDPO / robust eps' },
  'reference-free': { kind: 'boolean', help: 'use logp_ref = 0' },
  mdpo: { kind: 'number', default: 0, min: 0, max: 10, help: 'weight of the mDPO conditional term (0 = off)' },
  beta: { kind: 'number', default: DEFAULT_DPO.loss.beta, min: 0, exclusiveMin: true, max: 100, help: 'DPO beta (> 0)' },
  lr: { kind: 'number', default: DEFAULT_DPO.learningRate, min: 0, exclusiveMin: true, max: 1, help: 'learning rate (Adam)' },
  steps: { kind: 'int', default: DEFAULT_DPO.steps, min: 1, max: 100000, help: 'optimizer steps' },
  batch: { kind: 'int', default: DEFAULT_DPO.batchSize, min: 1, max: 256, help: 'preference pairs per step' },
  temperature: { kind: 'number', default: DEFAULT_DPO.sampling.temperature, min: 0, max: 5, help: 'sampling temperature (online, self-samples)' },
  'top-k': { kind: 'int', default: 0, min: 0, help: 'sampling top-k (0 = off)' },
  'top-p': { kind: 'number', default: 1, min: 0, exclusiveMin: true, max: 1, help: 'sampling top-p (1 = off)' },
  samples: { kind: 'int', default: DEFAULT_DPO.samples, min: 2, max: 16, help: 'online: responses per prompt (K >= 2)' },
  'mix-p': { kind: 'number', default: DEFAULT_DPO.mixedOfflineProbability, min: 0, max: 1, help: 'mixed: probability of the offline pair' },
  'offline-pairs': { kind: 'int', default: DEFAULT_DPO.offlinePairs, min: 1, max: 20000, help: 'offline dataset size' },
  'ref-sync': { kind: 'int', default: 0, min: 0, help: 'TR-DPO: sync the reference every N steps (0 = off)' },
  'ref-mix': { kind: 'number', default: 0.5, min: 0, max: 1, help: 'TR-DPO mix rate' },
  rounds: { kind: 'int', default: 0, min: 0, max: 20, help: 'RLAIF-V iterative rounds (0 = off)' },
  seed: { kind: 'int', default: 0, min: 0, help: 'training seed' },
  'eval-seed': { kind: 'int', default: 1, min: 0, help: 'seed of the held-out scenes' },
  'eval-scenes': { kind: 'int', default: 200, min: 1, max: 10000, help: 'held-out scenes' },
  'eval-every': { kind: 'int', default: 0, min: 0, help: 'also run the hallucination eval every N steps (0 = only before and after)' },
  checkpoint: { kind: 'string', default: 'models/sft-base', help: 'starting checkpoint directory' },
  out: { kind: 'string', default: '', help: 'save the trained checkpoint here' },
  backend: { kind: 'string', default: 'wasm', choices: NODE_BACKENDS, help: 'tfjs backend' },
  json: { kind: 'boolean', help: 'end with one line of JSON: config, final metrics, eval_before, eval_after' },
} satisfies Record<string, FlagSpec>;

/** Flags -> trainer options, with the cross-flag checks the flag table cannot express. */
export function dpoOptionsFromFlags(flags: Flags<typeof TRAIN_FLAGS>): DpoOptions {
  let terms;
  try {
    terms = parseLossSpec(flags.loss);
  } catch (error) {
    throw new UsageError(`--loss: ${(error as Error).message}`);
  }
  const loss = { terms, beta: flags.beta, labelSmoothing: flags['label-smoothing'], referenceFree: flags['reference-free'], mdpoWeight: flags.mdpo };
  const problems = lossOptionProblems(loss);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return {
    ...DEFAULT_DPO,
    mode: flags.mode as DpoOptions['mode'],
    pairSource: flags.pairs as PairSource,
    judge: { ...DEFAULT_DPO.judge, kind: flags.judge as JudgeKind, noise: flags.noise, coverageBonus: flags['coverage-bonus'] },
    loss,
    learningRate: flags.lr,
    batchSize: flags.batch,
    steps: flags.steps,
    sampling: { temperature: flags.temperature, topK: flags['top-k'], topP: flags['top-p'], maxNewTokens: DEFAULT_DPO.sampling.maxNewTokens },
    samples: flags.samples,
    mixedOfflineProbability: flags['mix-p'],
    offlinePairs: flags['offline-pairs'],
    seed: flags.seed,
    referenceSync: { every: flags['ref-sync'], mix: flags['ref-mix'] },
    rounds: flags.rounds,
  };
}

