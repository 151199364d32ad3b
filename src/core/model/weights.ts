import * as tf from '../tf';
import { createRng, type Rng } from '../random';
import { weightShapes, type ModelConfig } from './config';

/** All weights of a model by name. Variables when trainable; plain tensors for a frozen copy. */
export type Weights = Record<string, tf.Tensor>;
export type TrainableWeights = Record<string, tf.Variable>;

/**
 * GPT-2 style init: N(0, 0.02), zero biases, unit LayerNorm gains. The vision encoder and the
 * projector get He init instead, so image tokens start with as much signal as the text embeddings.
 */
export function initWeights(config: ModelConfig, seed: number): TrainableWeights {
  const rng = createRng(seed);
  const weights: TrainableWeights = {};
  for (const [name, shape] of Object.entries(weightShapes(config))) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (name.endsWith('.g')) values.fill(1);
    else if (!name.endsWith('.b')) {
      const fanIn = name.startsWith('vision.') || name.startsWith('projector.') ? shape[0]! : 0;
      let std = fanIn > 0 ? Math.sqrt(2 / fanIn) : 0.02;
      // Residual projections scaled down by depth (GPT-2).
      if (name.endsWith('proj.w')) std /= Math.sqrt(2 * config.nLayers);
      for (let i = 0; i < size; i++) values[i] = gaussian(rng, std);
    }
    // tfjs variable names are global: let tfjs make them unique so several models can coexist.
    // Made inside tidy: a variable shares its initial tensor's data, and that tensor would otherwise stay alive.
    weights[name] = tf.tidy(() => tf.variable(tf.tensor(values, shape), true));
  }
  return weights;
}

function gaussian(rng: Rng, std: number): number {
  const u = Math.max(rng.next(), 1e-12);
  return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * A trainable copy (a run's policy): variables that start from `weights`, which stay as they are.
 * Made inside tidy: a variable shares its initial tensor's data.
 */
export function trainableCopy(weights: Weights): TrainableWeights {
  return Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, tf.tidy(() => tf.variable(w, true))]));
}

/** A frozen copy (the DPO reference model): same values, not trainable. */
export function frozenCopy(weights: Weights): Weights {
  return Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, tf.keep(w.clone())]));
}

export function disposeWeights(weights: Weights): void {
  for (const w of Object.values(weights)) w.dispose();
}

/** Copy values from `source` into trainable `target` (same names and shapes). */
export function assignWeights(target: TrainableWeights, source: Weights): void {
  for (const [name, variable] of Object.entries(target)) variable.assign(source[name]!);
}

/** Everything but the vision encoder: what SFT and DPO train (the encoder stays frozen, as in LLaVA). */
export function decoderWeights<W extends Weights>(weights: W): W {
  return Object.fromEntries(Object.entries(weights).filter(([name]) => !name.startsWith('vision.'))) as W;
}
