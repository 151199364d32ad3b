import * as tf from '../tf';
import { IMAGE_TOKENS, type ModelConfig } from './config';
import { dense, gelu, layerNorm, softmax } from './layers';
import { matMul } from './matmul';
import { decodeText, logitsFromStates, splitHeads, type LayerKeyValues } from './network';
import type { Weights } from './weights';

const NEG_INF = -1e9;

/**
 * Generation's decoder with a key/value cache. One pass over the starting tokens (image, prompt
 * and any forced prefix) fills each layer's keys and values (prefill); the cache has room for
 * `textLength` text positions, and each new word runs the decoder for a single position per row,
 * attending to the cache, instead of re-running every position. Rows advance independently: each
 * writes its keys and values at its own position (slots past a row's position hold padding's keys
 * until then, which its causal mask hides).
 */
export class CachedDecoder {
  private layers: LayerKeyValues[];
  /** [B, 1, 1, L]: the BDHS image mask as an additive bias on image keys (zero without one). */
  private readonly imageBias: tf.Tensor;
  private readonly length: number;

  constructor(
    private readonly weights: Weights,
    private readonly config: ModelConfig,
    imageTokens: tf.Tensor3D,
    tokens: tf.Tensor2D,
    imageKeep: tf.Tensor2D | undefined,
    textLength: number,
  ) {
    const batch = tokens.shape[0];
    const unfilled = textLength - tokens.shape[1];
    if (unfilled < 0) throw new Error(`${tokens.shape[1]} starting tokens do not fit a cache of ${textLength}`);
    this.length = IMAGE_TOKENS + textLength;
    this.layers = tf.tidy(() => {
      const capture: LayerKeyValues[] = [];
      decodeText(weights, config, imageTokens, tokens, imageKeep, capture);
      const room = (x: tf.Tensor4D) =>
        tf.keep(
          unfilled === 0
            ? x
            : tf.pad(x, [
                [0, 0],
                [0, 0],
                [0, unfilled],
                [0, 0],
              ]),
        );
      return capture.map(({ keys, values }) => ({ keys: room(keys), values: room(values) }));
    });
    this.imageBias = tf.tidy(() => {
      if (!imageKeep) return tf.zeros([1, 1, 1, this.length]);
      const keyKeep = tf.concat([imageKeep, tf.ones([batch, textLength])], 1);
      return tf.mul(tf.sub(1, keyKeep), NEG_INF).reshape([batch, 1, 1, this.length]);
    });
  }

  /**
   * Next-word logits [B, V] of each row, given the token each row last wrote (`tokenIds`, [B]
   * int32) at its text position (`positions`, [B] int32). Its keys and values join the cache.
   */
  step(tokenIds: tf.Tensor1D, positions: tf.Tensor1D): tf.Tensor2D {
    const { weights, config } = this;
    const batch = tokenIds.shape[0];
    const d = config.dModel;
    const headDim = d / config.nHeads;
    const next: LayerKeyValues[] = [];
    const logits = tf.tidy(() => {
      const slot = tf.add<tf.Tensor1D>(positions, tf.scalar(IMAGE_TOKENS, 'int32'));
      const write = tf.oneHot(slot, this.length).toFloat().reshape([batch, 1, this.length, 1]);
      const keep = tf.sub(1, write);
      // Causal: a row's query sees the keys up to its own slot.
      const visible = tf.lessEqual(tf.range(0, this.length, 1, 'int32').reshape([1, this.length]), slot.reshape([batch, 1]));
      const bias = tf.add(tf.mul(tf.sub(1, tf.cast(visible, 'float32')), NEG_INF).reshape([batch, 1, 1, this.length]), this.imageBias);
      let x = tf.add(tf.gather(weights['text.tokens']!, tokenIds), tf.gather(weights['text.pos']!, positions)).reshape([batch, 1, d]);
      this.layers.forEach((cache, i) => {
        const p = `block${i}.`;
        const [q, k, v] = splitHeads(dense(layerNorm(x, weights, `${p}ln1`), weights, `${p}attn.qkv`), config.nHeads);
        const keys = tf.add<tf.Tensor4D>(tf.mul(cache.keys, keep), tf.mul(k!, write));
        const values = tf.add<tf.Tensor4D>(tf.mul(cache.values, keep), tf.mul(v!, write));
        next.push({ keys: tf.keep(keys), values: tf.keep(values) });
        const scores = tf.add(tf.mul(matMul(q!, keys, true), 1 / Math.sqrt(headDim)), bias);
        const mixed = matMul(softmax(scores), values).transpose([0, 2, 1, 3]).reshape([batch, 1, d]);
        x = tf.add(x, dense(mixed, weights, `${p}attn.proj`));
        x = tf.add(x, dense(gelu(dense(layerNorm(x, weights, `${p}ln2`), weights, `${p}mlp.fc`)), weights, `${p}mlp.proj`));
      });
      return logitsFromStates(weights, layerNorm(x, weights, 'final.ln')).reshape<tf.Tensor2D>([batch, -1]);
    });
    this.disposeCache();
    this.layers = next;
    return logits;
  }

  private disposeCache(): void {
    for (const { keys, values } of this.layers) tf.dispose([keys, values]);
  }

  dispose(): void {
    this.disposeCache();
    this.imageBias.dispose();
  }
}
