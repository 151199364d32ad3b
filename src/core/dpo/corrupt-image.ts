import type { Rng } from '../random';
import type { Scene } from '../world/scene';
import { GRID_SIZE } from '../world/vocabulary';

/**
 * mDPO's corrupted image: the same picture with some grid cells painted over with background,
 * at least one of them holding an object, so the chosen caption is no longer fully true of it.
 */
export function corruptImage(image: Float32Array, scene: Scene, rng: Rng, size = 36): Float32Array {
  const out = image.slice();
  const cell = size / GRID_SIZE;
  const hidden = new Set(scene.objects.filter(() => rng.chance(0.5)).map((o) => o.cell));
  if (hidden.size === 0 && scene.objects.length > 0) hidden.add(rng.pick(scene.objects).cell);
  for (const c of hidden) {
    const x0 = (c % GRID_SIZE) * cell;
    const y0 = Math.floor(c / GRID_SIZE) * cell;
    for (let y = y0; y < y0 + cell; y++) for (let x = x0; x < x0 + cell; x++) for (let k = 0; k < 3; k++) out[(y * size + x) * 3 + k] = 0.1;
  }
  return out;
}
