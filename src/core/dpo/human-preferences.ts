/**
 * The person's choices in human-judge mode, kept as preference pairs (the pick against each other
 * caption shown) so a reward model can learn from them, as real pipelines train one on human
 * comparisons. The page keeps one log for all its runs.
 */
import type { Scene } from '../world/scene';
import type { RewardTrainingPair } from './reward-model';

/** Fewer choices than this give a reward model too little to rank anything. */
export const MIN_HUMAN_PAIRS = 8;

export class HumanPreferences {
  readonly pairs: RewardTrainingPair[] = [];

  /** One choice: the picked response is preferred to every different one beside it. */
  record(scene: Scene, responses: readonly string[], pick: number): void {
    const chosen = responses[pick];
    if (chosen === undefined) return;
    for (const rejected of new Set(responses)) if (rejected !== chosen) this.pairs.push({ scene, chosen, rejected });
  }

  /** The pairs to train on, or a message saying how many more choices are needed. */
  trainingPairs(): RewardTrainingPair[] {
    if (this.pairs.length >= MIN_HUMAN_PAIRS) return this.pairs;
    throw new Error(
      `the reward-human judges learn from your choices: run online DPO with judge = human and pick at least ${MIN_HUMAN_PAIRS} preferences first (so far ${this.pairs.length})`,
    );
  }
}
