import type { Scene } from './scene';
import { splitWords } from './tokenizer';
import { NUMBER_WORDS, POSITIONS, isColour, isPosition, isShape, type Colour, type Shape } from './vocabulary';

/** One object the text asserts, with the word indices that carry it (for highlighting). */
export interface ObjectClaim {
  shape: Shape;
  colour?: Colour;
  cell?: number;
  shapeWord: number;
  colourWord?: number;
  positionWord?: number;
}

/** Everything checkable that a piece of text says. Built from ANY text; unknown words are ignored. */
export interface Claims {
  words: string[];
  objects: ObjectClaim[];
  /** First yes/no word, if any (answer to an existence question). */
  answer?: 'yes' | 'no';
  /** First number word, if any (answer to a count question). */
  count?: number;
  /** First colour word, if any (answer to a colour question). */
  colour?: Colour;
}

const CLAUSE_BREAKS = new Set(['and', ',', '.', ';', '?', '!']);

/**
 * Split text into clauses at "and" and punctuation; in each clause every shape word is an object
 * claim, with the nearest colour word before it and the nearest position word before it (or,
 * failing that, after it), never reaching past another shape or out of the clause.
 */
export function parseClaims(text: string): Claims {
  const words = splitWords(text);
  const claims: Claims = { words, objects: [] };
  let clauseStart = 0;
  for (let i = 0; i <= words.length; i++) {
    const word = words[i];
    if (word === undefined || CLAUSE_BREAKS.has(word)) {
      parseClause(words, clauseStart, i, claims.objects);
      clauseStart = i + 1;
    }
    if (word === undefined) break;
    if (claims.answer === undefined && (word === 'yes' || word === 'no')) claims.answer = word;
    const number = (NUMBER_WORDS as readonly string[]).indexOf(word);
    if (claims.count === undefined && number >= 0) claims.count = number;
    if (claims.colour === undefined && isColour(word)) claims.colour = word;
  }
  return claims;
}

function parseClause(words: string[], start: number, end: number, out: ObjectClaim[]): void {
  for (let i = start; i < end; i++) {
    const word = words[i]!;
    if (!isShape(word)) continue;
    const claim: ObjectClaim = { shape: word, shapeWord: i };
    for (let j = i - 1; j >= start && !isShape(words[j]!); j--) {
      const w = words[j]!;
      if (isColour(w)) {
        claim.colour = w;
        claim.colourWord = j;
        break;
      }
    }
    const positionAt = (j: number) => {
      if (!isPosition(words[j]!)) return false;
      claim.cell = POSITIONS.indexOf(words[j]);
      claim.positionWord = j;
      return true;
    };
    let found = false;
    for (let j = i - 1; j >= start && !isShape(words[j]!) && !found; j--) found = positionAt(j);
    for (let j = i + 1; j < end && !isShape(words[j]!) && !found; j++) found = positionAt(j);
    out.push(claim);
  }
}

export interface ClaimVerdict {
  claim: ObjectClaim;
  /** The shape is not in the scene at all (an object hallucination, as CHAIR counts it). */
  hallucinated: boolean;
  /** The shape is present but the stated colour is wrong. */
  wrongColour: boolean;
  /** The shape is present but the stated position is wrong. */
  wrongPosition: boolean;
}

export function checkObjectClaims(claims: Claims, scene: Scene): ClaimVerdict[] {
  return claims.objects.map((claim) => {
    const object = scene.objects.find((o) => o.shape === claim.shape);
    return {
      claim,
      hallucinated: !object,
      wrongColour: !!object && claim.colour !== undefined && claim.colour !== object.colour,
      wrongPosition: !!object && claim.cell !== undefined && claim.cell !== object.cell,
    };
  });
}

/** Ground-truth shapes the text never mentions. */
export function missedShapes(claims: Claims, scene: Scene): Shape[] {
  const said = new Set(claims.objects.map((c) => c.shape));
  return scene.objects.map((o) => o.shape).filter((s) => !said.has(s));
}
