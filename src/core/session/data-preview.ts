/** The Data panel's preview: scenes of the configured world with what the flawed annotator wrote. */
import { markCaption, type MarkedCaption } from '../eval/annotate';
import { createRng } from '../random';
import type { WorldConfig } from '../world/config';
import { renderScene, toRgba } from '../world/render';
import { sampleScene } from '../world/scene';
import { annotateScene, describeMentions, sceneInWords } from '../world/tasks';

export interface PreviewScene {
  rgba: Uint8ClampedArray;
  size: number;
  truth: string;
  /** The SFT annotator's caption, marked against the truth (its hallucinations struck through). */
  annotated: MarkedCaption;
}

export function previewScenes(world: WorldConfig, seed: number, count: number): PreviewScene[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const scene = sampleScene(rng, world);
    return {
      rgba: toRgba(renderScene(scene, world.imageSize, world.noise)),
      size: world.imageSize,
      truth: sceneInWords(scene),
      annotated: markCaption(describeMentions(annotateScene(scene, rng, world)), scene),
    };
  });
}
