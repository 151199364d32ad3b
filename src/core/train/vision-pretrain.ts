import * as tf from '../tf';
import { createRng } from '../random';
import { IMAGE_TOKENS, type ModelConfig } from '../model/config';
import { visionFeatures } from '../model/network';
import { imagesTensor } from '../model/sequence';
import type { TrainableWeights } from '../model/weights';
import type { WorldConfig } from '../world/config';
import { renderScene } from '../world/render';
import { sampleScene } from '../world/scene';
import { COLOURS, SHAPES } from '../world/vocabulary';
import { PackedAdam } from './optimizer';

/**
 * Stage 0, a stand-in for CLIP: LLaVA starts from a vision encoder that already recognises
 * objects. Here the encoder learns to tell, for each grid cell, which shape (or none) and which
 * colour it holds, through a linear probe that is thrown away afterwards. Labels come from the
 * true scenes (a different, clean dataset, as CLIP's is), not from the flawed SFT captions.
 */
export async function pretrainVision(
  weights: TrainableWeights,
  config: ModelConfig,
  world: WorldConfig,
  options: { steps: number; batchSize: number; learningRate: number; seed: number },
): Promise<number> {
  const classes = 1 + SHAPES.length + COLOURS.length;
  const rng = createRng(options.seed + 7);
  const probe = {
    w: tf.variable(tf.randomNormal([config.visionChannels[1], classes], 0, 0.05, 'float32', options.seed)),
    b: tf.variable(tf.zeros([classes])),
  };
  const visionWeights = Object.fromEntries(Object.entries(weights).filter(([name]) => name.startsWith('vision.')));
  const trainable = { ...visionWeights, 'probe.w': probe.w, 'probe.b': probe.b };
  const optimizer = new PackedAdam(trainable, options.learningRate);
  let lastLoss = NaN;
  for (let step = 0; step < options.steps; step++) {
    const scenes = Array.from({ length: options.batchSize }, () => sampleScene(rng, world));
    const shapeLabels = new Int32Array(options.batchSize * IMAGE_TOKENS);
    const colourLabels = new Int32Array(options.batchSize * IMAGE_TOKENS);
    const occupied = new Float32Array(options.batchSize * IMAGE_TOKENS);
    scenes.forEach((scene, b) => {
      for (const o of scene.objects) {
        shapeLabels[b * IMAGE_TOKENS + o.cell] = 1 + SHAPES.indexOf(o.shape);
        colourLabels[b * IMAGE_TOKENS + o.cell] = COLOURS.indexOf(o.colour);
        occupied[b * IMAGE_TOKENS + o.cell] = 1;
      }
    });
    const images = imagesTensor(scenes.map((s) => renderScene(s, world.imageSize, world.noise)));
    const shapeTargets = tf.oneHot(tf.tensor1d(shapeLabels, 'int32'), 1 + SHAPES.length);
    const colourTargets = tf.oneHot(tf.tensor1d(colourLabels, 'int32'), COLOURS.length);
    const mask = tf.tensor1d(occupied);
    const { loss, gradNorm, applied } = optimizer.step(
      () =>
        tf.tidy(() => {
          const features = visionFeatures(weights, config, images).reshape([-1, config.visionChannels[1]]);
          const logits = tf.add(tf.matMul(features as tf.Tensor2D, probe.w), probe.b);
          const shapeLogits = logits.slice([0, 0], [-1, 1 + SHAPES.length]);
          const colourLogits = logits.slice([0, 1 + SHAPES.length], [-1, COLOURS.length]);
          const shapeLoss = tf.neg(tf.mean(tf.sum(tf.mul(shapeTargets, tf.logSoftmax(shapeLogits)), 1)));
          const colourCe = tf.neg(tf.sum(tf.mul(colourTargets, tf.logSoftmax(colourLogits)), 1));
          const colourLoss = tf.div(tf.sum(tf.mul(colourCe, mask)), tf.maximum(tf.sum(mask), 1));
          return tf.add(shapeLoss, colourLoss) as tf.Scalar;
        }),
      1,
    );
    tf.dispose([images, shapeTargets, colourTargets, mask, gradNorm, applied]);
    if (step === options.steps - 1) lastLoss = (await loss.data())[0]!;
    loss.dispose();
  }
  optimizer.dispose();
  probe.w.dispose();
  probe.b.dispose();
  return lastLoss;
}
