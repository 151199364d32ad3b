import * as tf from '../tf';
import { createRng, type Rng } from '../random';
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
 * per row against a key/value cache (CachedDecoder) as long as the longest answer allowed.
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
  const starts = prompts.map((prompt, b) => {
    const ids = [BOS_ID, ...encodePrompt(prompt), SEP_ID];
    return { ids: [...ids, ...(responsePrefixes?.[b] ?? [])], responseStart: ids.length };
  });
  // Text positions any row can reach: its start plus maxNewTokens words. Later positions would
  // only ever hold padding, which causal attention never reads, so short answers cost less.
  const length = Math.min(
    config.textLength,
    Math.max(1, ...starts.map((s) => Math.max(s.ids.length, s.responseStart + opts.maxNewTokens))),
  );
  const tokens = new Int32Array(batch * length).fill(PAD_ID);
  const cursor = new Int32Array(batch);
  const responseStart = new Int32Array(batch);
  const done = new Array<boolean>(batch).fill(false);
  starts.forEach(({ ids }, b) => {
    responseStart[b] = starts[b]!.responseStart;
    tokens.set(ids.slice(0, length), b * length);
    cursor[b] = Math.min(ids.length, length);
    done[b] = cursor[b] >= length || cursor[b] - responseStart[b] >= opts.maxNewTokens;
  });

  const imageKeep = opts.imageKeepProb < 1 ? imageKeepMask(batch, opts.imageKeepProb, rng) : undefined;
  const imageInput = imagesTensor(images);
  const imageTokens = tf.tidy(() => encodeImages(weights, config, imageInput));
  // Prefill reads the starting tokens only (up to the longest row's cursor).
  const filled = Math.max(1, ...cursor);
  const tokenInput = tf.tensor2d(
    Int32Array.from({ length: batch * filled }, (_, i) => tokens[Math.floor(i / filled) * length + (i % filled)]!),
    [batch, filled],
    'int32',
  );
  const decoder = new CachedDecoder(weights, config, imageTokens, tokenInput, imageKeep, length);
  tf.dispose([imageInput, imageTokens, tokenInput]);

  const state: DecodeState = { tokens, cursor, responseStart, done, length, vocab: config.vocabSize };
  try {
    if (opts.topK > 0 || opts.topP < 1) await decodeOnHost(decoder, state, opts, rng);
    else await decodeOnDevice(decoder, state, opts, rng);
  } finally {
    decoder.dispose();
    imageKeep?.dispose();
  }

  return prompts.map((_, b) => {
    const ids = Array.from(tokens.subarray(b * length + responseStart[b]!, b * length + cursor[b]!));
    return { ids, text: decode(ids), endedWithEos: ids.includes(EOS_ID) };
  });
}

interface DecodeState {
  /** [B, length] token ids, written in place. */
  tokens: Int32Array;
  /** Per row: where its next word goes. */
  cursor: Int32Array;
  responseStart: Int32Array;
  done: boolean[];
  length: number;
  vocab: number;
}

/** Words a row may still add: up to the sequence's end and the response budget. */
function budget(state: DecodeState, b: number, maxNewTokens: number): number {
  if (state.done[b]) return 0;
  return Math.max(0, Math.min(state.length - state.cursor[b]!, maxNewTokens - (state.cursor[b]! - state.responseStart[b]!)));
}

/** The token each row wrote last and its position: what the cached decoder reads next. */
function lastTokens(state: DecodeState): { ids: Int32Array; positions: Int32Array } {
  const positions = Int32Array.from(state.cursor, (c) => Math.max(0, c - 1));
  const ids = Int32Array.from(positions, (p, b) => state.tokens[b * state.length + p]!);
  return { ids, positions };
}

/** Rows check for the end of every row this often (one small readback per check). */
const DONE_CHECK_EVERY = 4;

/**
 * Greedy or plain-temperature decoding with the chosen words kept on the device: each step's
 * argmax (of logits / T plus Gumbel noise drawn from the seeded stream, which samples exactly
 * softmax(logits / T)) feeds the next step directly. The host reads one flag every few words to
 * stop once every row has ended, and all the words once at the end.
 */
async function decodeOnDevice(decoder: CachedDecoder, state: DecodeState, opts: GenerateOptions, rng: Rng): Promise<void> {
  const batch = state.cursor.length;
  const budgets = Int32Array.from({ length: batch }, (_, b) => budget(state, b, opts.maxNewTokens));
  const steps = Math.max(0, ...budgets);
  if (steps === 0) return;
  const start = lastTokens(state);
  let ids = tf.tensor1d(start.ids, 'int32');
  let positions = tf.tensor1d(start.positions, 'int32');
  let ended = tf.zeros([batch], 'bool');
  const budgetTensor = tf.tensor1d(budgets, 'int32');
  const words: tf.Tensor1D[] = [];
  const lastPosition = tf.scalar(state.length - 1, 'int32');
  const one = tf.scalar(1, 'int32');
  try {
    for (let step = 0; step < steps; step++) {
      const noise = opts.temperature > 0 ? gumbelNoise(batch * state.vocab, rng) : undefined;
      const next = tf.tidy(() => {
        const logits = decoder.step(ids, positions);
        const scores = noise ? tf.add(tf.div(logits, opts.temperature), tf.tensor2d(noise, [batch, state.vocab])) : logits;
        return tf.argMax(scores, -1).toInt() as tf.Tensor1D;
      });
      words.push(next);
      const nextPositions = tf.tidy(() => tf.minimum<tf.Tensor1D>(tf.add(positions, one), lastPosition));
      const nextEnded = tf.tidy(() => tf.logicalOr(ended, tf.equal(next, EOS_ID)));
      tf.dispose([positions, ended]);
      if (step === 0) ids.dispose(); // the start tensor; later ones are kept in `words`
      [ids, positions, ended] = [next, nextPositions, nextEnded];
      if ((step + 1) % DONE_CHECK_EVERY === 0 && step + 1 < steps) {
        const allEnded = tf.tidy(() => tf.all(tf.logicalOr(ended, tf.lessEqual(budgetTensor, step + 1))));
        const [value] = await allEnded.data();
        allEnded.dispose();
        if (value) break;
      }
    }
    const stacked = tf.stack(words, 1);
    const chosen = await stacked.data();
    stacked.dispose();
    const taken = words.length;
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < budgets[b]! && t < taken; t++) {
        const word = chosen[b * taken + t]!;
        state.tokens[b * state.length + state.cursor[b]!] = word;
        state.cursor[b]!++;
        if (word === EOS_ID) break;
      }
      state.done[b] = true;
    }
  } finally {
    tf.dispose([...words, positions, ended, budgetTensor, lastPosition, one]);
    if (words.length === 0) ids.dispose();
  }
}

/** -log(-log(u)) per entry: argmax(logits / T + noise) is a sample of softmax(logits / T). */
function gumbelNoise(size: number, rng: Rng): Float32Array {
  const noise = new Float32Array(size);
  for (let i = 0; i < size; i++) noise[i] = -Math.log(-Math.log(Math.min(Math.max(rng.next(), 1e-12), 1 - 1e-7)));
  return noise;
}

/** Top-k or top-p sampling, done on the host from each step's logits (one readback per word). */
async function decodeOnHost(decoder: CachedDecoder, state: DecodeState, opts: GenerateOptions, rng: Rng): Promise<void> {
  const { tokens, cursor, done, length, vocab } = state;
  const batch = cursor.length;
  while (done.some((d) => !d)) {
    const { ids, positions } = lastTokens(state);
    const logits = tf.tidy(() => decoder.step(tf.tensor1d(ids, 'int32'), tf.tensor1d(positions, 'int32')));
    const values = await logits.data();
    logits.dispose();
    for (let b = 0; b < batch; b++) {
      if (done[b]) continue;
      const next = sampleFromLogits(values.subarray(b * vocab, (b + 1) * vocab), opts, rng);
      tokens[b * length + cursor[b]!] = next;
      cursor[b]!++;
      if (next === EOS_ID || budget(state, b, opts.maxNewTokens) === 0) done[b] = true;
    }
  }
}

/** Each image token kept independently with probability keepProb (BDHS: keep iff u >= rho_th). */
export function imageKeepMask(batch: number, keepProb: number, rng: { next(): number }): tf.Tensor2D {
  const keep = new Float32Array(batch * IMAGE_TOKENS);
  for (let i = 0; i < keep.length; i++) keep[i] = rng.next() < keepProb ? 1 : 0;
  return tf.tensor2d(keep, [batch, IMAGE_TOKENS]);
}
