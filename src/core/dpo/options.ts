/**
 * Everything a DPO run is configured by: the page's settings and the command line's flags map onto
 * it (settings/run-options.ts).
 */
import { DEFAULT_JUDGE_CONFIG, type JudgeConfig } from './judge';
import { DEFAULT_LOSS, type DpoLossOptions } from './loss-options';
import type { PairSource } from './pairs';

/** Where pairs come from: fixed data, the current policy, or a per-example mix (Apple 2024). */
export const DPO_MODES = ['offline', 'online', 'mixed'] as const;
export type DpoMode = (typeof DPO_MODES)[number];

export interface SamplingConfig {
  temperature: number;
  topK: number;
  topP: number;
  maxNewTokens: number;
}

export interface DpoOptions {
  mode: DpoMode;
  pairSource: PairSource;
  judge: JudgeConfig;
  /** Who answers the self judge's questions. */
  selfJudgeModel: 'policy' | 'reference';
  loss: DpoLossOptions;
  learningRate: number;
  /** Preference pairs per step. */
  batchSize: number;
  steps: number;
  maxGradNorm: number;
  sampling: SamplingConfig;
  /** Online: responses sampled per prompt (best vs worst by the judge). */
  samples: number;
  /** Mixed-DPO (Apple 2024): probability that an example is the offline pair. */
  mixedOfflineProbability: number;
  /** Offline dataset size (pairs). */
  offlinePairs: number;
  seed: number;
  /** TR-DPO: every `every` steps, ref <- mix * policy + (1 - mix) * ref (every 0 = off). */
  referenceSync: { every: number; mix: number };
  /** RLAIF-V iterative rounds: the reference becomes the latest policy, which regenerates the data (0 = off). */
  rounds: number;
  logEvery: number;
}

export const DEFAULT_DPO: DpoOptions = {
  mode: 'offline',
  pairSource: 'gt-corrupt',
  judge: DEFAULT_JUDGE_CONFIG,
  selfJudgeModel: 'reference',
  // DPO plus an RPO sft term: pure sigmoid lets both log-probs fall and the captions shrink
  // (measured in docs/results.md); the sft term keeps the chosen captions likely.
  loss: {
    ...DEFAULT_LOSS,
    terms: [
      { type: 'sigmoid', weight: 1 },
      { type: 'sft', weight: 1 },
    ],
  },
  learningRate: 2e-4,
  batchSize: 16,
  steps: 100,
  maxGradNorm: 1,
  sampling: { temperature: 1, topK: 0, topP: 1, maxNewTokens: 21 },
  samples: 4,
  mixedOfflineProbability: 0.5,
  offlinePairs: 512,
  seed: 0,
  referenceSync: { every: 0, mix: 0.5 },
  rounds: 0,
  logEvery: 10,
};
