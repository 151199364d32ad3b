import { afterAll, describe, expect, it } from 'vitest';
import {
  JUDGE_KINDS,
  JUDGES,
  judgeEntry,
  judgesWithoutPage,
  scoreCandidates,
  DEFAULT_JUDGE_CONFIG,
  type Candidate,
  type JudgeContext,
  type JudgeKind,
} from '../../src/core/dpo/judge';
import { rewardModelForRun } from '../../src/core/dpo/reward-model';
import { selfJudgeVerdicts } from '../../src/core/dpo/self-judge';
import { DpoTrainer } from '../../src/core/dpo/trainer';
import { PRESETS } from '../../src/core/model/config';
import { disposeWeights, initWeights } from '../../src/core/model/weights';
import { createRng } from '../../src/core/random';
import { DEFAULT_WORLD } from '../../src/core/world/config';
import { renderScene } from '../../src/core/world/render';
import { sampleScene } from '../../src/core/world/scene';
import { DESCRIBE_PROMPT, describeMentions, groundTruthCaption } from '../../src/core/world/tasks';

const config = PRESETS.tiny;
const world = DEFAULT_WORLD;

/** Captions of several scenes: each true caption, and the same with one true object left out. */
function candidates(): Candidate[] {
  const rng = createRng(4);
  const out: Candidate[] = [];
  while (out.length < 24) {
    const scene = sampleScene(rng, world);
    if (scene.objects.length < 2) continue;
    const image = renderScene(scene, config.imageSize, world.noise);
    for (const response of [groundTruthCaption(scene), describeMentions(scene.objects.slice(1))])
      out.push({ scene, image, prompt: DESCRIBE_PROMPT, response, endedWithEos: true });
  }
  return out;
}

/**
 * Every judge's entry is checked against what its scorer does, so a property that says one thing
 * while the scorer does another (the coverage bonus of a judge that never counts coverage, noise on
 * a judge that never flips) fails here.
 */
describe('the judge table', () => {
  const weights = initWeights(config, 1);
  afterAll(() => disposeWeights(weights));
  const contextFor = (kind: JudgeKind, seed = 0): JudgeContext => ({
    selfJudge: (items) => selfJudgeVerdicts(weights, config, items),
    human: () => Promise.resolve(0),
    rng: createRng(seed),
    rewardModel: judgeEntry(kind).rewardModel ? rewardModelForRun(0, world, judgeEntry(kind).seesFacts) : undefined,
  });
  const score = (kind: JudgeKind, settings: Partial<typeof DEFAULT_JUDGE_CONFIG> = {}) =>
    scoreCandidates({ ...DEFAULT_JUDGE_CONFIG, ...settings, kind }, candidates(), contextFor(kind));

  it('lists the judges in the settings order, the table is keyed by them, and the command line gets the ones without a person', () => {
    expect(JUDGE_KINDS).toEqual(['oracle', 'noisy', 'self', 'human', 'reward', 'reward-facts', 'reward-human', 'reward-human-facts']);
    expect(Object.keys(JUDGES)).toEqual(JUDGE_KINDS);
    expect(judgesWithoutPage()).toBe('oracle, noisy, self, reward or reward-facts');
  });

  it.each(JUDGE_KINDS)('%s: the coverage bonus changes its scores exactly when the table says it rewards coverage', async (kind) => {
    const without = await score(kind, { coverageBonus: 0, noise: 0 });
    const withBonus = await score(kind, { coverageBonus: 3, noise: 0 });
    expect(withBonus.some((s, i) => s !== without[i])).toBe(judgeEntry(kind).rewardsCoverage);
  });

  it.each(JUDGE_KINDS)('%s: the noise setting changes its scores exactly when the table says it is noisy', async (kind) => {
    const clean = await score(kind, { noise: 0 });
    const noisy = await score(kind, { noise: 0.5 });
    expect(noisy.some((s, i) => s !== clean[i])).toBe(judgeEntry(kind).noisy);
  });

  it.each(JUDGE_KINDS)('%s: needs someone to pick exactly when the table says a person picks', async (kind) => {
    const unasked = scoreCandidates({ ...DEFAULT_JUDGE_CONFIG, kind }, candidates(), { ...contextFor(kind), human: undefined });
    if (judgeEntry(kind).person === 'picks') await expect(unasked).rejects.toThrow(/the human judge needs a person/);
    else await expect(unasked).resolves.toHaveLength(24);
  });

  it('a gamed judge names its version with the facts, which sees them and is not gamed', () => {
    for (const kind of JUDGE_KINDS) {
      const gamed = judgeEntry(kind).gamed;
      if (!gamed) continue;
      expect(judgeEntry(kind).seesFacts).toBe(false);
      expect(judgeEntry(gamed.withFacts)).toMatchObject({ seesFacts: true, rewardModel: judgeEntry(kind).rewardModel });
      expect(judgeEntry(gamed.withFacts).gamed).toBeUndefined();
    }
  });

  it.each(JUDGE_KINDS.filter((kind) => judgeEntry(kind).rewardModel))(
    '%s: the trainer trains its reward model on what the table says (the oracle, or choices a person made)',
    async (kind) => {
      const policy = initWeights(config, 2);
      const trainer = new DpoTrainer(policy, config, world, {
        mode: 'online',
        judge: { ...DEFAULT_JUDGE_CONFIG, kind },
        steps: 1,
        batchSize: 2,
        samples: 2,
      });
      const step = trainer.trainStep();
      if (judgeEntry(kind).rewardModel?.trainedOn === 'person') await expect(step).rejects.toThrow(/pick at least 8 preferences first/);
      else await expect(step).resolves.toBeDefined();
      trainer.dispose();
      disposeWeights(policy);
    },
  );
});
