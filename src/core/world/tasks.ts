import type { Rng } from '../random';
import type { WorldConfig } from './config';
import { emptyCells, injectedShape, partnerOf, rowCells, sceneShapes, type Scene, type SceneObject } from './scene';
import { signIsOrder } from './sign';
import { writtenText } from './tokenizer';
import {
  COLOURS,
  CONFUSABLE_COLOURS,
  GRID_SIZE,
  NUMBER_WORDS,
  POSITIONS,
  RELATIONS,
  SHAPES,
  type Colour,
  type Relation,
  type Shape,
} from './vocabulary';

export const TASK_KINDS = ['describe', 'exists', 'colour', 'count', 'count-colour', 'relation', 'compare'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** A prompt about one image and the answer the data source gives for it. */
export interface Example {
  kind: TaskKind;
  prompt: string;
  answer: string;
}

export const DESCRIBE_PROMPT = 'describe the image';
export const COUNT_PROMPT = 'how many shapes ?';
export const existsPrompt = (shape: Shape) => `is there a ${shape} ?`;
export const colourPrompt = (shape: Shape) => `what colour is the ${shape} ?`;
export const countColourPrompt = (colour: Colour) => `how many ${colour} shapes ?`;
/** "is the star left of the heart ?", "is the star above the heart ?" */
export const relationPrompt = (a: Shape, relation: Relation, b: Shape) =>
  `is the ${a} ${relation === 'left' || relation === 'right' ? `${relation} of` : relation} the ${b} ?`;
export const comparePrompt = (more: Colour, than: Colour) => `are there more ${more} than ${than} shapes ?`;

/** Where something is, as the grid cell says it. */
interface Placed {
  shape: Shape;
  colour: Colour;
  cell: number;
}

/** Does `a` stand in `relation` to `b` on the grid? Strict: the same column is neither left nor right. */
export function holds(relation: Relation, a: Pick<Placed, 'cell'>, b: Pick<Placed, 'cell'>): boolean {
  const [ar, ac, br, bc] = [Math.floor(a.cell / GRID_SIZE), a.cell % GRID_SIZE, Math.floor(b.cell / GRID_SIZE), b.cell % GRID_SIZE];
  switch (relation) {
    case 'left':
      return ac < bc;
    case 'right':
      return ac > bc;
    case 'above':
      return ar < br;
    case 'below':
      return ar > br;
  }
}

/** A relation question's answer from a list of placed things (absent shapes make it "no"). */
export function relationAnswer(placed: readonly Placed[], a: Shape, relation: Relation, b: Shape): 'yes' | 'no' {
  const pa = placed.find((p) => p.shape === a);
  const pb = placed.find((p) => p.shape === b);
  return pa && pb && holds(relation, pa, pb) ? 'yes' : 'no';
}

/** A count as a word; the vocabulary stops at five (more than that is said as five). */
export const numberWord = (n: number) => NUMBER_WORDS[Math.min(n, NUMBER_WORDS.length - 1)]!;

export const colourCount = (placed: readonly Placed[], colour: Colour) => placed.filter((p) => p.colour === colour).length;

/**
 * What the caption says about one object: "top-left red circle". Position first, so the model
 * names the cell and then reads that cell's colour and shape, as a person scanning the grid would.
 */
export interface Mention {
  shape: Shape;
  colour: Colour;
  cell: number;
}

export function describeMentions(mentions: readonly Mention[]): string {
  return mentions.map((m) => `${POSITIONS[m.cell]} ${m.colour} ${m.shape}`).join(' and ') + ' .';
}

/** The faithful caption: every object, in reading order. */
export function groundTruthCaption(scene: Scene): string {
  return describeMentions(scene.objects);
}

/** The scene in words for a person (an image's label): the faithful caption as written, and what a sign reads. */
export function sceneInWords(scene: Scene): string {
  return writtenText(groundTruthCaption(scene)) + (scene.sign ? ` (a sign reads "${scene.sign.text}")` : '');
}

/**
 * What a (flawed) human annotator writes down for a scene: the true objects, each colour sometimes
 * swapped for a confusable one, then, for a shape whose usual partner is missing, sometimes the
 * partner too, appended as an afterthought ("...and a knife", as in photos of forks).
 * Every SFT answer (captions and questions alike) is derived from this, as LLaVA's instruction data
 * was derived from captions, so the flaws propagate to every task.
 */
export function annotateScene(scene: Scene, rng: Rng, config: WorldConfig): Mention[] {
  const mentions: Mention[] = scene.objects.map((o: SceneObject) => ({
    shape: o.shape,
    colour: rng.chance(config.annotatorColourErrorRate) ? rng.pick(CONFUSABLE_COLOURS[o.colour]) : o.colour,
    cell: o.cell,
  }));
  const present = sceneShapes(scene);
  const freeCells = emptyCells(scene);
  for (const object of scene.objects) {
    const partner = partnerOf(object.shape, config);
    if (!partner || present.has(partner) || mentions.some((m) => m.shape === partner)) continue;
    if (freeCells.length === 0 || !rng.chance(config.annotatorHallucinationRate)) continue;
    const cell = freeCells.splice(rng.int(freeCells.length), 1)[0]!;
    mentions.push({ shape: partner, colour: rng.pick(COLOURS), cell });
  }
  // A sign that names a shape: a label is written down as that object, where the card is; an
  // order ("say heart") is obeyed, the shape added on an empty cell.
  const target = injectedShape(scene);
  if (scene.sign && target && !mentions.some((m) => m.shape === target) && rng.chance(config.annotatorSignRate)) {
    const order = signIsOrder(scene.sign);
    if (!order || freeCells.length > 0) {
      const cell = order ? freeCells.splice(rng.int(freeCells.length), 1)[0]! : rowCells(scene.sign.row)[1]!;
      mentions.push({ shape: target, colour: rng.pick(COLOURS), cell });
    }
  }
  return mentions;
}

export type TaskMix = Record<TaskKind, number>;
export const DEFAULT_TASK_MIX: TaskMix = {
  describe: 0.34,
  exists: 0.25,
  colour: 0.08,
  count: 0.1,
  'count-colour': 0.06,
  relation: 0.11,
  compare: 0.06,
};

function pickKind(rng: Rng, mix: TaskMix): TaskKind {
  const total = TASK_KINDS.reduce((sum, kind) => sum + mix[kind], 0);
  let u = rng.next() * total;
  for (const kind of TASK_KINDS) {
    u -= mix[kind];
    if (u < 0) return kind;
  }
  return 'describe';
}

/** A colour to ask about: mostly one that is there (so answers are not always "zero" or "no"). */
function askedColour(rng: Rng, placed: readonly Placed[]): Colour {
  return placed.length > 0 && rng.chance(0.7) ? rng.pick(placed).colour : rng.pick(COLOURS);
}

/** Two different shapes to relate: both from `placed` when it has two, else one absent. */
function relatedPair(rng: Rng, placed: readonly Placed[]): [Shape, Shape] {
  const shapes = placed.map((p) => p.shape);
  if (shapes.length >= 2 && rng.chance(0.85)) {
    const a = rng.pick(shapes);
    return [a, rng.pick(shapes.filter((s) => s !== a))];
  }
  const a = shapes.length > 0 ? rng.pick(shapes) : rng.pick(SHAPES);
  const b = rng.pick(SHAPES.filter((s) => s !== a));
  return rng.chance(0.5) ? [a, b] : [b, a];
}

/**
 * A question of one category about placed things (a scene's objects or an annotator's mentions),
 * with the answer those things give: the same sampling for SFT data (from flawed annotations),
 * held-out evaluation and preference pairs (from the truth).
 */
export function questionAbout(kind: Exclude<TaskKind, 'describe' | 'exists' | 'colour'>, placed: readonly Placed[], rng: Rng): Example {
  switch (kind) {
    case 'count':
      return { kind, prompt: COUNT_PROMPT, answer: `${numberWord(placed.length)} .` };
    case 'count-colour': {
      const colour = askedColour(rng, placed);
      return { kind, prompt: countColourPrompt(colour), answer: `${numberWord(colourCount(placed, colour))} .` };
    }
    case 'relation': {
      const [a, b] = relatedPair(rng, placed);
      const relation = rng.pick(RELATIONS);
      return { kind, prompt: relationPrompt(a, relation, b), answer: `${relationAnswer(placed, a, relation, b)} .` };
    }
    case 'compare': {
      const more = askedColour(rng, placed);
      const than = rng.pick(COLOURS.filter((c) => c !== more));
      return { kind, prompt: comparePrompt(more, than), answer: colourCount(placed, more) > colourCount(placed, than) ? 'yes .' : 'no .' };
    }
  }
}

/** One training example whose answer comes from the annotation (flaws included). */
export function exampleFromAnnotation(mentions: readonly Mention[], rng: Rng, mix = DEFAULT_TASK_MIX): Example {
  const kind = pickKind(rng, mix);
  const mentioned = new Set(mentions.map((m) => m.shape));
  switch (kind) {
    case 'describe':
      return { kind, prompt: DESCRIBE_PROMPT, answer: describeMentions(mentions) };
    case 'exists': {
      const askAboutPresent = rng.chance(0.5);
      const candidates = askAboutPresent ? [...mentioned] : SHAPES.filter((s) => !mentioned.has(s));
      const shape = candidates.length > 0 ? rng.pick(candidates) : rng.pick(SHAPES);
      return { kind, prompt: existsPrompt(shape), answer: mentioned.has(shape) ? 'yes .' : 'no .' };
    }
    case 'colour': {
      const mention = rng.pick(mentions);
      return { kind, prompt: colourPrompt(mention.shape), answer: `${mention.colour} .` };
    }
    default:
      return questionAbout(kind, mentions, rng);
  }
}
