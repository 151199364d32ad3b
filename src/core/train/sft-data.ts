import type { Rng } from '../random';
import { annotateScene, exampleFromAnnotation, type Example } from '../world/tasks';
import { renderScene } from '../world/render';
import { sampleScene, type Scene } from '../world/scene';
import type { WorldConfig } from '../world/config';
import { encodeText, makeSequenceBatch, type SequenceBatch } from '../model/sequence';

export interface SftExample extends Example {
  scene: Scene;
  image: Float32Array;
}

/** An endless stream of SFT examples from the (flawed) annotator, deterministic from its rng. */
export function sampleSftExample(rng: Rng, world: WorldConfig): SftExample {
  const scene = sampleScene(rng, world);
  const mentions = annotateScene(scene, rng, world);
  const example = exampleFromAnnotation(mentions, rng);
  return { ...example, scene, image: renderScene(scene, world.imageSize, world.noise) };
}

export function sampleSftBatch(rng: Rng, world: WorldConfig, batchSize: number): SequenceBatch {
  const examples = Array.from({ length: batchSize }, () => sampleSftExample(rng, world));
  return makeSequenceBatch(
    examples.map((e) => e.image),
    examples.map((e) => encodeText(e.prompt, e.answer)),
  );
}
