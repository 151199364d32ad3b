/**
 * Judging candidates for online DPO and self-sampled pairs: each judge kind turns responses into
 * scores (oracle and noisy from verdicts.ts, self by asking the model, human by asking a person).
 * verdicts.ts holds what needs no model, so the page's settings can name the judges without
 * pulling TensorFlow.js into the main thread.
 */
import { createRng, type Rng } from '../random';
import type { ModelConfig } from '../model/config';
import type { Weights } from '../model/weights';
import type { Scene } from '../world/scene';
import { flipVerdicts, oracleVerdicts, scoreFromVerdicts, type JudgeConfig } from './verdicts';

import { rewardScore, type RewardModel } from './reward-model';
import type { HumanPreferences } from './human-preferences';
import { selfJudgeVerdicts } from './self-judge';

export interface Candidate {
  scene: Scene;
  image: Float32Array;
  prompt: string;
  response: string;
  endedWithEos: boolean;
}

/** A person picks the best of several responses to one prompt (the app shows them; the CLI cannot). */
export type HumanChooser = (choice: { image: Float32Array; prompt: string; responses: string[] }) => Promise<number>;

export interface JudgeContext {
  /** The model that checks claims for the self judge (policy or reference). */
  selfJudgeModel?: { weights: Weights; config: ModelConfig };
  human?: HumanChooser;
  rng?: Rng;
  /** The learned reward model for the reward judges (the trainer builds it on first use). */
  rewardModel?: RewardModel;
  /** Where the human judge's choices are kept, for the reward-human judges to learn from. */
  humanPreferences?: HumanPreferences;
}

/** Scores for candidates (higher is better). Human choices score 1 for the pick, 0 otherwise. */
export async function scoreCandidates(judge: JudgeConfig, candidates: readonly Candidate[], context: JudgeContext = {}): Promise<number[]> {
  const rng = context.rng ?? createRng(0);
  switch (judge.kind) {
    case 'oracle':
      return candidates.map((c) => scoreFromVerdicts(oracleVerdicts(c.prompt, c.response, c.scene), c.endedWithEos, judge));
    case 'noisy':
      return candidates.map((c) =>
        scoreFromVerdicts(flipVerdicts(oracleVerdicts(c.prompt, c.response, c.scene), judge.noise, rng), c.endedWithEos, judge),
      );
    case 'self': {
      const model = context.selfJudgeModel;
      if (!model) throw new Error('the self judge needs a model to ask');
      const verdicts = await selfJudgeVerdicts(model.weights, model.config, candidates);
      return verdicts.map((v, i) => scoreFromVerdicts(v, candidates[i]!.endedWithEos, judge));
    }
    case 'reward':
    case 'reward-facts':
    case 'reward-human':
    case 'reward-human-facts': {
      const model = context.rewardModel;
      if (!model) throw new Error('the reward-model judge needs its model trained first');
      // Only what the model scores: a missing <eos> is a fact about the text the oracle adds, not it.
      return candidates.map((c) => rewardScore(model, c.response, c.scene));
    }
    case 'human': {
      if (!context.human)
        throw new Error('the human judge needs a person: use the app, or choose oracle, noisy, self, reward or reward-facts');
      // Group candidates by prompt+image (consecutive runs), ask once per group.
      const scores = candidates.map(() => 0);
      let start = 0;
      while (start < candidates.length) {
        let end = start + 1;
        while (
          end < candidates.length &&
          candidates[end]!.image === candidates[start]!.image &&
          candidates[end]!.prompt === candidates[start]!.prompt
        )
          end++;
        const group = candidates.slice(start, end);
        const pick = await context.human({ image: group[0]!.image, prompt: group[0]!.prompt, responses: group.map((c) => c.response) });
        if (pick >= 0 && pick < group.length) {
          scores[start + pick] = 1;
          context.humanPreferences?.record(
            group[0]!.scene,
            group.map((c) => c.response),
            pick,
          );
        }
        start = end;
      }
      return scores;
    }
  }
}
