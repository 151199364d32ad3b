import { checkObjectClaims, parseClaims } from '../world/claims';
import type { Scene } from '../world/scene';

/** Object-hallucination scores of captions against their scenes (CHAIR, Rohrbach et al. 2018; Cover, AMBER). */
export interface CaptionScores {
  /** Hallucinated object mentions / all object mentions. */
  chair_i: number;
  /** Captions with at least one hallucinated object / captions. */
  chair_s: number;
  /** Ground-truth objects mentioned / ground-truth objects. */
  cover: number;
  /** Mentions of present objects with a wrong colour / mentions of present objects that state a colour. */
  attr_error: number;
}

/** Each shape counts once per caption (CHAIR counts object types, not repetitions). */
export function captionScores(items: readonly { scene: Scene; text: string }[]): CaptionScores {
  let mentions = 0;
  let hallucinated = 0;
  let captionsWithHallucination = 0;
  let truthTotal = 0;
  let truthMentioned = 0;
  let colourStated = 0;
  let colourWrong = 0;
  for (const { scene, text } of items) {
    const verdicts = checkObjectClaims(parseClaims(text), scene);
    const seen = new Set<string>();
    let any = false;
    for (const v of verdicts) {
      if (seen.has(v.claim.shape)) continue;
      seen.add(v.claim.shape);
      mentions++;
      if (v.hallucinated) {
        hallucinated++;
        any = true;
      } else if (v.claim.colour !== undefined) {
        colourStated++;
        if (v.wrongColour) colourWrong++;
      }
    }
    if (any) captionsWithHallucination++;
    truthTotal += scene.objects.length;
    truthMentioned += scene.objects.filter((o) => seen.has(o.shape)).length;
  }
  return {
    chair_i: ratio(hallucinated, mentions),
    chair_s: ratio(captionsWithHallucination, items.length),
    cover: ratio(truthMentioned, truthTotal),
    attr_error: ratio(colourWrong, colourStated),
  };
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
