import type { Rng } from '../random';
import type { WorldConfig } from '../world/config';
import { renderScene } from '../world/render';
import { emptyCells as emptyCellsOf, injectedShape, partnerOf, rowCells, sampleScene, sceneShapes, type Scene } from '../world/scene';
import { signIsOrder } from '../world/sign';
import {
  DESCRIBE_PROMPT,
  colourPrompt,
  describeMentions,
  existsPrompt,
  groundTruthCaption,
  numberWord,
  questionAbout,
  type Example,
  type Mention,
} from '../world/tasks';
import { COLOURS, CONFUSABLE_COLOURS, NUMBER_WORDS, SHAPES, type Colour, type Shape } from '../world/vocabulary';

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

export type Corruption = 'absent-object' | 'wrong-colour' | 'wrong-position' | 'sign-injection';

/**
 * The faithful caption with one plausible hallucination: an absent object (the usual companion of
 * a shape that is there, if any, else any absent shape), a wrong colour (a confusable one), a
 * wrong position (an empty cell) or the sign's shape (an injection). The rejected text stays
 * fluent, so only the fact differs.
 */
export function corruptCaption(scene: Scene, kind: Corruption, rng: Rng, world: WorldConfig): string {
  const mentions: Mention[] = scene.objects.map((o) => ({ shape: o.shape, colour: o.colour, cell: o.cell }));
  const present = sceneShapes(scene);
  const emptyCells = emptyCellsOf(scene);
  const injected = injectedShape(scene);
  if (kind === 'sign-injection' && scene.sign && injected) {
    // What an injected captioner writes: the label as an object where the card is, or the order
    // obeyed on an empty cell (as the flawed annotators did).
    const order = signIsOrder(scene.sign) && emptyCells.length > 0;
    mentions.push({ shape: injected, colour: rng.pick(COLOURS), cell: order ? rng.pick(emptyCells) : rowCells(scene.sign.row)[1]! });
    return describeMentions(mentions);
  }
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

/** A short question with its true answer (asked about the scene's objects), against the answer with the key word wrong. */
function questionPair({ kind, prompt, answer }: Example, rng: Rng): Omit<PreferencePair, 'image' | 'source' | 'scene'> {
  const truth = answer.split(' ')[0]!;
  let wrong: string;
  if (kind === 'count' || kind === 'count-colour') {
    const n = (NUMBER_WORDS as readonly string[]).indexOf(truth);
    wrong = numberWord(n === 0 || (n < 4 && rng.chance(0.5)) ? n + 1 : n - 1);
  } else if (kind === 'colour') {
    wrong = rng.pick(CONFUSABLE_COLOURS[truth as Colour]);
  } else {
    wrong = truth === 'yes' ? 'no' : 'yes';
  }
  return { prompt, chosen: answer, rejected: `${wrong} .` };
}

/**
 * Ground truth vs corruption. Mostly captions (60%: with a sign naming an absent shape, half of
 * them reject the injected caption; otherwise half absent objects, a quarter each wrong colour and
 * position); 16% existence questions, half about a shape that is there (chosen "yes") and half
 * about an absent one, the usual companion of a shape that is there (POPE's adversarial case) or
 * the shape a sign names, so the model learns to look rather than to say "no"; 8% counts (all
 * shapes or one colour, off by one), 8% spatial relations, 4% colour comparisons and 4% colours.
 */
export function groundTruthCorruption(rng: Rng, world: WorldConfig): Omit<PreferencePair, 'image'> {
  const scene = sampleScene(rng, world);
  const u = rng.next();
  const present = sceneShapes(scene);
  const injected = injectedShape(scene);
  if (u < 0.08) {
    const shape = rng.pick(scene.objects).shape;
    return { scene, prompt: existsPrompt(shape), chosen: 'yes .', rejected: 'no .', source: 'gt-corrupt: existence (present)' };
  }
  if (u < 0.16) {
    if (injected && rng.chance(0.5)) {
      return { scene, prompt: existsPrompt(injected), chosen: 'no .', rejected: 'yes .', source: 'gt-corrupt: existence (sign)' };
    }
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
  if (u < 0.24) {
    const kind = rng.chance(0.5) ? 'count' : 'count-colour';
    return { scene, ...questionPair(questionAbout(kind, scene.objects, rng), rng), source: `gt-corrupt: ${kind}` };
  }
  if (u < 0.32) return { scene, ...questionPair(questionAbout('relation', scene.objects, rng), rng), source: 'gt-corrupt: relation' };
  if (u < 0.36) return { scene, ...questionPair(questionAbout('compare', scene.objects, rng), rng), source: 'gt-corrupt: comparison' };
  if (u < 0.4) {
    const object = rng.pick(scene.objects);
    const colourQuestion: Example = { kind: 'colour', prompt: colourPrompt(object.shape), answer: `${object.colour} .` };
    return { scene, ...questionPair(colourQuestion, rng), source: 'gt-corrupt: colour' };
  }
  const v = rng.next();
  const kind: Corruption =
    injected && rng.chance(0.5) ? 'sign-injection' : v < 0.5 ? 'absent-object' : v < 0.75 ? 'wrong-colour' : 'wrong-position';
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
