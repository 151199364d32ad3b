import type { Rng } from '../random';
import type { ModelConfig } from '../model/config';
import { generate, type GenerateOptions } from '../model/generate';
import type { Weights } from '../model/weights';
import { parseClaims } from '../world/claims';
import type { WorldConfig } from '../world/config';
import { renderScene } from '../world/render';
import { sampleScene, type Scene } from '../world/scene';
import { DESCRIBE_PROMPT, groundTruthCaption } from '../world/tasks';
import { encode, splitWords } from '../world/tokenizer';
import { scoreCandidates, type Candidate, type JudgeConfig, type JudgeContext } from './judge';
import { groundTruthCorruptionPair, type PairSource, type PreferencePair } from './pairs';

interface Model {
  weights: Weights;
  config: ModelConfig;
}

/** The set of (shape, colour, position) claims: BDHS resamples when a rejection states exactly the truth. */
function claimKey(text: string): string {
  return parseClaims(text)
    .objects.map((c) => `${c.shape}/${c.colour ?? '?'}/${c.cell ?? '?'}`)
    .sort()
    .join(',');
}

export interface BdhsOptions {
  /** rho_th: each image token is kept only if u >= rho (0.99 keeps about 1%). */
  rho: number;
  maxTries: number;
}
export const DEFAULT_BDHS: BdhsOptions = { rho: 0.99, maxTries: 5 };

/**
 * Bias-Driven Hallucination Sampling (Apple, 2024): the reference model, its image tokens masked,
 * finishes a random-length prefix of the true caption from its language prior. Resampled (new
 * masks, new cut) up to maxTries times while its claims equal the truth; dropped after that.
 */
export async function bdhsPairs(
  reference: Model,
  world: WorldConfig,
  count: number,
  rng: Rng,
  options = DEFAULT_BDHS,
): Promise<PreferencePair[]> {
  let pending = Array.from({ length: count }, () => {
    const scene = sampleScene(rng, world);
    return { scene, image: renderScene(scene, world.imageSize, world.noise), truth: groundTruthCaption(scene), tries: 0 };
  });
  const pairs: PreferencePair[] = [];
  while (pending.length > 0) {
    const prefixes = pending.map((p) => {
      const words = encode(p.truth).slice(0, -1); // keep the final "." for the model to write
      return words.slice(0, rng.int(words.length));
    });
    const outputs = await generate(
      reference.weights,
      reference.config,
      pending.map((p) => p.image),
      pending.map(() => DESCRIBE_PROMPT),
      { temperature: 1, topK: 0, topP: 1, seed: rng.int(2 ** 31), imageKeepProb: 1 - options.rho } satisfies Partial<GenerateOptions>,
      prefixes,
    );
    const retry: typeof pending = [];
    pending.forEach((p, i) => {
      const rejected = outputs[i]!.text;
      if (claimKey(rejected) !== claimKey(p.truth) && outputs[i]!.endedWithEos) {
        pairs.push({ scene: p.scene, image: p.image, prompt: DESCRIBE_PROMPT, chosen: p.truth, rejected, source: 'bdhs' });
      } else if (p.tries + 1 < options.maxTries) {
        retry.push({ ...p, tries: p.tries + 1 });
      }
    });
    pending = retry;
  }
  return pairs;
}

export interface SelfSampleOptions {
  /** Candidates per prompt (RLAIF-V's code uses 10). */
  samples: number;
  temperature: number;
  topK: number;
  topP: number;
  /** Pairs need a judge score difference of at least this. */
  minScoreGap: number;
  maxPairsPerPrompt: number;
  /** Drop pairs whose word counts differ by more than this (avoid teaching "shorter is better"). */
  maxLengthGap: number;
}
export const DEFAULT_SELF_SAMPLES: SelfSampleOptions = {
  samples: 6,
  temperature: 1,
  topK: 0,
  topP: 1,
  minScoreGap: 1,
  maxPairsPerPrompt: 2,
  maxLengthGap: 4,
};

/**
 * RLAIF-V deconfounded candidates: n samples from the same model with the same decoding, only the
 * seed differs, so chosen and rejected share style and differ in facts. A judge scores them.
 */
export async function selfSamplePairs(
  model: Model,
  world: WorldConfig,
  prompts: number,
  rng: Rng,
  judge: JudgeConfig,
  context: JudgeContext,
  options = DEFAULT_SELF_SAMPLES,
): Promise<PreferencePair[]> {
  const scenes: Scene[] = Array.from({ length: prompts }, () => sampleScene(rng, world));
  const images = scenes.map((s) => renderScene(s, world.imageSize, world.noise));
  const n = options.samples;
  const candidates = await sampleCandidates(
    model,
    scenes,
    images,
    n,
    { temperature: options.temperature, topK: options.topK, topP: options.topP },
    rng.int(2 ** 31),
  );
  const scores = await scoreCandidates(judge, candidates, { ...context, rng });
  const pairs: PreferencePair[] = [];
  for (let i = 0; i < scenes.length; i++) {
    const group = candidates.slice(i * n, (i + 1) * n).map((c, j) => ({ ...c, score: scores[i * n + j]! }));
    const ranked: { chosen: (typeof group)[number]; rejected: (typeof group)[number]; gap: number }[] = [];
    for (const a of group) {
      for (const b of group) {
        const gap = a.score - b.score;
        const lengthGap = Math.abs(splitWords(a.response).length - splitWords(b.response).length);
        if (gap >= options.minScoreGap && lengthGap <= options.maxLengthGap && a.response !== b.response)
          ranked.push({ chosen: a, rejected: b, gap });
      }
    }
    ranked.sort((x, y) => y.gap - x.gap);
    const used = new Set<string>();
    for (const o of ranked) {
      if (used.size >= options.maxPairsPerPrompt) break;
      const key = `${o.chosen.response}|${o.rejected.response}`;
      if (used.has(key)) continue;
      used.add(key);
      pairs.push({
        scene: o.chosen.scene,
        image: o.chosen.image,
        prompt: DESCRIBE_PROMPT,
        chosen: o.chosen.response,
        rejected: o.rejected.response,
        source: `self-samples (score ${o.chosen.score} vs ${o.rejected.score})`,
      });
    }
  }
  return pairs;
}

/**
 * k responses to the describe prompt for each scene, from one model with one decoding setting
 * (only the random stream differs): RLAIF-V's deconfounded candidates, and online DPO's samples.
 * Returned flat, scene by scene.
 */
export async function sampleCandidates(
  model: Model,
  scenes: readonly Scene[],
  images: readonly Float32Array[],
  k: number,
  sampling: Partial<GenerateOptions>,
  seed: number,
): Promise<(Candidate & { ids: number[] })[]> {
  const outputs = await generate(
    model.weights,
    model.config,
    scenes.flatMap((_, i) => Array.from({ length: k }, () => images[i]!)),
    scenes.flatMap(() => Array.from({ length: k }, () => DESCRIBE_PROMPT)),
    { ...sampling, seed },
  );
  return outputs.map((g, j) => ({
    scene: scenes[Math.floor(j / k)]!,
    image: images[Math.floor(j / k)]!,
    prompt: DESCRIBE_PROMPT,
    response: g.text,
    endedWithEos: g.endedWithEos,
    ids: g.ids,
  }));
}

/** Build an offline preference dataset from the chosen source. */
export async function buildOfflinePairs(
  source: PairSource,
  reference: Model,
  world: WorldConfig,
  count: number,
  rng: Rng,
  judge: JudgeConfig,
  context: JudgeContext,
  selfSamples = DEFAULT_SELF_SAMPLES,
): Promise<PreferencePair[]> {
  if (source === 'gt-corrupt') return Array.from({ length: count }, () => groundTruthCorruptionPair(rng, world));
  if (source === 'bdhs') return bdhsPairs(reference, world, count, rng);
  // Self-samples: keep drawing prompts until enough pairs (at most 2 per prompt), bounded.
  const pairs: PreferencePair[] = [];
  for (let round = 0; round < 8 && pairs.length < count; round++) {
    pairs.push(
      ...(await selfSamplePairs(reference, world, Math.max(8, Math.ceil((count - pairs.length) / 1.5)), rng, judge, context, selfSamples)),
    );
  }
  return pairs.slice(0, count);
}
