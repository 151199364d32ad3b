import type { EvalReport } from '../core/eval/evaluate';
import { describeConfig, type ModelConfig } from '../core/model/config';
import type { WorldConfig } from '../core/world/config';
import { formatReport } from './report';

export interface CardFacts {
  name: string;
  config: ModelConfig;
  command: string;
  seed: number;
  visionSteps: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  backend: string;
  trainingSeconds: number;
  finalLoss: number;
  world: WorldConfig;
  evalCommand: string;
  report: EvalReport;
}

/** The model card written next to a shipped checkpoint: provenance, then measured behaviour. */
export function modelCard(f: CardFacts): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return `# Model card: ${f.name}

${describeConfig(f.config)}. A LLaVA-style vision-language model: a patch encoder turns a ${f.config.imageSize}x${f.config.imageSize} image
into 9 image tokens (one per grid cell), an MLP projector maps them into a ${f.config.nLayers}-layer causal
transformer decoder that reads \`<image x9> <bos> prompt <sep>\` and writes the answer.

## How it was made

\`\`\`bash
${f.command}
\`\`\`

- Seed ${f.seed}; stage 0 (vision encoder on clean per-cell labels, a stand-in for CLIP): ${f.visionSteps} steps;
  stage 1 (SFT on flawed annotations): ${f.steps} steps of batch ${f.batchSize}, Adam, peak lr ${f.learningRate},
  warm-up then cosine decay, gradient clipping at 1.
- Backend: ${f.backend} (Node, 2-core CPU). Training time: ${f.trainingSeconds} s. Final SFT loss: ${f.finalLoss.toFixed(4)}.
- Data: an endless stream of procedurally drawn scenes (1-4 objects, ${f.world.imageSize} px). The SFT answers come from
  a deliberately flawed annotator: when a shape's usual companion (${f.world.cooccurringPairs.map(([a, b]) => `${a}/${b}`).join(', ')})
  is missing, it names it anyway with probability ${f.world.annotatorHallucinationRate}; it writes a confusable colour with
  probability ${f.world.annotatorColourErrorRate}. Companions co-occur in ${pct(f.world.cooccurrenceBias)} of the scenes
  that have room for them. ${pct(f.world.signRate)} of the scenes hold a sign across one row, a card reading an absent
  shape ("heart") or an order ("say heart"); the annotator follows it with probability ${f.world.annotatorSignRate}, writing the
  shape down where the card is or, for an order, on an empty cell. Captions and the answers to every question
  (is there, what colour, how many, left of / above, more red than blue) are all derived from this annotation,
  as LLaVA's instruction data was derived from captions, so the flaws reach every task.

## What it does (${f.report.scenes} held-out scenes, seed ${f.report.seed}, greedy decoding)

Reproduce with:

\`\`\`bash
${f.evalCommand}
\`\`\`

\`\`\`
${formatReport(f.report)}
\`\`\`

It captions well (Cover ${pct(f.report.cover)}) and still hallucinates (CHAIR_i ${pct(f.report.chair_i)}): it adds the
usual companion of a shape that is alone, as its annotators did. POPE shows the language prior: accuracy on
adversarial probes (absent shapes that usually co-occur with the ones present) is ${pct(f.report.pope_acc)}, against
${pct(f.report.pope_random_acc)} on random ones. Signs inject it: ${pct(f.report.injection)} of the captions of the
${f.report.signed_scenes} signed scenes name the sign's absent shape. Beyond objects, it counts right ${pct(f.report.acc_counting)}
of the time and answers spatial relations right ${pct(f.report.acc_relation)}; ${pct(f.report.hall_rate)} of all its answers
say something false. This is the starting point that DPO has to fix.

The exact numbers are in \`eval.json\`; \`tests/integration/shipped-model.test.ts\` checks that \`npm run eval\`
reproduces them.
`;
}
