import type { Rng } from '../random';
import { CELL_COUNT, COLOURS, SHAPES, type Colour, type Shape } from './vocabulary';
import type { WorldConfig } from './config';

export interface SceneObject {
  shape: Shape;
  colour: Colour;
  /** Grid cell in reading order, 0 (top-left) to 8 (bottom-right). */
  cell: number;
  /** Size as a fraction of the cell (0.55 to 0.95). */
  scale: number;
  /** Offset of the centre from the cell centre, in pixels. */
  dx: number;
  dy: number;
}

/** The ground truth of one image. Shapes are unique within a scene, so "the star" is unambiguous. */
export interface Scene {
  objects: SceneObject[];
  /** Seed of the background noise, so rendering is a pure function of the scene. */
  noiseSeed: number;
}

/** The partner of a shape under the co-occurrence bias, if it has one (like fork and knife). */
export function partnerOf(shape: Shape, config: WorldConfig): Shape | undefined {
  for (const [a, b] of config.cooccurringPairs) {
    if (a === shape) return b;
    if (b === shape) return a;
  }
  return undefined;
}

export function sampleScene(rng: Rng, config: WorldConfig): Scene {
  const count = rng.intBetween(config.minObjects, config.maxObjects);
  const shapes: Shape[] = [];
  while (shapes.length < count) {
    const shape = rng.pick(SHAPES.filter((s) => !shapes.includes(s)));
    shapes.push(shape);
    // Co-occurrence bias: a shape brings its partner along most of the time.
    const partner = partnerOf(shape, config);
    if (partner && shapes.length < count && !shapes.includes(partner) && rng.chance(config.cooccurrenceBias)) {
      shapes.push(partner);
    }
  }
  const cells = rng.shuffle(Array.from({ length: CELL_COUNT }, (_, i) => i)).slice(0, count);
  const objects = shapes.map((shape, i) => ({
    shape,
    colour: rng.pick(COLOURS),
    cell: cells[i]!,
    scale: 0.55 + 0.4 * rng.next(),
    dx: (rng.next() * 2 - 1) * config.jitterPx,
    dy: (rng.next() * 2 - 1) * config.jitterPx,
  }));
  objects.sort((a, b) => a.cell - b.cell);
  return { objects, noiseSeed: rng.int(2 ** 31) };
}

export function sampleScenes(rng: Rng, config: WorldConfig, count: number): Scene[] {
  return Array.from({ length: count }, () => sampleScene(rng, config));
}

export function sceneShapes(scene: Scene): Set<Shape> {
  return new Set(scene.objects.map((o) => o.shape));
}
