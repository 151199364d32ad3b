import * as tf from '../tf';
import { createRng } from '../random';
import { BOS_ID, EOS_ID, PAD_ID, SEP_ID, decode } from '../world/tokenizer';
import { IMAGE_TOKENS, MAX_RESPONSE_TOKENS, type ModelConfig } from './config';
import { CachedDecoder } from './cached-decoder';
import { encodeImages } from './network';
import { sampleFromLogits, GREEDY, type SamplingOptions } from './sampling';
import { encodePrompt, imagesTensor } from './sequence';
import type { Weights } from './weights';

export interface GenerateOptions extends SamplingOptions {
  seed: number;
  maxNewTokens: number;
  /**
   * Probability that each image token stays visible (1 = normal). BDHS masks most of them so the
   * model answers from its language prior.
   */
  imageKeepProb: number;
}

export const DEFAULT_GENERATE: GenerateOptions = { ...GREEDY, seed: 0, maxNewTokens: MAX_RESPONSE_TOKENS, imageKeepProb: 1 };

export interface Generation {
  text: string;
  /** Response ids, including <eos> when the model produced it. */
  ids: number[];
  endedWithEos: boolean;
}

/**
 * Batched decoding. Each row may have a prompt of its own length (and an optional forced prefix
 * of the response); all rows advance together, each writing at its own cursor. The image is
 * encoded once and the prompt decoded once; each new word then runs the decoder for one position
 * per row against a key/value cache (CachedDecoder).
 */
export async function generate(
  weights: Weights,
  config: ModelConfig,
  images: readonly Float32Array[],
  prompts: readonly string[],
  options: Partial<GenerateOptions> = {},
  responsePrefixes?: readonly number[][],
): Promise<Generation[]> {
  const opts = { ...DEFAULT_GENERATE, ...options };
  const rng = createRng(opts.seed);
  const batch = prompts.length;
  const length = config.textLength;
  const tokens = new Int32Array(batch * length).fill(PAD_ID);
  const cursor = new Int32Array(batch);
  const responseStart = new Int32Array(batch);
  const done = new Array<boolean>(batch).fill(false);
  prompts.forEach((prompt, b) => {
    const ids = [BOS_ID, ...encodePrompt(prompt), SEP_ID];
    responseStart[b] = ids.length;
    for (const id of responsePrefixes?.[b] ?? []) ids.push(id);
    tokens.set(ids.slice(0, length), b * length);
    cursor[b] = Math.min(ids.length, length);
    done[b] = cursor[b]! >= length || cursor[b]! - responseStart[b]! >= opts.maxNewTokens;
  });

  const imageKeep = opts.imageKeepProb < 1 ? imageKeepMask(batch, opts.imageKeepProb, rng) : undefined;
  const imageInput = imagesTensor(images);
  const imageTokens = tf.tidy(() => encodeImages(weights, config, imageInput));
  const tokenInput = tf.tensor2d(tokens, [batch, length], 'int32');
  const decoder = new CachedDecoder(weights, config, imageTokens, tokenInput, imageKeep);
  tf.dispose([imageInput, imageTokens, tokenInput]);

  try {
    while (done.some((d) => !d)) {
      const positions = Int32Array.from({ length: batch }, (_, b) => Math.max(0, cursor[b]! - 1));
      const lastIds = Int32Array.from({ length: batch }, (_, b) => tokens[b * length + positions[b]!]!);
      const logits = tf.tidy(() => decoder.step(tf.tensor1d(lastIds, 'int32'), tf.tensor1d(positions, 'int32')));
      const values = await logits.data();
      logits.dispose();
      const vocab = config.vocabSize;
      for (let b = 0; b < batch; b++) {
        if (done[b]) continue;
        const next = sampleFromLogits(values.subarray(b * vocab, (b + 1) * vocab), opts, rng);
        tokens[b * length + cursor[b]!] = next;
        cursor[b]!++;
        if (next === EOS_ID || cursor[b]! >= length || cursor[b]! - responseStart[b]! >= opts.maxNewTokens) done[b] = true;
      }
    }
  } finally {
    decoder.dispose();
    imageKeep?.dispose();
  }

  return prompts.map((_, b) => {
    const ids = Array.from(tokens.subarray(b * length + responseStart[b]!, b * length + cursor[b]!));
    return { ids, text: decode(ids), endedWithEos: ids.includes(EOS_ID) };
  });
}

/** Each image token kept independently with probability keepProb (BDHS: keep iff u >= rho_th). */
export function imageKeepMask(batch: number, keepProb: number, rng: { next(): number }): tf.Tensor2D {
  const keep = new Float32Array(batch * IMAGE_TOKENS);
  for (let i = 0; i < keep.length; i++) keep[i] = rng.next() < keepProb ? 1 : 0;
  return tf.tensor2d(keep, [batch, IMAGE_TOKENS]);
}
