import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/core/model/config';
import { disposeWeights, initWeights } from '../../src/core/model/weights';
import { createRng } from '../../src/core/random';
import { DEFAULT_WORLD } from '../../src/core/world/config';
import { parseClaims } from '../../src/core/world/claims';
import { groundTruthCorruptionPair } from '../../src/core/dpo/pairs';
import { bdhsPairs, DEFAULT_SELF_SAMPLES, selfSamplePairs } from '../../src/core/dpo/pair-builders';
import { flipVerdicts, oracleVerdicts, scoreFromVerdicts, DEFAULT_JUDGE } from '../../src/core/dpo/verdicts';
import { DEFAULT_JUDGE_CONFIG, scoreCandidates } from '../../src/core/dpo/judge';
import type { Scene } from '../../src/core/world/scene';
import { splitWords } from '../../src/core/world/tokenizer';

const world = DEFAULT_WORLD;

describe('ground truth vs corruption pairs', () => {
  it('rejected responses really contain a hallucination and chosen ones do not (by the claim parser)', () => {
    const rng = createRng(1);
    const kinds = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const pair = groundTruthCorruptionPair(rng, world);
      kinds.add(pair.source);
      const chosen = oracleVerdicts(pair.prompt, pair.chosen, pair.scene).verdicts;
      const rejected = oracleVerdicts(pair.prompt, pair.rejected, pair.scene).verdicts;
      expect(chosen.every(Boolean), `${pair.prompt} -> ${pair.chosen}`).toBe(true);
      expect(
        rejected.some((ok) => !ok),
        `${pair.prompt} -> ${pair.rejected}`,
      ).toBe(true);
      expect(pair.rejected).not.toBe(pair.chosen);
    }
    expect(kinds.size).toBeGreaterThanOrEqual(5);
  });

  it('an absent-object rejection names the usual companion of a shape that is there, when one is missing', () => {
    const rng = createRng(2);
    let companions = 0;
    let total = 0;
    for (let i = 0; i < 400; i++) {
      const pair = groundTruthCorruptionPair(rng, world);
      if (pair.source !== 'gt-corrupt: absent-object') continue;
      const extra = parseClaims(pair.rejected).objects.find((c) => !pair.scene.objects.some((o) => o.shape === c.shape))!;
      const partners = pair.scene.objects.map((o) => world.cooccurringPairs.find((p) => p.includes(o.shape))?.find((s) => s !== o.shape));
      if (partners.some((p) => p && !pair.scene.objects.some((o) => o.shape === p))) {
        total++;
        if (partners.includes(extra.shape)) companions++;
      }
    }
    expect(total).toBeGreaterThan(10);
    expect(companions).toBe(total);
  });
});

describe('BDHS', () => {
  it('produces rejections whose claims differ from the ground truth, from a blinded reference', async () => {
    const config = PRESETS.tiny;
    const weights = initWeights(config, 3);
    const pairs = await bdhsPairs({ weights, config }, world, 12, createRng(4));
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) {
      const key = (t: string) =>
        JSON.stringify(
          parseClaims(t)
            .objects.map((c) => [c.shape, c.colour, c.cell])
            .sort(),
        );
      expect(key(pair.rejected)).not.toBe(key(pair.chosen));
      expect(pair.source).toBe('bdhs');
    }
    disposeWeights(weights);
  });
});

describe('RLAIF-V self-sample pairs', () => {
  it('pair responses whose judge scores differ by at least 1, at most 2 per prompt, of similar length', async () => {
    const config = PRESETS.tiny;
    const weights = initWeights(config, 6);
    const pairs = await selfSamplePairs(
      { weights, config },
      world,
      10,
      createRng(7),
      { ...DEFAULT_JUDGE_CONFIG, coverageBonus: 0 },
      {},
      { ...DEFAULT_SELF_SAMPLES, samples: 6, maxLengthGap: 4 },
    );
    expect(pairs.length).toBeGreaterThan(0);
    const perScene = new Map<unknown, number>();
    for (const pair of pairs) {
      perScene.set(pair.scene, (perScene.get(pair.scene) ?? 0) + 1);
      const score = (text: string) =>
        scoreFromVerdicts(oracleVerdicts(pair.prompt, text, pair.scene), true, {
          ...DEFAULT_JUDGE,
          coverageBonus: 0,
          missingEosPenalty: 0,
        });
      const [, chosenScore, rejectedScore] = /score (-?[\d.]+) vs (-?[\d.]+)/.exec(pair.source)!.map(Number);
      expect(chosenScore! - rejectedScore!).toBeGreaterThanOrEqual(1);
      // Without the end-token penalty the oracle ranks them the same way (the gap is in the claims or the ending).
      expect(score(pair.chosen)).toBeGreaterThanOrEqual(score(pair.rejected) - 1);
      // Counted as the builder counts (an empty caption has no words).
      expect(Math.abs(splitWords(pair.chosen).length - splitWords(pair.rejected).length)).toBeLessThanOrEqual(4);
    }
    for (const count of perScene.values()) expect(count).toBeLessThanOrEqual(2);
    disposeWeights(weights);
  });
});

describe('judges', () => {
  const scene: Scene = { objects: [{ shape: 'triangle', colour: 'red', cell: 0, scale: 0.8, dx: 0, dy: 0 }], noiseSeed: 0 };

  it('the oracle scores minus the number of false claims (and rewards coverage only if asked)', () => {
    const good = oracleVerdicts('describe the image', 'top-left red triangle .', scene);
    const bad = oracleVerdicts('describe the image', 'top-left blue triangle and center green star .', scene);
    const strict = { ...DEFAULT_JUDGE, coverageBonus: 0 };
    expect(scoreFromVerdicts(good, true, strict)).toBe(0);
    // blue (wrong colour) + star (absent) = 2 rejected claims.
    expect(scoreFromVerdicts(bad, true, strict)).toBe(-2);
    expect(scoreFromVerdicts(good, true, { ...strict, coverageBonus: 0.5 })).toBe(0.5);
    expect(scoreFromVerdicts(good, false, strict)).toBe(-1); // no <eos>
    // Without a coverage bonus, saying nothing scores as well as a faithful caption: length gaming.
    expect(scoreFromVerdicts(oracleVerdicts('describe the image', '.', scene), true, strict)).toBe(0);
    expect(scoreFromVerdicts(oracleVerdicts('describe the image', '.', scene), true, DEFAULT_JUDGE)).toBeLessThan(
      scoreFromVerdicts(good, true, DEFAULT_JUDGE),
    );
  });

  it('the noisy judge flips verdicts at the requested rate', () => {
    const rng = createRng(5);
    const verdicts = { verdicts: Array.from({ length: 20000 }, () => true), covered: 0 };
    for (const eps of [0, 0.1, 0.3]) {
      const flipped = flipVerdicts(verdicts, eps, rng).verdicts.filter((ok) => !ok).length / 20000;
      expect(flipped).toBeGreaterThanOrEqual(eps - 0.015);
      expect(flipped).toBeLessThanOrEqual(eps + 0.015);
    }
  });

  it('the human judge is refused clearly when nobody is there to ask', async () => {
    await expect(
      scoreCandidates({ ...DEFAULT_JUDGE_CONFIG, kind: 'human' }, [
        { scene, image: new Float32Array(1), prompt: 'describe the image', response: 'x', endedWithEos: true },
      ]),
    ).rejects.toThrow(/needs a person/);
  });
});
