import * as tf from '../tf';
import type { ModelConfig } from './config';
import { decodeText, encodeImages, logitsFromStates } from './network';
import { encodeText, imagesTensor } from './sequence';
import type { Weights } from './weights';

/**
 * Log-probabilities of the first response word for each (image, prompt): [N][V]. Used to read a
 * model's yes/no (P(yes) vs P(no)) without sampling, as RLAIF-V's self-judge does.
 */
export async function firstWordLogProbs(
  weights: Weights,
  config: ModelConfig,
  images: readonly Float32Array[],
  prompts: readonly string[],
  batchSize = 128,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < prompts.length; start += batchSize) {
    const end = Math.min(prompts.length, start + batchSize);
    const texts = prompts.slice(start, end).map((p) => encodeText(p, []));
    const rows = texts.map((t, i) => i * config.textLength + t.responseStart - 1);
    const logProbs = tf.tidy(() => {
      const tokens = new Int32Array(texts.length * config.textLength);
      texts.forEach((t, i) => tokens.set(t.tokens, i * config.textLength));
      const imageTokens = encodeImages(weights, config, imagesTensor(images.slice(start, end)));
      const states = decodeText(weights, config, imageTokens, tf.tensor2d(tokens, [texts.length, config.textLength], 'int32'));
      const last = tf.gather(states.reshape([texts.length * config.textLength, -1]), rows);
      return tf.logSoftmax(logitsFromStates(weights, last));
    });
    const values = await logProbs.data();
    logProbs.dispose();
    for (let i = 0; i < texts.length; i++) out.push(values.slice(i * config.vocabSize, (i + 1) * config.vocabSize) as Float32Array);
  }
  return out;
}
