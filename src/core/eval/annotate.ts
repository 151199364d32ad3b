import { checkObjectClaims, missedShapes, parseClaims } from '../world/claims';
import type { Scene } from '../world/scene';
import type { Shape } from '../world/vocabulary';

export type WordMark = 'plain' | 'correct' | 'hallucinated' | 'wrong-colour' | 'wrong-position';

export interface MarkedCaption {
  words: { text: string; mark: WordMark }[];
  missed: Shape[];
  hallucinated: Shape[];
}

/** Mark each word of a caption against the scene, for the gallery: what to colour, what was missed. */
export function markCaption(text: string, scene: Scene): MarkedCaption {
  const claims = parseClaims(text);
  const marks: WordMark[] = claims.words.map(() => 'plain');
  const hallucinated: Shape[] = [];
  for (const verdict of checkObjectClaims(claims, scene)) {
    const { claim } = verdict;
    if (verdict.hallucinated) {
      hallucinated.push(claim.shape);
      marks[claim.shapeWord] = 'hallucinated';
      if (claim.colourWord !== undefined) marks[claim.colourWord] = 'hallucinated';
      if (claim.positionWord !== undefined) marks[claim.positionWord] = 'hallucinated';
      continue;
    }
    marks[claim.shapeWord] = 'correct';
    if (claim.colourWord !== undefined) marks[claim.colourWord] = verdict.wrongColour ? 'wrong-colour' : 'correct';
    if (claim.positionWord !== undefined) marks[claim.positionWord] = verdict.wrongPosition ? 'wrong-position' : 'correct';
  }
  return {
    words: claims.words.map((text, i) => ({ text, mark: marks[i]! })),
    missed: missedShapes(claims, scene),
    hallucinated,
  };
}
