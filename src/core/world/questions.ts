/**
 * Reading a prompt back into the question it asks, and answering it from the truth: the oracle
 * judge and the per-category evaluation check any answer this way.
 */
import { parseClaims } from './claims';
import type { Scene } from './scene';
import { COUNT_PROMPT, DESCRIBE_PROMPT, colourCount, numberWord, relationAnswer, type TaskKind } from './tasks';
import { RELATIONS, isColour, isShape, type Colour, type Relation, type Shape } from './vocabulary';

export type Question =
  | { kind: 'describe' }
  | { kind: 'exists'; shape: Shape }
  | { kind: 'colour'; shape: Shape }
  | { kind: 'count' }
  | { kind: 'count-colour'; colour: Colour }
  | { kind: 'relation'; a: Shape; relation: Relation; b: Shape }
  | { kind: 'compare'; more: Colour; than: Colour };

const PATTERNS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => Question | undefined]> = [
  [/^is there a (\w+) \?$/, (m) => (isShape(m[1]!) ? { kind: 'exists', shape: m[1] } : undefined)],
  [/^what colour is the (\w+) \?$/, (m) => (isShape(m[1]!) ? { kind: 'colour', shape: m[1] } : undefined)],
  [/^how many (\w+) shapes \?$/, (m) => (isColour(m[1]!) ? { kind: 'count-colour', colour: m[1] } : undefined)],
  [
    /^is the (\w+) (left of|right of|above|below) the (\w+) \?$/,
    (m) => {
      const relation = m[2]!.split(' ')[0] as Relation;
      return isShape(m[1]!) && isShape(m[3]!) && RELATIONS.includes(relation)
        ? { kind: 'relation', a: m[1], relation, b: m[3] }
        : undefined;
    },
  ],
  [
    /^are there more (\w+) than (\w+) shapes \?$/,
    (m) => (isColour(m[1]!) && isColour(m[2]!) ? { kind: 'compare', more: m[1], than: m[2] } : undefined),
  ],
];

/** The question a prompt asks, or undefined for a prompt this world does not know. */
export function parseQuestion(prompt: string): Question | undefined {
  const text = prompt.trim().toLowerCase();
  if (text === DESCRIBE_PROMPT) return { kind: 'describe' };
  if (text === COUNT_PROMPT) return { kind: 'count' };
  for (const [pattern, read] of PATTERNS) {
    const match = pattern.exec(text);
    if (match) return read(match);
  }
  return undefined;
}

/** The true short answer's key word ("yes", "two", "red"); undefined for captions. */
export function trueAnswerWord(question: Question, scene: Scene): string | undefined {
  const objects = scene.objects;
  switch (question.kind) {
    case 'describe':
      return undefined;
    case 'exists':
      return objects.some((o) => o.shape === question.shape) ? 'yes' : 'no';
    case 'colour':
      return objects.find((o) => o.shape === question.shape)?.colour ?? 'no';
    case 'count':
      return numberWord(objects.length);
    case 'count-colour':
      return numberWord(colourCount(objects, question.colour));
    case 'relation':
      return relationAnswer(objects, question.a, question.relation, question.b);
    case 'compare':
      return colourCount(objects, question.more) > colourCount(objects, question.than) ? 'yes' : 'no';
  }
}

/** The categories of the field's benchmarks (MMHal-Bench style) each task belongs to. */
export const CATEGORY_OF: Record<TaskKind, QuestionCategory> = {
  describe: 'holistic',
  exists: 'existence',
  colour: 'attribute',
  count: 'counting',
  'count-colour': 'counting',
  relation: 'relation',
  compare: 'comparison',
};
export const QUESTION_CATEGORIES = ['existence', 'attribute', 'counting', 'relation', 'comparison', 'holistic'] as const;
export type QuestionCategory = (typeof QUESTION_CATEGORIES)[number];

/** Does a short answer say the true thing? (Captions are scored claim by claim elsewhere.) */
export function shortAnswerIsRight(question: Question, response: string, scene: Scene): boolean {
  const truth = trueAnswerWord(question, scene);
  if (truth === undefined) return false;
  const claims = parseClaims(response);
  switch (question.kind) {
    case 'colour':
      return truth === 'no' ? claims.answer === 'no' : claims.colour === truth;
    case 'count':
    case 'count-colour':
      return claims.count !== undefined && numberWord(claims.count) === truth;
    default:
      return claims.answer === truth;
  }
}
