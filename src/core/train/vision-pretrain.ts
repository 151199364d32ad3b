import * as tf from '../tf';
import { createRng } from '../random';
import { IMAGE_TOKENS, type ModelConfig } from '../model/config';
import { visionFeatures } from '../model/network';
import { imagesTensor } from '../model/sequence';
import type { TrainableWeights } from '../model/weights';
import type { WorldConfig } from '../world/config';
import { renderScene } from '../world/render';
import { rowCells, sampleScene } from '../world/scene';
import { signIsOrder, signTarget } from '../world/sign';
import { COLOURS, SHAPES } from '../world/vocabulary';
import { PackedAdam } from './optimizer';

/**
 * Stage 0, a stand-in for CLIP: LLaVA starts from a vision encoder that already recognises
 * objects. Here the encoder learns to tell, for each grid cell, which shape (or none) and which
 * colour it holds, through a linear probe that is thrown away afterwards; a cell under a sign is
 * its own class, and the probe also reads the sign's shape word and whether it is an order ("say"),
 * as CLIP learned to read text in images. Labels come from the true scenes (a different, clean
 * dataset, as CLIP's is), not from the flawed SFT captions.
 */
export async function pretrainVision(
  weights: TrainableWeights,
  config: ModelConfig,
  world: WorldConfig,
  options: { steps: number; batchSize: number; learningRate: number; seed: number },
): Promise<number> {
  // Per cell: nothing / a shape / a sign; the colour; the sign's shape word; order or label.
  const shapeClasses = 2 + SHAPES.length;
  const signClass = 1 + SHAPES.length;
  const classes = shapeClasses + COLOURS.length + SHAPES.length + 2;
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
    const signWordLabels = new Int32Array(options.batchSize * IMAGE_TOKENS);
    const orderLabels = new Int32Array(options.batchSize * IMAGE_TOKENS);
    const signed = new Float32Array(options.batchSize * IMAGE_TOKENS);
    scenes.forEach((scene, b) => {
      for (const o of scene.objects) {
        shapeLabels[b * IMAGE_TOKENS + o.cell] = 1 + SHAPES.indexOf(o.shape);
        colourLabels[b * IMAGE_TOKENS + o.cell] = COLOURS.indexOf(o.colour);
        occupied[b * IMAGE_TOKENS + o.cell] = 1;
      }
      const target = scene.sign && signTarget(scene.sign);
      if (scene.sign) {
        for (const cell of rowCells(scene.sign.row)) {
          shapeLabels[b * IMAGE_TOKENS + cell] = signClass;
          signWordLabels[b * IMAGE_TOKENS + cell] = target ? SHAPES.indexOf(target) : 0;
          orderLabels[b * IMAGE_TOKENS + cell] = signIsOrder(scene.sign) ? 1 : 0;
          signed[b * IMAGE_TOKENS + cell] = target ? 1 : 0;
        }
      }
    });
    const images = imagesTensor(scenes.map((s) => renderScene(s, world.imageSize, world.noise)));
    const shapeTargets = tf.oneHot(tf.tensor1d(shapeLabels, 'int32'), shapeClasses);
    const colourTargets = tf.oneHot(tf.tensor1d(colourLabels, 'int32'), COLOURS.length);
    const signWordTargets = tf.oneHot(tf.tensor1d(signWordLabels, 'int32'), SHAPES.length);
    const orderTargets = tf.oneHot(tf.tensor1d(orderLabels, 'int32'), 2);
    const mask = tf.tensor1d(occupied);
    const signMask = tf.tensor1d(signed);
    const { loss, gradNorm, applied } = optimizer.step(
      () =>
        tf.tidy(() => {
          const features = visionFeatures(weights, config, images).reshape([-1, config.visionChannels[1]]);
          const logits = tf.add(tf.matMul(features as tf.Tensor2D, probe.w), probe.b);
          const head = (start: number, size: number) => tf.logSoftmax(logits.slice([0, start], [-1, size]));
          const crossEntropy = (targets: tf.Tensor, logProbs: tf.Tensor) => tf.neg(tf.sum(tf.mul(targets, logProbs), 1));
          const maskedMean = (values: tf.Tensor, m: tf.Tensor) => tf.div(tf.sum(tf.mul(values, m)), tf.maximum(tf.sum(m), 1));
          const shapeLoss = tf.mean(crossEntropy(shapeTargets, head(0, shapeClasses)));
          const colourLoss = maskedMean(crossEntropy(colourTargets, head(shapeClasses, COLOURS.length)), mask);
          const signStart = shapeClasses + COLOURS.length;
          const signWordLoss = maskedMean(crossEntropy(signWordTargets, head(signStart, SHAPES.length)), signMask);
          const orderLoss = maskedMean(crossEntropy(orderTargets, head(signStart + SHAPES.length, 2)), signMask);
          return tf.addN([shapeLoss, colourLoss, signWordLoss, orderLoss]) as tf.Scalar;
        }),
      1,
    );
    tf.dispose([images, shapeTargets, colourTargets, signWordTargets, orderTargets, mask, signMask, gradNorm, applied]);
    if (step === options.steps - 1) lastLoss = (await loss.data())[0]!;
    loss.dispose();
  }
  optimizer.dispose();
  probe.w.dispose();
  probe.b.dispose();
  return lastLoss;
}
