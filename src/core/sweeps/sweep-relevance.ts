/**
 * Which settings change nothing for a run, and why. A sweep merges the values of such a setting
 * (they would train the same run twice) and leaves it out of run names and result labels. Read off
 * where the engine uses each setting: run-options.ts, dpo/trainer.ts (prepare, nextBatch),
 * dpo/pair-builders.ts (buildOfflinePairs) and dpo/judge.ts (scoreCandidates).
 */
import type { PlaygroundConfig, SettingName } from '../settings/controls';
import { judgeEntry } from '../dpo/judge';

/** What plain SFT reads: sftOptionsFromConfig, the world, the model and the evaluation. */
const SFT_READS: readonly SettingName[] = [
  'cooccurrenceBias',
  'annotatorHallucination',
  'annotatorFollowsSigns',
  'modelSize',
  'learningRate',
  'batchSize',
  'steps',
  'seed',
  'evalEvery',
  'evalScenes',
  'evalSeed',
];

/** Why setting `key` changes nothing for a run with `config` ("for offline runs"), or undefined when it matters. */
export function inertReason(key: SettingName, config: PlaygroundConfig): string | undefined {
  const { method: mode, pairSource: pairs, judge } = config;
  if (mode === 'sft') return SFT_READS.includes(key) ? undefined : 'for sft runs';
  // Online and mixed runs sample and judge every step; offline ones only when building self-sampled pairs.
  const samplesEachStep = mode !== 'offline';
  const samples = samplesEachStep || pairs === 'self-samples';
  const notSampled = `for offline runs with ${pairs} pairs`;
  switch (key) {
    case 'samples':
      return samplesEachStep ? undefined : 'for offline runs';
    case 'temperature':
    case 'topK':
    case 'topP':
    case 'judge':
      return samples ? undefined : notSampled;
    case 'judgeNoise':
      if (!samples) return notSampled;
      return judgeEntry(judge).noisy ? undefined : `for runs with the ${judge} judge`;
    case 'coverageBonus':
      if (!samples) return notSampled;
      // Only the oracle's verdicts count covered objects (reward models score captions their own way; a person just picks).
      return judgeEntry(judge).rewardsCoverage ? undefined : `for runs with the ${judge} judge`;
    case 'pairSource':
    case 'offlinePairs':
      return mode === 'online' ? 'for online runs' : undefined;
    case 'mixedOfflineProbability':
      return mode === 'mixed' ? undefined : `for ${mode} runs`;
    case 'referenceSyncMix':
      return config.referenceSync > 0 ? undefined : 'without reference sync (sync 0)';
    default:
      return undefined;
  }
}
