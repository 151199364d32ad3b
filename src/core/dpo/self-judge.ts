import type { ModelConfig } from '../model/config';
import { firstWordLogProbs } from '../model/score';
import type { Weights } from '../model/weights';
import { parseClaims } from '../world/claims';
import { colourPrompt, existsPrompt } from '../world/tasks';
import { tokenId } from '../world/tokenizer';
import type { JudgeVerdicts } from './verdicts';
import { parseQuestion } from '../world/questions';
import { COLOURS } from '../world/vocabulary';

/**
 * RLAIF-V self-alignment: the model itself checks each claim of a response by answering a
 * question about the image. Object claims become "is there a X ?" (accepted when P(yes) > P(no));
 * colour claims "what colour is the X ?" (accepted when the stated colour is the most likely
 * colour word). No ground truth is used.
 */
export async function selfJudgeVerdicts(
  weights: Weights,
  config: ModelConfig,
  items: readonly { image: Float32Array; prompt: string; response: string }[],
): Promise<JudgeVerdicts[]> {
  const questions: { item: number; prompt: string; check: (logProbs: Float32Array) => boolean }[] = [];
  const yes = tokenId('yes');
  const no = tokenId('no');
  const colourIds = COLOURS.map(tokenId);
  items.forEach(({ prompt, response }, item) => {
    const claims = parseClaims(response);
    const question = parseQuestion(prompt);
    if (question?.kind === 'exists') {
      // A yes/no answer is checked by asking the same question without the answer.
      questions.push({ item, prompt, check: (lp) => (lp[yes]! > lp[no]! ? 'yes' : 'no') === claims.answer });
      return;
    }
    if (question?.kind === 'count') return;
    const seen = new Set<string>();
    for (const claim of claims.objects) {
      if (seen.has(claim.shape)) continue;
      seen.add(claim.shape);
      questions.push({ item, prompt: existsPrompt(claim.shape), check: (lp) => lp[yes]! > lp[no]! });
      const colour = claim.colour;
      if (colour) {
        const stated = tokenId(colour);
        questions.push({ item, prompt: colourPrompt(claim.shape), check: (lp) => colourIds.every((id) => lp[stated]! >= lp[id]!) });
      }
    }
  });
  const logProbs = await firstWordLogProbs(
    weights,
    config,
    questions.map((q) => items[q.item]!.image),
    questions.map((q) => q.prompt),
  );
  const verdicts: JudgeVerdicts[] = items.map(() => ({ verdicts: [], covered: 0 }));
  questions.forEach((q, i) => verdicts[q.item]!.verdicts.push(q.check(logProbs[i]!)));
  return verdicts;
}
