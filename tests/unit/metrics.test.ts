import { describe, expect, it } from 'vitest';
import { captionScores } from '../../src/core/eval/hallucination';
import { popeProbes, popeScores, type WorldStatistics } from '../../src/core/eval/pope';
import { createRng } from '../../src/core/random';
import type { Scene } from '../../src/core/world/scene';
import { SHAPES, type Shape } from '../../src/core/world/vocabulary';

const obj = (shape: Shape, colour: 'red' | 'blue' | 'green', cell: number) => ({ shape, colour, cell, scale: 0.8, dx: 0, dy: 0 });
const sceneA: Scene = { objects: [obj('triangle', 'red', 0), obj('square', 'blue', 4)], noiseSeed: 0 };
const sceneB: Scene = { objects: [obj('circle', 'green', 8)], noiseSeed: 0 };

describe('CHAIR and Cover on hand-built captions', () => {
  it('counts mentions, hallucinations and coverage as on paper', () => {
    const scores = captionScores([
      // 3 mentions, 1 hallucinated (star); covers both objects; square's colour wrong.
      { scene: sceneA, text: 'red triangle top-left and green square center and blue star top-right .' },
      // 1 mention, correct; covers 1 of 1.
      { scene: sceneB, text: 'green circle bottom-right .' },
    ]);
    expect(scores.chair_i).toBeCloseTo(1 / 4);
    expect(scores.chair_s).toBeCloseTo(1 / 2);
    expect(scores.cover).toBeCloseTo(3 / 3);
    expect(scores.attr_error).toBeCloseTo(1 / 3);
  });

  it('a caption that says less scores a lower CHAIR but a lower Cover too', () => {
    const scores = captionScores([{ scene: sceneA, text: 'red triangle top-left .' }]);
    expect(scores.chair_i).toBe(0);
    expect(scores.cover).toBeCloseTo(0.5);
  });
});

describe('POPE', () => {
  it('computes accuracy, precision, recall, F1 and yes-ratio with "yes" as positive', () => {
    const s = popeScores([
      { present: true, answer: 'yes .' }, // TP
      { present: true, answer: 'no .' }, // FN
      { present: false, answer: 'yes .' }, // FP
      { present: false, answer: 'no .' }, // TN
      { present: false, answer: 'blue star' }, // not a yes -> TN
    ]);
    expect(s.acc).toBeCloseTo(3 / 5);
    expect(s.precision).toBeCloseTo(1 / 2);
    expect(s.recall).toBeCloseTo(1 / 2);
    expect(s.f1).toBeCloseTo(1 / 2);
    expect(s.yes_ratio).toBeCloseTo(2 / 5);
  });

  it('an always-yes model gets 50% accuracy and a yes-ratio of 1 on balanced probes', () => {
    const s = popeScores([true, false, true, false].map((present) => ({ present, answer: 'yes' })));
    expect(s.acc).toBe(0.5);
    expect(s.yes_ratio).toBe(1);
  });

  it('picks the co-occurring absent shape as the adversarial negative and the frequent one as popular', () => {
    const zero = () => Object.fromEntries(SHAPES.map((s) => [s, 0])) as Record<Shape, number>;
    const stats: WorldStatistics = {
      frequency: { ...zero(), heart: 100 },
      cooccurrence: Object.fromEntries(SHAPES.map((s) => [s, zero()])) as WorldStatistics['cooccurrence'],
    };
    stats.cooccurrence.triangle.star = 50;
    const one: Scene = { objects: [obj('triangle', 'red', 0)], noiseSeed: 0 };
    const adversarial = popeProbes(one, 0, 'adversarial', stats, createRng(1));
    expect(adversarial).toEqual([
      { sceneIndex: 0, shape: 'triangle', present: true },
      { sceneIndex: 0, shape: 'star', present: false },
    ]);
    expect(popeProbes(one, 0, 'popular', stats, createRng(1))[1]!.shape).toBe('heart');
    const randomNegatives = new Set(Array.from({ length: 40 }, (_, i) => popeProbes(one, 0, 'random', stats, createRng(i))[1]!.shape));
    expect(randomNegatives.size).toBeGreaterThan(3);
  });
});
