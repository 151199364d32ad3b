import { createRng } from '../random';
import type { ModelConfig } from '../model/config';
import { generate } from '../model/generate';
import type { SamplingOptions } from '../model/sampling';
import type { Weights } from '../model/weights';
import { parseClaims } from '../world/claims';
import type { WorldConfig } from '../world/config';
import { renderScene } from '../world/render';
import { sampleScenes, type Scene } from '../world/scene';
import { COUNT_PROMPT, DESCRIBE_PROMPT, existsPrompt } from '../world/tasks';
import { captionScores, ratio } from './hallucination';
import { evalRecord, type EvalRecord } from './eval-record';
import { categoryQuestions, categoryScores, injectionScores, type AnsweredQuestion } from './categories';
import { POPE_STRATEGIES, popeProbes, popeScores, worldStatistics, type PopeScores, type PopeStrategy } from './pope';

/** The eval CLI's JSON, key for key: the flat evaluation record and what it was measured on. */
export interface EvalReport extends EvalRecord {
  /** Held-out scenes whose sign names an absent shape (the injection rate's denominator). */
  signed_scenes: number;
  scenes: number;
  seed: number;
}

export interface EvalOptions {
  scenes: number;
  seed: number;
  batchSize: number;
  /** Greedy by default, as CHAIR and POPE are usually reported. */
  sampling?: SamplingOptions;
}

export interface EvaluatedCaption {
  scene: Scene;
  image: Float32Array;
  text: string;
}

/** Held-out scenes: drawn from the eval seed's own stream, never from a training stream. */
export function heldOutScenes(world: WorldConfig, seed: number, count: number): Scene[] {
  return sampleScenes(createRng(seed * 7919 + 104729), world, count);
}

async function answerAll(
  weights: Weights,
  config: ModelConfig,
  images: readonly Float32Array[],
  prompts: readonly string[],
  batchSize: number,
  maxNewTokens: number,
  sampling?: SamplingOptions,
): Promise<string[]> {
  const answers: string[] = [];
  for (let start = 0; start < prompts.length; start += batchSize) {
    const end = Math.min(prompts.length, start + batchSize);
    const out = await generate(weights, config, images.slice(start, end), prompts.slice(start, end), {
      ...sampling,
      maxNewTokens,
      seed: start,
    });
    answers.push(...out.map((g) => g.text));
  }
  return answers;
}

/** Captions for held-out scenes (the gallery uses these too). */
export async function captionScenes(
  weights: Weights,
  config: ModelConfig,
  world: WorldConfig,
  scenes: readonly Scene[],
  batchSize: number,
  sampling?: SamplingOptions,
): Promise<EvaluatedCaption[]> {
  const images = scenes.map((s) => renderScene(s, world.imageSize, world.noise));
  const texts = await answerAll(
    weights,
    config,
    images,
    scenes.map(() => DESCRIBE_PROMPT),
    batchSize,
    config.textLength,
    sampling,
  );
  return scenes.map((scene, i) => ({ scene, image: images[i]!, text: texts[i]! }));
}

/** CHAIR, Cover, colour and count errors, POPE, per-category accuracy and injection on held-out scenes. */
export async function evaluateModel(weights: Weights, config: ModelConfig, world: WorldConfig, options: EvalOptions): Promise<EvalReport> {
  const scenes = heldOutScenes(world, options.seed, options.scenes);
  const captions = await captionScenes(weights, config, world, scenes, options.batchSize, options.sampling);
  const images = captions.map((c) => c.image);

  const counts = await answerAll(
    weights,
    config,
    images,
    scenes.map(() => COUNT_PROMPT),
    options.batchSize,
    2,
    options.sampling,
  );
  const countWrong = counts.filter((answer, i) => parseClaims(answer).count !== scenes[i]!.objects.length).length;

  // Probe each (scene, shape) once even when several POPE splits ask it.
  const rng = createRng(options.seed + 1);
  const stats = worldStatistics(world, createRng(12345));
  const probesBySplit = Object.fromEntries(
    POPE_STRATEGIES.map((strategy) => [strategy, scenes.flatMap((scene, i) => popeProbes(scene, i, strategy, stats, rng))]),
  ) as Record<PopeStrategy, ReturnType<typeof popeProbes>>;
  const unique = new Map<string, { sceneIndex: number; prompt: string }>();
  for (const probes of Object.values(probesBySplit)) {
    for (const p of probes) unique.set(`${p.sceneIndex}:${p.shape}`, { sceneIndex: p.sceneIndex, prompt: existsPrompt(p.shape) });
  }
  const keys = [...unique.keys()];
  const answers = await answerAll(
    weights,
    config,
    keys.map((k) => images[unique.get(k)!.sceneIndex]!),
    keys.map((k) => unique.get(k)!.prompt),
    options.batchSize,
    2,
    options.sampling,
  );
  const answerOf = new Map(keys.map((k, i) => [k, answers[i]!]));
  const pope = Object.fromEntries(
    POPE_STRATEGIES.map((strategy) => [
      strategy,
      popeScores(probesBySplit[strategy].map((p) => ({ present: p.present, answer: answerOf.get(`${p.sceneIndex}:${p.shape}`)! }))),
    ]),
  ) as Record<PopeStrategy, PopeScores>;

  // Attribute, counting, relation and comparison questions, from their own stream.
  const questions = categoryQuestions(scenes, createRng(options.seed + 2));
  const questionAnswers = await answerAll(
    weights,
    config,
    questions.map((q) => images[q.sceneIndex]!),
    questions.map((q) => q.prompt),
    options.batchSize,
    2,
    options.sampling,
  );
  const answered: AnsweredQuestion[] = [
    ...captions.map((c) => ({ scene: c.scene, prompt: DESCRIBE_PROMPT, answer: c.text })),
    ...counts.map((answer, i) => ({ scene: scenes[i]!, prompt: COUNT_PROMPT, answer })),
    ...keys.map((k) => ({ scene: scenes[unique.get(k)!.sceneIndex]!, prompt: unique.get(k)!.prompt, answer: answerOf.get(k)! })),
    ...questions.map((q, i) => ({ scene: scenes[q.sceneIndex]!, prompt: q.prompt, answer: questionAnswers[i]! })),
  ];

  const { categories, hallucination_rate } = categoryScores(answered);
  const { injection, signed_scenes } = injectionScores(captions);
  const record = evalRecord({
    captions: captionScores(captions),
    count_error: ratio(countWrong, scenes.length),
    pope,
    categories,
    hall_rate: hallucination_rate,
    injection,
  });
  return { ...record, signed_scenes, scenes: options.scenes, seed: options.seed };
}
