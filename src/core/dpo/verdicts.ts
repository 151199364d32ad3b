import type { Rng } from '../random';
import { checkObjectClaims, parseClaims, type Claims } from '../world/claims';
import type { Scene } from '../world/scene';
import { parseQuestion, shortAnswerIsRight } from '../world/questions';
import { DESCRIBE_PROMPT } from '../world/tasks';

/**
 * Judges score a response to a prompt about a scene. Higher is better. RLAIF-V's divide and
 * conquer: split the response into atomic claims, verify each, score = -(rejected claims).
 */
export interface JudgeVerdicts {
  /** One entry per checkable claim: true when accepted. */
  verdicts: boolean[];
  /** Ground-truth objects the response covers (for the optional coverage bonus). */
  covered: number;
}

export interface JudgeOptions {
  /** Score bonus per covered ground-truth object. 0 invites length gaming (saying less). */
  coverageBonus: number;
  /** Penalty for a response without <eos> (LLaVA-RLHF): it rambled past the budget. */
  missingEosPenalty: number;
}

export const DEFAULT_JUDGE: JudgeOptions = { coverageBonus: 1, missingEosPenalty: 1 };

/** The ground-truth verdict of every claim in a response (the oracle's view). */
export function oracleVerdicts(prompt: string, response: string, scene: Scene): JudgeVerdicts {
  const question = parseQuestion(prompt);
  if (question && question.kind !== 'describe') return { verdicts: [shortAnswerIsRight(question, response, scene)], covered: 0 };
  const claims: Claims = parseClaims(response);
  const verdicts: boolean[] = [];
  for (const v of checkObjectClaims(claims, scene)) {
    verdicts.push(!v.hallucinated);
    if (!v.hallucinated && v.claim.colour !== undefined) verdicts.push(!v.wrongColour);
    if (!v.hallucinated && v.claim.cell !== undefined) verdicts.push(!v.wrongPosition);
  }
  const said = new Set(claims.objects.map((c) => c.shape));
  const covered = prompt === DESCRIBE_PROMPT ? scene.objects.filter((o) => said.has(o.shape)).length : 0;
  return { verdicts, covered };
}

export function scoreFromVerdicts(v: JudgeVerdicts, endedWithEos: boolean, options: JudgeOptions): number {
  const rejected = v.verdicts.filter((ok) => !ok).length;
  return -rejected + options.coverageBonus * v.covered - (endedWithEos ? 0 : options.missingEosPenalty);
}

/** A noisy oracle: each verdict flips with probability eps (why robust and cDPO losses exist). */
export function flipVerdicts(v: JudgeVerdicts, eps: number, rng: Rng): JudgeVerdicts {
  return { ...v, verdicts: v.verdicts.map((ok) => (rng.chance(eps) ? !ok : ok)) };
}
