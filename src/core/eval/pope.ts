import type { Rng } from '../random';
import { parseClaims } from '../world/claims';
import type { WorldConfig } from '../world/config';
import { sampleScene, type Scene } from '../world/scene';
import { SHAPES, type Shape } from '../world/vocabulary';
import { ratio } from './hallucination';

/** POPE (Li et al. 2023): yes/no probes "is there a {shape} ?", with three ways to pick negatives. */
export const POPE_STRATEGIES = ['random', 'popular', 'adversarial'] as const;
export type PopeStrategy = (typeof POPE_STRATEGIES)[number];

export interface PopeProbe {
  sceneIndex: number;
  shape: Shape;
  present: boolean;
}

export interface PopeScores {
  acc: number;
  precision: number;
  recall: number;
  f1: number;
  yes_ratio: number;
}

/** How often each shape appears, and appears together with each other shape, in the training world. */
export interface WorldStatistics {
  frequency: Record<Shape, number>;
  cooccurrence: Record<Shape, Record<Shape, number>>;
}

export function worldStatistics(world: WorldConfig, rng: Rng, scenes = 4000): WorldStatistics {
  const zero = () => Object.fromEntries(SHAPES.map((s) => [s, 0])) as Record<Shape, number>;
  const frequency = zero();
  const cooccurrence = Object.fromEntries(SHAPES.map((s) => [s, zero()])) as Record<Shape, Record<Shape, number>>;
  for (let i = 0; i < scenes; i++) {
    const shapes = sampleScene(rng, world).objects.map((o) => o.shape);
    for (const a of shapes) {
      frequency[a]++;
      for (const b of shapes) if (a !== b) cooccurrence[a][b]++;
    }
  }
  return { frequency, cooccurrence };
}

/**
 * One positive probe per object in the scene and as many negatives (absent shapes): uniformly at
 * random, the most frequent shapes overall (popular), or those that most often co-occur with the
 * shapes present (adversarial: where the language prior pulls hardest).
 */
export function popeProbes(scene: Scene, sceneIndex: number, strategy: PopeStrategy, stats: WorldStatistics, rng: Rng): PopeProbe[] {
  const present = scene.objects.map((o) => o.shape);
  const absent = SHAPES.filter((s) => !present.includes(s));
  const score = (shape: Shape): number => {
    if (strategy === 'popular') return stats.frequency[shape];
    if (strategy === 'adversarial') return present.reduce((sum, p) => sum + stats.cooccurrence[p][shape], 0);
    return 0;
  };
  // Random tie-breaks (all ties for the random strategy), then the highest scores first.
  const ranked = rng.shuffle(absent).sort((a, b) => score(b) - score(a));
  const negatives = ranked.slice(0, Math.min(present.length, absent.length));
  return [
    ...present.map((shape) => ({ sceneIndex, shape, present: true })),
    ...negatives.map((shape) => ({ sceneIndex, shape, present: false })),
  ];
}

/** "yes" is the positive class; any answer that is not a clear "yes" counts as "no". */
export function popeScores(results: readonly { present: boolean; answer: string }[]): PopeScores {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const { present, answer } of results) {
    const yes = parseClaims(answer).answer === 'yes';
    if (yes && present) tp++;
    else if (yes) fp++;
    else if (present) fn++;
    else tn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    acc: ratio(tp + tn, results.length),
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    yes_ratio: ratio(tp + fp, results.length),
  };
}
