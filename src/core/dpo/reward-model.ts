/**
 * A learned reward model, as RLHF pipelines train one: r(response) = w . features(response), fit to
 * preference pairs by Bradley-Terry logistic regression (maximise log sigmoid(r(chosen) -
 * r(rejected)), L2-regularised). A linear head on fixed features, so it trains in milliseconds in
 * the page; what matters for the lesson is what it can see.
 *
 * Without facts it sees only the caption: how many objects it names and which shape, colour and
 * position words it uses. It learns which words the preferred captions of its training pairs tend
 * to use, not what is true, so a policy optimised against it can
 * raise its score without becoming more faithful: reward hacking. With facts (factually augmented
 * RLHF, LLaVA-RLHF) it also sees the scene's ground-truth description, as counts of the caption's
 * objects that the description has, lacks or describes otherwise, and learns to reward truth.
 */
import { createRng, type Rng } from '../random';
import { checkObjectClaims, parseClaims } from '../world/claims';
import type { WorldConfig } from '../world/config';
import { sampleScene, type Scene } from '../world/scene';
import { DESCRIBE_PROMPT, describeMentions, groundTruthCaption } from '../world/tasks';
import { COLOURS, POSITIONS, SHAPES } from '../world/vocabulary';
import { groundTruthCorruption } from './pairs';

export interface RewardModel {
  facts: boolean;
  /** One weight per feature (featureNames order). */
  weights: number[];
  /** Share of its training pairs it ranks the right way round. */
  trainAccuracy: number;
}

const WORD_FEATURES = [...SHAPES, ...COLOURS, ...POSITIONS];
const FACT_FEATURES = ['objects the description has', 'objects it lacks', 'wrong colours', 'wrong positions'];

/** What each weight multiplies, in order (for the docs and the inspector). */
export function featureNames(facts: boolean): string[] {
  return ['objects named', ...WORD_FEATURES.map((w) => `"${w}"`), ...(facts ? FACT_FEATURES : [])];
}

/** The features of a caption; with facts, the scene's ground truth is read too. */
export function rewardFeatures(response: string, scene: Scene, facts: boolean): number[] {
  const claims = parseClaims(response);
  const words = WORD_FEATURES.map((word) => claims.words.filter((w) => w === word).length);
  const features = [claims.objects.length, ...words];
  if (!facts) return features;
  const verdicts = checkObjectClaims(claims, scene);
  return [
    ...features,
    verdicts.filter((v) => !v.hallucinated).length,
    verdicts.filter((v) => v.hallucinated).length,
    verdicts.filter((v) => v.wrongColour).length,
    verdicts.filter((v) => v.wrongPosition).length,
  ];
}

export function rewardScore(model: RewardModel, response: string, scene: Scene): number {
  const features = rewardFeatures(response, scene, model.facts);
  return features.reduce((sum, x, i) => sum + x * model.weights[i]!, 0);
}

export interface RewardTrainingPair {
  scene: Scene;
  chosen: string;
  rejected: string;
}

/** Bradley-Terry fit by full-batch gradient ascent on the mean log-likelihood (deterministic). */
export function trainRewardModel(
  pairs: readonly RewardTrainingPair[],
  facts: boolean,
  steps = 400,
  learningRate = 0.5,
  l2 = 1e-3,
): RewardModel {
  const differences = pairs.map((p) => {
    const chosen = rewardFeatures(p.chosen, p.scene, facts);
    const rejected = rewardFeatures(p.rejected, p.scene, facts);
    return chosen.map((x, i) => x - rejected[i]!);
  });
  const size = featureNames(facts).length;
  const weights = new Array<number>(size).fill(0);
  for (let step = 0; step < steps; step++) {
    const gradient = weights.map((w) => -l2 * w);
    for (const d of differences) {
      const margin = d.reduce((sum, x, i) => sum + x * weights[i]!, 0);
      // d/dw log sigmoid(margin) = (1 - sigmoid(margin)) d
      const pull = 1 / (1 + Math.exp(margin));
      for (let i = 0; i < size; i++) gradient[i]! += (pull * d[i]!) / differences.length;
    }
    for (let i = 0; i < size; i++) weights[i]! += learningRate * gradient[i]!;
  }
  const right = differences.filter((d) => d.reduce((sum, x, i) => sum + x * weights[i]!, 0) > 0).length;
  return { facts, weights, trainAccuracy: differences.length ? right / differences.length : 0 };
}

/**
 * The oracle's preferences on captions, as a reward model's training pairs: half are the true
 * caption against the same with one plausible error (the offline gt-corrupt pairs), half the true
 * caption against the same with one true object left out (the oracle's coverage bonus prefers the
 * complete one). Without the second half "names fewer objects" is all a model needs to rank every
 * pair, and a policy optimised against it learns to say nothing.
 */
export function oracleCaptionPairs(rng: Rng, world: WorldConfig, count: number): RewardTrainingPair[] {
  const pairs: RewardTrainingPair[] = [];
  while (pairs.length < count) {
    if (pairs.length % 2 === 0) {
      // Without its image: the reward model reads only text (and, with facts, the scene).
      const pair = groundTruthCorruption(rng, world);
      if (pair.prompt === DESCRIBE_PROMPT) pairs.push(pair);
      continue;
    }
    const scene = sampleScene(rng, world);
    if (scene.objects.length < 2) continue;
    const left = [...scene.objects];
    left.splice(rng.int(left.length), 1);
    pairs.push({ scene, chosen: groundTruthCaption(scene), rejected: describeMentions(left) });
  }
  return pairs;
}

/**
 * The reward model a run's judge uses, trained on `count` oracle caption pairs from its own random
 * stream, so building it moves nothing else of the run and a resumed run rebuilds the same model.
 */
export function rewardModelForRun(seed: number, world: WorldConfig, facts: boolean, count = 256): RewardModel {
  return trainRewardModel(oracleCaptionPairs(createRng((seed ^ 0x5eed) >>> 0), world, count), facts);
}
