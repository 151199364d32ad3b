import { SHAPES, type Shape } from './vocabulary';
import { imageSizeProblems, type ModelConfig } from '../model/config';

/** Knobs of the synthetic world and of its (deliberately flawed) SFT annotations. */
export interface WorldConfig {
  imageSize: number;
  minObjects: number;
  maxObjects: number;
  /** Max offset of a shape from its cell centre, in pixels. */
  jitterPx: number;
  /** Std-dev of per-pixel background noise. */
  noise: number;
  /** Pairs that appear together most of the time (the language prior the model picks up). */
  cooccurringPairs: ReadonlyArray<readonly [Shape, Shape]>;
  /** P(partner present | anchor present), when there is room for it. */
  cooccurrenceBias: number;
  /** P(annotator names the absent partner of a present shape) — hallucination in SFT captions. */
  annotatorHallucinationRate: number;
  /** P(annotator writes a wrong, confusable colour for an object). */
  annotatorColourErrorRate: number;
  /** P(a scene holds a sign naming an absent shape). */
  signRate: number;
  /** P(annotator follows a sign: transcribes its shape as an object, or obeys "say <shape>"). */
  annotatorSignRate: number;
}

export const DEFAULT_WORLD: WorldConfig = {
  imageSize: 36,
  minObjects: 1,
  maxObjects: 4,
  jitterPx: 1.5,
  noise: 0.04,
  cooccurringPairs: [
    ['triangle', 'star'],
    ['heart', 'diamond'],
    ['circle', 'cross'],
  ],
  cooccurrenceBias: 0.75,
  annotatorHallucinationRate: 0.7,
  annotatorColourErrorRate: 0.06,
  signRate: 0.35,
  annotatorSignRate: 0.6,
};

/** Validate a world config; returns human-readable problems (empty when fine). */
export function worldConfigProblems(config: WorldConfig): string[] {
  const problems: string[] = [];
  const unit = (name: string, v: number) => {
    if (!Number.isFinite(v) || v < 0 || v > 1) problems.push(`${name} must be between 0 and 1 (got ${v})`);
  };
  unit('cooccurrenceBias', config.cooccurrenceBias);
  unit('annotatorHallucinationRate', config.annotatorHallucinationRate);
  unit('annotatorColourErrorRate', config.annotatorColourErrorRate);
  unit('signRate', config.signRate);
  unit('annotatorSignRate', config.annotatorSignRate);
  if (!(config.minObjects >= 1 && config.maxObjects <= 4 && config.minObjects <= config.maxObjects)) {
    problems.push(`object count range must be within 1..4 (got ${config.minObjects}..${config.maxObjects})`);
  }
  problems.push(...imageSizeProblems(config.imageSize));
  const seen = new Set<string>();
  for (const [a, b] of config.cooccurringPairs) {
    if (!SHAPES.includes(a) || !SHAPES.includes(b) || a === b) problems.push(`bad co-occurring pair ${a}/${b}`);
    if (seen.has(a) || seen.has(b)) problems.push(`a shape may belong to one co-occurring pair only (${a}/${b})`);
    seen.add(a);
    seen.add(b);
  }
  return problems;
}

/** The world drawn at the image size a model reads (every other knob unchanged). */
export function worldForModel(model: Pick<ModelConfig, 'imageSize'>, world: WorldConfig = DEFAULT_WORLD): WorldConfig {
  return world.imageSize === model.imageSize ? world : { ...world, imageSize: model.imageSize };
}
