import type { Rng } from '../random';
import type { WorldConfig } from '../world/config';
import { renderScene } from '../world/render';
import { partnerOf, sampleScene, sceneShapes, type Scene } from '../world/scene';
import { COUNT_PROMPT, DESCRIBE_PROMPT, describeMentions, existsPrompt, groundTruthCaption, type Mention } from '../world/tasks';
import { CELL_COUNT, COLOURS, CONFUSABLE_COLOURS, NUMBER_WORDS, SHAPES, type Shape } from '../world/vocabulary';

/** Where offline pairs come from (pair-builders.ts builds each). */
export const PAIR_SOURCES = ['gt-corrupt', 'bdhs', 'self-samples'] as const;
export type PairSource = (typeof PAIR_SOURCES)[number];

/** One preference pair on one image: TRL's {images, prompt, chosen, rejected}, plus what we know. */
export interface PreferencePair {
  scene: Scene;
  image: Float32Array;
  prompt: string;
  chosen: string;
  rejected: string;
  /** How the pair was made (for the pair inspector and the docs). */
  source: string;
}

export type Corruption = 'absent-object' | 'wrong-colour' | 'wrong-position';

/**
 * The faithful caption with one plausible hallucination: an absent object (the usual companion of
 * a shape that is there, if any, else any absent shape), a wrong colour (a confusable one) or a
 * wrong position (an empty cell). The rejected text stays fluent, so only the fact differs.
 */
export function corruptCaption(scene: Scene, kind: Corruption, rng: Rng, world: WorldConfig): string {
  const mentions: Mention[] = scene.objects.map((o) => ({ shape: o.shape, colour: o.colour, cell: o.cell }));
  const present = sceneShapes(scene);
  const emptyCells = Array.from({ length: CELL_COUNT }, (_, c) => c).filter((c) => !scene.objects.some((o) => o.cell === c));
  if (kind === 'absent-object' && emptyCells.length > 0) {
    const companions = scene.objects.map((o) => partnerOf(o.shape, world)).filter((s): s is Shape => !!s && !present.has(s));
    const absent = SHAPES.filter((s) => !present.has(s));
    const shape = companions.length > 0 ? rng.pick(companions) : rng.pick(absent);
    // Anywhere in the list: at the end it is the SFT model's own habit (annotators appended
    // companions), in the middle the pair also says "go on with the true objects", so DPO does not
    // learn to stop early (length gaming).
    mentions.splice(rng.int(mentions.length + 1), 0, { shape, colour: rng.pick(COLOURS), cell: rng.pick(emptyCells) });
    return describeMentions(mentions);
  }
  const target = rng.int(mentions.length);
  if (kind === 'wrong-position' && emptyCells.length > 0) {
    mentions[target] = { ...mentions[target]!, cell: rng.pick(emptyCells) };
    return describeMentions(mentions);
  }
  const m = mentions[target]!;
  mentions[target] = { ...m, colour: rng.pick(CONFUSABLE_COLOURS[m.colour]) };
  return describeMentions(mentions);
}

/**
 * Ground truth vs corruption. Mostly captions (70%: half absent objects, a quarter each wrong
 * colour and position); 20% existence questions, half about a shape that is there (chosen "yes")
 * and half about the usual companion of one that is there but absent itself (chosen "no": POPE's
 * adversarial case), so the model learns to look rather than to say "no"; 10% count questions.
 */
export function groundTruthCorruption(rng: Rng, world: WorldConfig): Omit<PreferencePair, 'image'> {
  const scene = sampleScene(rng, world);
  const u = rng.next();
  const present = sceneShapes(scene);
  if (u < 0.1) {
    const shape = rng.pick(scene.objects).shape;
    return { scene, prompt: existsPrompt(shape), chosen: 'yes .', rejected: 'no .', source: 'gt-corrupt: existence (present)' };
  }
  if (u < 0.2) {
    const companions = scene.objects.map((o) => partnerOf(o.shape, world)).filter((s): s is Shape => !!s && !present.has(s));
    const absent = companions.length > 0 ? companions : SHAPES.filter((s) => !present.has(s));
    const shape = rng.pick(absent);
    return {
      scene,
      prompt: existsPrompt(shape),
      chosen: 'no .',
      rejected: 'yes .',
      source: 'gt-corrupt: existence (absent companion)',
    };
  }
  if (u < 0.3) {
    const n = scene.objects.length;
    const wrong = n === 1 || (n < 4 && rng.chance(0.5)) ? n + 1 : n - 1;
    return {
      scene,
      prompt: COUNT_PROMPT,
      chosen: `${NUMBER_WORDS[n]} .`,
      rejected: `${NUMBER_WORDS[wrong]} .`,
      source: 'gt-corrupt: count',
    };
  }
  const v = rng.next();
  const kind: Corruption = v < 0.5 ? 'absent-object' : v < 0.75 ? 'wrong-colour' : 'wrong-position';
  return {
    scene,
    prompt: DESCRIBE_PROMPT,
    chosen: groundTruthCaption(scene),
    rejected: corruptCaption(scene, kind, rng, world),
    source: `gt-corrupt: ${kind}`,
  };
}

/** The gt-corrupt pair with its image (rendering draws nothing from the random stream). */
export function groundTruthCorruptionPair(rng: Rng, world: WorldConfig): PreferencePair {
  const { scene, ...texts } = groundTruthCorruption(rng, world);
  return { scene, image: renderScene(scene, world.imageSize, world.noise), ...texts };
}
