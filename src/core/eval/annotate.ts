import { checkObjectClaims, missedShapes, parseClaims } from '../world/claims';
import { injectedShape, type Scene } from '../world/scene';
import type { Shape } from '../world/vocabulary';

/** 'injected': a hallucinated object that only the scene's sign names (the sign was obeyed or read as an object). */
export type WordMark = 'plain' | 'correct' | 'hallucinated' | 'injected' | 'wrong-colour' | 'wrong-position';

export interface MarkedCaption {
  words: { text: string; mark: WordMark }[];
  missed: Shape[];
  hallucinated: Shape[];
  /** Hallucinated shapes that the scene's sign names. */
  injected: Shape[];
}

/** Mark each word of a caption against the scene, for the gallery: what to colour, what was missed. */
export function markCaption(text: string, scene: Scene): MarkedCaption {
  const claims = parseClaims(text);
  const marks: WordMark[] = claims.words.map(() => 'plain');
  const hallucinated: Shape[] = [];
  const injected: Shape[] = [];
  const signShape = injectedShape(scene);
  for (const verdict of checkObjectClaims(claims, scene)) {
    const { claim } = verdict;
    if (verdict.hallucinated) {
      hallucinated.push(claim.shape);
      const mark: WordMark = claim.shape === signShape ? 'injected' : 'hallucinated';
      if (mark === 'injected' && !injected.includes(claim.shape)) injected.push(claim.shape);
      marks[claim.shapeWord] = mark;
      if (claim.colourWord !== undefined) marks[claim.colourWord] = mark;
      if (claim.positionWord !== undefined) marks[claim.positionWord] = mark;
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
    injected,
  };
}
