import { describe, expect, it } from 'vitest';
import {
  featureNames,
  oracleCaptionPairs,
  rewardFeatures,
  rewardModelForRun,
  rewardScore,
  trainRewardModel,
  type RewardTrainingPair,
} from '../../src/core/dpo/reward-model';
import { HumanPreferences, MIN_HUMAN_PAIRS } from '../../src/core/dpo/human-preferences';
import { DEFAULT_JUDGE_CONFIG, scoreCandidates } from '../../src/core/dpo/judge';
import { createRng } from '../../src/core/random';
import { DEFAULT_WORLD } from '../../src/core/world/config';
import type { Scene } from '../../src/core/world/scene';

const scene: Scene = {
  objects: [
    { shape: 'triangle', colour: 'red', cell: 0 },
    { shape: 'circle', colour: 'blue', cell: 4 },
  ],
} as unknown as Scene;

const accuracy = (model: ReturnType<typeof trainRewardModel>, pairs: RewardTrainingPair[]) =>
  pairs.filter((p) => rewardScore(model, p.chosen, p.scene) > rewardScore(model, p.rejected, p.scene)).length / pairs.length;

describe('the learned reward model judge', () => {
  it('counts by hand what a caption says, and with facts what the scene has', () => {
    const caption = 'a red triangle at the top-left and a yellow star at the center .';
    const plain = rewardFeatures(caption, scene, false);
    const names = featureNames(false);
    expect(plain).toHaveLength(names.length);
    expect(plain[0]).toBe(2); // objects named
    expect(plain[names.indexOf('"star"')]).toBe(1);
    expect(plain[names.indexOf('"circle"')]).toBe(0);
    expect(plain[names.indexOf('"top-left"')]).toBe(1);
    // The facts: the triangle is there (right colour and place), the star is not.
    expect(rewardFeatures(caption, scene, true).slice(names.length)).toEqual([1, 1, 0, 0]);
  });

  it('fits a pair it is given: Bradley-Terry on one difference ranks the chosen caption first', () => {
    const pair = { scene, chosen: 'a red triangle at the top-left .', rejected: 'a red triangle at the top-left and a star .' };
    const model = trainRewardModel([pair], false);
    expect(model.trainAccuracy).toBe(1);
    expect(rewardScore(model, pair.chosen, scene)).toBeGreaterThan(rewardScore(model, pair.rejected, scene));
  });

  it('with facts it ranks held-out oracle pairs almost perfectly; without them it cannot tell a true caption from a false one', () => {
    const withFacts = rewardModelForRun(1, DEFAULT_WORLD, true);
    const withoutFacts = rewardModelForRun(1, DEFAULT_WORLD, false);
    const held = oracleCaptionPairs(createRng(99), DEFAULT_WORLD, 300);
    expect(accuracy(withFacts, held)).toBeGreaterThan(0.95);
    expect(accuracy(withoutFacts, held)).toBeLessThan(accuracy(withFacts, held) - 0.1);
    // The same words score the same on a scene they describe and on one they do not.
    const caption = 'a red triangle at the top-left and a blue circle at the center .';
    const elsewhere = { objects: [{ shape: 'heart', colour: 'green', cell: 8 }] } as unknown as Scene;
    expect(rewardScore(withoutFacts, caption, elsewhere)).toBe(rewardScore(withoutFacts, caption, scene));
    expect(rewardScore(withFacts, caption, elsewhere)).toBeLessThan(rewardScore(withFacts, caption, scene) - 1);
    // With facts, leaving out a true object or adding an absent one lowers the score.
    expect(rewardScore(withFacts, 'a red triangle at the top-left .', scene)).toBeLessThan(rewardScore(withFacts, caption, scene));
    expect(rewardScore(withFacts, caption.replace(' .', ' and a yellow star at the bottom-right .'), scene)).toBeLessThan(
      rewardScore(withFacts, caption, scene),
    );
  });

  it('is the same model for the same seed (a resumed run judges as before)', () => {
    expect(rewardModelForRun(7, DEFAULT_WORLD, false).weights).toEqual(rewardModelForRun(7, DEFAULT_WORLD, false).weights);
  });

  it("learns from a person's human-judge choices: each pick is preferred to every other caption shown", async () => {
    const log = new HumanPreferences();
    const truthful = 'top-left red triangle and center blue circle .';
    const withStar = 'top-left red triangle and center blue circle and top-right green star .';
    const image = new Float32Array(1);
    const candidates = [withStar, truthful, truthful].map((response) => ({
      scene,
      image,
      prompt: 'describe the image',
      response,
      endedWithEos: true,
    }));
    // The person picks the truthful caption (index 1): one pair, the duplicate is not a second.
    const scores = await scoreCandidates({ ...DEFAULT_JUDGE_CONFIG, kind: 'human' }, candidates, {
      human: () => Promise.resolve(1),
      humanPreferences: log,
    });
    expect(scores).toEqual([0, 1, 0]);
    expect(log.pairs).toEqual([{ scene, chosen: truthful, rejected: withStar }]);
    expect(() => log.trainingPairs()).toThrow(/pick at least 8 preferences first \(so far 1\)/);
    for (let i = 1; i < MIN_HUMAN_PAIRS; i++) log.record(scene, [withStar, truthful], 1);
    const model = trainRewardModel(log.trainingPairs(), true);
    expect(rewardScore(model, truthful, scene)).toBeGreaterThan(rewardScore(model, withStar, scene));
  });
});
