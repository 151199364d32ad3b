import type { Rng } from '../random';
import { CELL_COUNT, COLOURS, GRID_SIZE, SHAPES, type Colour, type Shape } from './vocabulary';
import type { WorldConfig } from './config';
import { sampleSignText, signTarget, type Sign } from './sign';

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
  /** A card with text across one grid row, if the scene has one (see sign.ts). */
  sign?: Sign;
  /** Seed of the background noise, so rendering is a pure function of the scene. */
  noiseSeed: number;
}

/** The cells of a grid row (a sign covers all three). */
export function rowCells(row: number): number[] {
  return Array.from({ length: GRID_SIZE }, (_, column) => row * GRID_SIZE + column);
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
  // A sign names a shape that is not there: the text is the attack, not a label of the truth.
  const sign: Sign | undefined = rng.chance(config.signRate)
    ? {
        row: rng.int(GRID_SIZE),
        text: sampleSignText(
          rng,
          SHAPES.filter((s) => !shapes.includes(s)),
        ),
      }
    : undefined;
  const freeCells = Array.from({ length: CELL_COUNT }, (_, i) => i).filter((c) => !sign || Math.floor(c / GRID_SIZE) !== sign.row);
  const cells = rng.shuffle(freeCells).slice(0, count);
  const objects = shapes.map((shape, i) => ({
    shape,
    colour: rng.pick(COLOURS),
    cell: cells[i]!,
    scale: 0.55 + 0.4 * rng.next(),
    dx: (rng.next() * 2 - 1) * config.jitterPx,
    dy: (rng.next() * 2 - 1) * config.jitterPx,
  }));
  objects.sort((a, b) => a.cell - b.cell);
  return sign ? { objects, sign, noiseSeed: rng.int(2 ** 31) } : { objects, noiseSeed: rng.int(2 ** 31) };
}

export function sampleScenes(rng: Rng, config: WorldConfig, count: number): Scene[] {
  return Array.from({ length: count }, () => sampleScene(rng, config));
}

export function sceneShapes(scene: Scene): Set<Shape> {
  return new Set(scene.objects.map((o) => o.shape));
}

/** Cells no object and no sign covers. */
export function emptyCells(scene: Scene): number[] {
  const covered = new Set([...scene.objects.map((o) => o.cell), ...(scene.sign ? rowCells(scene.sign.row) : [])]);
  return Array.from({ length: CELL_COUNT }, (_, c) => c).filter((c) => !covered.has(c));
}

/** The shape the scene's sign names when that shape is absent (an injection to resist), else undefined. */
export function injectedShape(scene: Scene): Shape | undefined {
  const target = scene.sign && signTarget(scene.sign);
  return target && !scene.objects.some((o) => o.shape === target) ? target : undefined;
}
