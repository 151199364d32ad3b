import * as tf from '../tf';
import { BOS_ID, EOS_ID, PAD_ID, SEP_ID, encode } from '../world/tokenizer';
import { MAX_PROMPT_TOKENS, MAX_RESPONSE_TOKENS, TEXT_LENGTH } from './config';

/** Layout of one text sequence: <bos> prompt <sep> response <eos> <pad>... */
export interface EncodedText {
  tokens: Int32Array;
  /** 1 where the token is a response token (or its <eos>) that the model is scored on. */
  targetMask: Float32Array;
  /** Index of the first response token. */
  responseStart: number;
}

export function encodePrompt(prompt: string): number[] {
  const ids = encode(prompt);
  if (ids.length > MAX_PROMPT_TOKENS) throw new Error(`prompt "${prompt}" has ${ids.length} words; at most ${MAX_PROMPT_TOKENS}`);
  return ids;
}

/** Encode prompt and response; a response longer than fits is cut (and then has no <eos>). */
export function encodeText(prompt: string, response: string | number[]): EncodedText {
  const tokens = new Int32Array(TEXT_LENGTH).fill(PAD_ID);
  const targetMask = new Float32Array(TEXT_LENGTH);
  const promptIds = encodePrompt(prompt);
  let t = 0;
  tokens[t++] = BOS_ID;
  for (const id of promptIds) tokens[t++] = id;
  tokens[t++] = SEP_ID;
  const responseStart = t;
  const responseIds = typeof response === 'string' ? [...encode(response), EOS_ID] : response;
  for (const id of responseIds.slice(0, MAX_RESPONSE_TOKENS)) {
    if (t >= TEXT_LENGTH) break;
    targetMask[t] = 1;
    tokens[t++] = id;
    if (id === EOS_ID) break;
  }
  return { tokens, targetMask, responseStart };
}

/** A batch on the device: images [B, S, S, 3], tokens [B, T], targetMask [B, T]. */
export interface SequenceBatch {
  images: tf.Tensor4D;
  tokens: tf.Tensor2D;
  targetMask: tf.Tensor2D;
}

/** Square RGB images of one size (the side is read from the pixel count) -> [B, S, S, 3]. */
export function imagesTensor(images: readonly Float32Array[]): tf.Tensor4D {
  const pixelsPerImage = images[0]?.length ?? 0;
  const side = Math.round(Math.sqrt(pixelsPerImage / 3));
  if (side * side * 3 !== pixelsPerImage || images.some((image) => image.length !== pixelsPerImage)) {
    throw new Error(`images must be square RGB images of one size (got ${[...new Set(images.map((i) => i.length))].join(', ')} values)`);
  }
  const data = new Float32Array(images.length * pixelsPerImage);
  images.forEach((image, i) => data.set(image, i * pixelsPerImage));
  return tf.tensor4d(data, [images.length, side, side, 3]);
}

/**
 * Text columns a batch needs: up to the last token any of its texts uses. Later columns hold only
 * padding, and with causal attention and absolute positions they change nothing before them, so
 * dropping them leaves every log-probability as it was while short captions cost less.
 */
export function usedTextLength(texts: readonly EncodedText[]): number {
  let used = 1;
  for (const text of texts) {
    for (let t = text.tokens.length - 1; t >= used; t--) {
      if (text.tokens[t] !== PAD_ID) {
        used = t + 1;
        break;
      }
    }
  }
  return used;
}

export function makeSequenceBatch(images: readonly Float32Array[], texts: readonly EncodedText[]): SequenceBatch {
  const batch = texts.length;
  const length = usedTextLength(texts);
  const tokens = new Int32Array(batch * length);
  const mask = new Float32Array(batch * length);
  texts.forEach((text, i) => {
    tokens.set(text.tokens.subarray(0, length), i * length);
    mask.set(text.targetMask.subarray(0, length), i * length);
  });
  return {
    images: imagesTensor(images),
    tokens: tf.tensor2d(tokens, [batch, length], 'int32'),
    targetMask: tf.tensor2d(mask, [batch, length]),
  };
}

export function disposeBatch(batch: SequenceBatch): void {
  batch.images.dispose();
  batch.tokens.dispose();
  batch.targetMask.dispose();
}
