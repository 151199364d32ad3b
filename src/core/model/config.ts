import * as v from 'valibot';
import { VOCAB_SIZE } from '../world/tokenizer';
import { shorten } from '../messages';
import { problemsOf, wholeNumber, wholeNumberMessage } from '../validation';

/** Image tokens: the vision encoder turns an image into a 3x3 grid of feature vectors. */
export const IMAGE_TOKENS = 9;
/** Image side of the default preset, in pixels. */
export const IMAGE_SIZE = 36;
/**
 * The encoder cuts the image into a 6x6 grid of patches, then merges 2x2 patches into one of the
 * 3x3 grid cells: an image side must be a multiple of 6 (36 px -> 6 px patches, 48 px -> 8 px).
 */
export const PATCHES_PER_SIDE = 6;
export const MIN_IMAGE_SIZE = 36;
export const MAX_IMAGE_SIZE = 96;

export function patchSize(config: Pick<ModelConfig, 'imageSize'>): number {
  return config.imageSize / PATCHES_PER_SIDE;
}

/** Problems with an image side (empty when fine): the encoder's grid needs a multiple of 6. */
export function imageSizeProblems(size: number): string[] {
  if (Number.isInteger(size) && size >= MIN_IMAGE_SIZE && size <= MAX_IMAGE_SIZE && size % PATCHES_PER_SIDE === 0) return [];
  return [`imageSize must be a multiple of ${PATCHES_PER_SIDE} between ${MIN_IMAGE_SIZE} and ${MAX_IMAGE_SIZE} px (got ${size})`];
}
/** Longest prompt: "are there more red than blue shapes ?" and "is the star left of the heart ?". */
export const MAX_PROMPT_TOKENS = 8;
/** Response words plus the end token: up to five "colour shape position" mentions joined by "and". */
export const MAX_RESPONSE_TOKENS = 21;
/** Text part of the sequence: <bos> prompt <sep> response <eos>, right-padded. */
export const TEXT_LENGTH = 1 + MAX_PROMPT_TOKENS + 1 + MAX_RESPONSE_TOKENS;

/** Architecture of the vision-language model. Stored with every checkpoint. */
export interface ModelConfig {
  preset: string;
  vocabSize: number;
  imageSize: number;
  /** Width of the patch embedding and of the merged 2x2-patch (grid-cell) features. */
  visionChannels: readonly [number, number];
  dModel: number;
  nLayers: number;
  nHeads: number;
  mlpHidden: number;
  textLength: number;
}

export const PRESETS = {
  /** Sized for a laptop GPU, and still trainable on a 2-core CPU in minutes. */
  default: {
    preset: 'default',
    vocabSize: VOCAB_SIZE,
    imageSize: IMAGE_SIZE,
    visionChannels: [48, 96],
    dModel: 64,
    nLayers: 2,
    nHeads: 4,
    mlpHidden: 128,
    textLength: TEXT_LENGTH,
  },
  /**
   * Where a GPU matters: 4.5x the default's parameters, a 48 px image (8 px patches), twice the
   * width and one more layer.
   */
  large: {
    preset: 'large',
    vocabSize: VOCAB_SIZE,
    imageSize: 48,
    visionChannels: [64, 128],
    dModel: 128,
    nLayers: 3,
    nHeads: 4,
    mlpHidden: 256,
    textLength: TEXT_LENGTH,
  },
  /** For tests and slow fallbacks. */
  tiny: {
    preset: 'tiny',
    vocabSize: VOCAB_SIZE,
    imageSize: IMAGE_SIZE,
    visionChannels: [24, 48],
    dModel: 32,
    nLayers: 1,
    nHeads: 2,
    mlpHidden: 64,
    textLength: TEXT_LENGTH,
  },
} as const satisfies Record<string, ModelConfig>;

export type PresetName = keyof typeof PRESETS;

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** Largest model a checkpoint may describe: far above the presets, far below a browser's memory. */
export const MAX_PARAMETERS = 20_000_000;

/** Each architecture field: its schema, and the message when it is missing or wrong. */
const ARCHITECTURE_FIELDS: Record<keyof ModelConfig, { schema: v.GenericSchema; message: (input: unknown) => string }> = (() => {
  const whole = (key: string, min: number, max: number) => {
    const message = wholeNumberMessage(key, min, max);
    return { schema: wholeNumber(min, max, message), message };
  };
  const channelsMessage = () => 'visionChannels must be two whole numbers from 1 to 1024';
  const channel = wholeNumber(1, 1024, channelsMessage);
  const fixed = (key: string, value: number, why: string) => {
    const message = (input: unknown) => `${key} must be ${value}${why} (got ${shorten(String(input))})`;
    return { schema: v.literal(value, (issue) => message(issue.input)), message };
  };
  const imageMessage = (input: unknown) => (typeof input === 'number' ? imageSizeProblems(input)[0]! : 'imageSize must be a number');
  const presetMessage = () => 'preset must be a short name';
  return {
    preset: { schema: v.pipe(v.string(presetMessage), v.maxLength(40, presetMessage)), message: presetMessage },
    dModel: whole('dModel', 8, 1024),
    nLayers: whole('nLayers', 1, 24),
    nHeads: whole('nHeads', 1, 32),
    mlpHidden: whole('mlpHidden', 1, 8192),
    vocabSize: fixed('vocabSize', VOCAB_SIZE, ", the playground's vocabulary"),
    textLength: fixed('textLength', TEXT_LENGTH, ''),
    imageSize: {
      schema: v.pipe(
        v.number((issue) => imageMessage(issue.input)),
        v.check(
          (size) => imageSizeProblems(size).length === 0,
          (issue) => imageMessage(issue.input),
        ),
      ),
      message: imageMessage,
    },
    visionChannels: { schema: v.tuple([channel, channel], channelsMessage), message: channelsMessage },
  };
})();

/** The architecture as a valibot schema: every field's own message, a missing field included. */
const ARCHITECTURE_SCHEMA = v.pipe(
  v.object(
    Object.fromEntries(Object.entries(ARCHITECTURE_FIELDS).map(([key, field]) => [key, field.schema])) as Record<
      keyof ModelConfig,
      v.GenericSchema
    >,
    (issue) => {
      const key = issue.path?.at(-1)?.key as keyof ModelConfig | undefined;
      return key && ARCHITECTURE_FIELDS[key] ? ARCHITECTURE_FIELDS[key].message(undefined) : 'config is missing';
    },
  ),
  v.check(
    (c) => (c.dModel as number) % (c.nHeads as number) === 0,
    (issue) => {
      const c = issue.input as ModelConfig;
      return `nHeads (${c.nHeads}) must divide dModel (${c.dModel})`;
    },
  ),
  v.check(
    (c) => parameterCount(c as ModelConfig) <= MAX_PARAMETERS,
    (issue) => {
      const count = parameterCount(issue.input as ModelConfig);
      return `the model would have ${count.toLocaleString('en')} parameters (at most ${MAX_PARAMETERS.toLocaleString('en')})`;
    },
  ),
);

/**
 * Problems with a checkpoint's architecture, checked before anything is allocated (a header
 * claiming a billion layers must be refused, not tried): types, ranges, the vocabulary and text
 * length this world's tokenizer uses, heads that divide the width, and the total size.
 */
export function architectureProblems(raw: unknown): string[] {
  return problemsOf(ARCHITECTURE_SCHEMA, raw);
}

/** Shapes of every weight, by name, for a config. The checkpoint loader checks against this. */
export function weightShapes(config: ModelConfig): Record<string, number[]> {
  const [c1, c2] = config.visionChannels;
  const d = config.dModel;
  const shapes: Record<string, number[]> = {
    'vision.patch.w': [patchSize(config) ** 2 * 3, c1],
    'vision.patch.b': [c1],
    'vision.merge.w': [4 * c1, c2],
    'vision.merge.b': [c2],
    'projector.fc1.w': [c2, d],
    'projector.fc1.b': [d],
    'projector.fc2.w': [d, d],
    'projector.fc2.b': [d],
    'image.pos': [IMAGE_TOKENS, d],
    'text.tokens': [config.vocabSize, d],
    'text.pos': [config.textLength, d],
  };
  for (let i = 0; i < config.nLayers; i++) {
    const p = `block${i}.`;
    Object.assign(shapes, {
      [`${p}ln1.g`]: [d],
      [`${p}ln1.b`]: [d],
      [`${p}attn.qkv.w`]: [d, 3 * d],
      [`${p}attn.qkv.b`]: [3 * d],
      [`${p}attn.proj.w`]: [d, d],
      [`${p}attn.proj.b`]: [d],
      [`${p}ln2.g`]: [d],
      [`${p}ln2.b`]: [d],
      [`${p}mlp.fc.w`]: [d, config.mlpHidden],
      [`${p}mlp.fc.b`]: [config.mlpHidden],
      [`${p}mlp.proj.w`]: [config.mlpHidden, d],
      [`${p}mlp.proj.b`]: [d],
    });
  }
  shapes['final.ln.g'] = [d];
  shapes['final.ln.b'] = [d];
  return shapes;
}

export function parameterCount(config: ModelConfig): number {
  return Object.values(weightShapes(config)).reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
}

/** Differences between two architectures, in words (empty when they match). */
export function architectureDifferences(a: ModelConfig, b: ModelConfig): string[] {
  const keys: (keyof ModelConfig)[] = [
    'vocabSize',
    'imageSize',
    'visionChannels',
    'dModel',
    'nLayers',
    'nHeads',
    'mlpHidden',
    'textLength',
  ];
  return keys
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k}: ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`);
}

export function describeConfig(config: ModelConfig): string {
  return `${config.preset}: d=${config.dModel}, ${config.nLayers} layers, ${config.nHeads} heads, ${parameterCount(config).toLocaleString('en-US')} parameters`;
}
