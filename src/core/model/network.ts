import * as tf from '../tf';
import { IMAGE_TOKENS, patchSize, type ModelConfig } from './config';
import { dense, dense3, gelu, layerNorm, softmax } from './layers';
import { matMul } from './matmul';
import { tokenId } from '../world/tokenizer';
import { POSITIONS } from '../world/vocabulary';
import type { Weights } from './weights';

/**
 * The vision-language model, LLaVA-style, as plain functions over named weights:
 *   image -> patch encoder (3x3 grid of features) -> MLP projector -> 9 image tokens,
 *   [image tokens; <bos> prompt <sep> response] -> causal transformer decoder -> next-word logits.
 * Read it top to bottom like nanoGPT's model.py.
 */

const NEG_INF = -1e9;

/**
 * [B, H, W, C] -> [B, H/k, W/k, k*k*C]: cut into k x k blocks, each flattened (a ViT patchify
 * written with reshapes, which every backend can differentiate; WASM has no conv gradients).
 */
function patchify(x: tf.Tensor4D, k: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const rows = x.reshape([b * (h / k), k, w / k, k * c]).transpose([0, 2, 1, 3]);
  return rows.reshape([b, h / k, w / k, k * k * c]);
}

/** The vision encoder alone: images [B, S, S, 3] in [0, 1] -> cell features [B, 9, c2]. */
export function visionFeatures(weights: Weights, config: ModelConfig, images: tf.Tensor4D): tf.Tensor3D {
  if (images.shape[1] !== config.imageSize) throw new Error(`images are ${images.shape[1]} px; this model reads ${config.imageSize} px`);
  const patches = patchify(tf.sub<tf.Tensor4D>(images, 0.5), patchSize(config)); // [B, 6, 6, p*p*3]
  const patchFeatures = gelu(dense(patches, weights, 'vision.patch')) as tf.Tensor4D;
  const cells = patchify(patchFeatures, 2); // [B, 3, 3, 4 * c1]
  return gelu(dense(cells, weights, 'vision.merge')).reshape<tf.Tensor3D>([-1, IMAGE_TOKENS, config.visionChannels[1]]);
}

/**
 * Each image token is tagged with the embedding of its cell's position word ("top-left" ...), as
 * Kosmos-2 and Shikra share location tokens between image and text: when the caption names a
 * cell, the query of that word matches the key of that cell, so reading the cell's colour and
 * shape is a plain lookup rather than a pairing the decoder must discover (without this the
 * model learned where objects are long before what they are).
 */
const POSITION_WORD_ONE_HOT = (vocabSize: number) =>
  tf
    .oneHot(
      tf.tensor1d(
        POSITIONS.map((p) => tokenId(p)),
        'int32',
      ),
      vocabSize,
    )
    .toFloat();

/** images [B, S, S, 3] in [0, 1] -> image tokens [B, 9, d], one per grid cell. */
export function encodeImages(weights: Weights, config: ModelConfig, images: tf.Tensor4D): tf.Tensor3D {
  const cellFeatures = visionFeatures(weights, config, images);
  const projected = dense(gelu(dense(cellFeatures, weights, 'projector.fc1')), weights, 'projector.fc2');
  const cellTags = dense3(POSITION_WORD_ONE_HOT(config.vocabSize), weights['text.tokens'] as tf.Tensor2D);
  return tf.add<tf.Tensor3D>(tf.add(projected, cellTags), weights['image.pos']!);
}

/** Additive attention bias [B or 1, 1, L, L]: causal, and optionally hiding masked image tokens. */
function attentionBias(length: number, imageKeep?: tf.Tensor2D): tf.Tensor {
  // Written from JS: tf.linalg.bandPart costs ~10 kernels (Select, LogicalAnd, ...) per forward pass.
  const causal = new Float32Array(length * length);
  for (let query = 0; query < length; query++) causal.fill(NEG_INF, query * length + query + 1, (query + 1) * length);
  let bias: tf.Tensor = tf.tensor4d(causal, [1, 1, length, length]);
  if (imageKeep) {
    // BDHS: a masked image token is invisible to every query (each token still sees itself,
    // so a row never has all keys hidden).
    const batch = imageKeep.shape[0];
    const keyKeep = tf.concat([imageKeep, tf.ones([batch, length - IMAGE_TOKENS])], 1);
    const keyBias = tf.mul(tf.sub(1, keyKeep), NEG_INF).reshape([batch, 1, 1, length]);
    const self = tf.mul(tf.eye(length), -NEG_INF).reshape([1, 1, length, length]);
    bias = tf.minimum(tf.add(bias, tf.add(keyBias, self)), 0);
  }
  return bias;
}

/** Keys and values of one layer, [B, heads, L, headDim]: what a generation cache keeps. */
export interface LayerKeyValues {
  keys: tf.Tensor4D;
  values: tf.Tensor4D;
}

/** [B, L, 3d] -> q, k, v as [B, heads, L, headDim]. */
export function splitHeads(qkv: tf.Tensor, heads: number): tf.Tensor4D[] {
  const [batch, length, threeD] = qkv.shape as [number, number, number];
  const headDim = threeD / 3 / heads;
  return tf.split(qkv, 3, -1).map((t) => t.reshape([batch, length, heads, headDim]).transpose<tf.Tensor4D>([0, 2, 1, 3]));
}

function attention(
  x: tf.Tensor3D,
  weights: Weights,
  config: ModelConfig,
  name: string,
  bias: tf.Tensor,
  capture?: LayerKeyValues[],
): tf.Tensor3D {
  const [batch, length, d] = x.shape;
  const headDim = d / config.nHeads;
  const [q, k, v] = splitHeads(dense(x, weights, `${name}.qkv`), config.nHeads);
  capture?.push({ keys: k!, values: v! });
  const scores = tf.add(tf.mul(matMul(q!, k!, true), 1 / Math.sqrt(headDim)), bias);
  const mixed = matMul(softmax(scores), v!).transpose([0, 2, 1, 3]).reshape([batch, length, d]);
  return dense(mixed, weights, `${name}.proj`) as tf.Tensor3D;
}

function block(
  x: tf.Tensor3D,
  weights: Weights,
  config: ModelConfig,
  index: number,
  bias: tf.Tensor,
  capture?: LayerKeyValues[],
): tf.Tensor3D {
  const p = `block${index}.`;
  const h = tf.add(x, attention(layerNorm(x, weights, `${p}ln1`) as tf.Tensor3D, weights, config, `${p}attn`, bias, capture));
  const mlp = dense(gelu(dense(layerNorm(h, weights, `${p}ln2`), weights, `${p}mlp.fc`)), weights, `${p}mlp.proj`);
  return tf.add<tf.Tensor3D>(h, mlp);
}

/**
 * Decoder hidden states for the text positions: [B, T, d].
 * imageTokens [B, 9, d]; tokens [B, T] int32; imageKeep [B, 9] of 0/1 (optional, BDHS masking).
 * `capture` receives each layer's keys and values (generation's cache).
 */
export function decodeText(
  weights: Weights,
  config: ModelConfig,
  imageTokens: tf.Tensor3D,
  tokens: tf.Tensor2D,
  imageKeep?: tf.Tensor2D,
  capture?: LayerKeyValues[],
): tf.Tensor3D {
  const textLength = tokens.shape[1];
  // Embedding lookup as one-hot x matrix: its gradient is a matmul, which every backend has
  // (gather's gradient needs UnsortedSegmentSum, missing on WASM). The vocabulary is tiny.
  const oneHot = tf.oneHot(tokens, config.vocabSize).toFloat();
  const embedded = dense3(oneHot, weights['text.tokens'] as tf.Tensor2D);
  const text = tf.add(embedded, weights['text.pos']!.slice([0, 0], [textLength, -1]));
  let x = tf.concat([imageTokens, text], 1) as tf.Tensor3D;
  const bias = attentionBias(IMAGE_TOKENS + textLength, imageKeep);
  for (let i = 0; i < config.nLayers; i++) x = block(x, weights, config, i, bias, capture);
  const textStates = x.slice([0, IMAGE_TOKENS, 0], [-1, -1, -1]);
  return layerNorm(textStates, weights, 'final.ln') as tf.Tensor3D;
}

/** Next-word logits from hidden states [..., d] -> [..., V] (output head tied to the embedding). */
export function logitsFromStates(weights: Weights, states: tf.Tensor): tf.Tensor {
  const d = states.shape[states.shape.length - 1]!;
  const flat = states.reshape<tf.Tensor2D>([-1, d]);
  const logits = matMul(flat, weights['text.tokens']!, true);
  return logits.reshape([...states.shape.slice(0, -1), logits.shape[1]!]);
}

/** Full forward pass: logits [B, T, V] for every text position. */
export function forwardLogits(
  weights: Weights,
  config: ModelConfig,
  images: tf.Tensor4D,
  tokens: tf.Tensor2D,
  imageKeep?: tf.Tensor2D,
): tf.Tensor3D {
  const imageTokens = encodeImages(weights, config, images);
  return logitsFromStates(weights, decodeText(weights, config, imageTokens, tokens, imageKeep)) as tf.Tensor3D;
}
