import type { Rng } from '../random';
import type { WorldConfig } from './config';
import { partnerOf, sceneShapes, type Scene, type SceneObject } from './scene';
import { COLOURS, CONFUSABLE_COLOURS, NUMBER_WORDS, POSITIONS, SHAPES, type Colour, type Shape } from './vocabulary';

export type TaskKind = 'describe' | 'exists' | 'colour' | 'count';

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
  const freeCells = Array.from({ length: 9 }, (_, i) => i).filter((c) => !scene.objects.some((o) => o.cell === c));
  for (const object of scene.objects) {
    const partner = partnerOf(object.shape, config);
    if (!partner || present.has(partner) || mentions.some((m) => m.shape === partner)) continue;
    if (freeCells.length === 0 || !rng.chance(config.annotatorHallucinationRate)) continue;
    const cell = freeCells.splice(rng.int(freeCells.length), 1)[0]!;
    mentions.push({ shape: partner, colour: rng.pick(COLOURS), cell });
  }
  return mentions;
}

export interface TaskMix {
  describe: number;
  exists: number;
  colour: number;
  count: number;
}
export const DEFAULT_TASK_MIX: TaskMix = { describe: 0.4, exists: 0.35, colour: 0.1, count: 0.15 };

function pickKind(rng: Rng, mix: TaskMix): TaskKind {
  const total = mix.describe + mix.exists + mix.colour + mix.count;
  let u = rng.next() * total;
  for (const kind of ['describe', 'exists', 'colour', 'count'] as const) {
    u -= mix[kind];
    if (u < 0) return kind;
  }
  return 'count';
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
    case 'count':
      return { kind, prompt: COUNT_PROMPT, answer: `${NUMBER_WORDS[mentions.length]} .` };
  }
}

/** The true answer for a prompt about a scene (used for evaluation and for faithful pairs). */
export function groundTruthAnswer(scene: Scene, kind: TaskKind, shape?: Shape): string {
  switch (kind) {
    case 'describe':
      return groundTruthCaption(scene);
    case 'exists':
      return scene.objects.some((o) => o.shape === shape) ? 'yes .' : 'no .';
    case 'colour': {
      const object = scene.objects.find((o) => o.shape === shape);
      return object ? `${object.colour} .` : 'no .';
    }
    case 'count':
      return `${NUMBER_WORDS[scene.objects.length]} .`;
  }
}
