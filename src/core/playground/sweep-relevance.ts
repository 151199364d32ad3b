/**
 * Which settings change nothing for a run, and why. A sweep merges the values of such a setting
 * (they would train the same run twice) and leaves it out of run names and result labels. Read off
 * where the engine uses each setting: run-options.ts, dpo/trainer.ts (prepare, nextBatch),
 * dpo/pair-builders.ts (buildOfflinePairs) and dpo/judge.ts (scoreCandidates).
 */
import type { ControlKey, PlaygroundConfig } from './controls';

/** What plain SFT reads: sftOptionsFromConfig, the world, the model and the evaluation. */
const SFT_READS: readonly ControlKey[] = [
  'cooc',
  'halluc',
  'obey',
  'model',
  'lr',
  'batch',
  'steps',
  'seed',
  'evalevery',
  'evaln',
  'evalseed',
];

/** Judges whose score adds the coverage bonus (reward models score captions their own way; a person just picks). */
const COVERAGE_JUDGES: readonly string[] = ['oracle', 'noisy', 'self'];

/** Why `key` changes nothing for a run with `config` ("for offline runs"), or undefined when it matters. */
export function inertReason(key: ControlKey, config: PlaygroundConfig): string | undefined {
  const { mode, pairs, judge } = config;
  if (mode === 'sft') return SFT_READS.includes(key) ? undefined : 'for sft runs';
  // Online and mixed runs sample and judge every step; offline ones only when building self-sampled pairs.
  const samplesEachStep = mode !== 'offline';
  const samples = samplesEachStep || pairs === 'self-samples';
  const notSampled = `for offline runs with ${pairs} pairs`;
  switch (key) {
    case 'k':
      return samplesEachStep ? undefined : 'for offline runs';
    case 'temp':
    case 'topk':
    case 'topp':
    case 'judge':
      return samples ? undefined : notSampled;
    case 'noise':
      if (!samples) return notSampled;
      return judge === 'noisy' ? undefined : `for runs with the ${judge} judge`;
    case 'cover':
      if (!samples) return notSampled;
      return COVERAGE_JUDGES.includes(judge) ? undefined : `for runs with the ${judge} judge`;
    case 'pairs':
    case 'npairs':
      return mode === 'online' ? 'for online runs' : undefined;
    case 'mixp':
      return mode === 'mixed' ? undefined : `for ${mode} runs`;
    case 'refmix':
      return config.sync > 0 ? undefined : 'without reference sync (sync 0)';
    default:
      return undefined;
  }
}
