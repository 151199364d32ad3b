import { createRng } from '../random';
import type { Scene } from './scene';
import { paintSign } from './sign';
import { COLOUR_RGB, GRID_SIZE, type Shape } from './vocabulary';

const BACKGROUND = 0.1;
/** Sub-pixel samples per axis: 4x4 supersampling gives anti-aliased edges. */
const SUPERSAMPLE = 4;

/** Star outline: 5 outer and 5 inner vertices, point up (y grows downwards). */
const STAR_POLYGON: ReadonlyArray<readonly [number, number]> = Array.from({ length: 10 }, (_, i) => {
  const radius = i % 2 === 0 ? 1.0 : 0.45;
  const angle = -Math.PI / 2 + (i * Math.PI) / 5;
  return [radius * Math.cos(angle), radius * Math.sin(angle) + 0.08] as const;
});
const TRIANGLE_POLYGON: ReadonlyArray<readonly [number, number]> = [
  [0, -0.95],
  [0.95, 0.8],
  [-0.95, 0.8],
];

function insidePolygon(u: number, v: number, polygon: ReadonlyArray<readonly [number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > v !== yj > v && u < ((xj - xi) * (v - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Is the point (u, v), in shape-local units where the shape spans about [-1, 1], inside the shape? */
export function insideShape(shape: Shape, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 0.9;
    case 'square':
      return Math.abs(u) <= 0.78 && Math.abs(v) <= 0.78;
    case 'diamond':
      return Math.abs(u) + Math.abs(v) * 0.85 <= 0.95;
    case 'cross':
      return (Math.abs(u) <= 0.3 && Math.abs(v) <= 0.95) || (Math.abs(v) <= 0.3 && Math.abs(u) <= 0.95);
    case 'triangle':
      return insidePolygon(u, v, TRIANGLE_POLYGON);
    case 'star':
      return insidePolygon(u, v, STAR_POLYGON);
    case 'heart': {
      // Implicit heart curve (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0, flipped so the point is at the bottom.
      const x = u * 1.2;
      const y = -v * 1.2 + 0.15;
      const a = x * x + y * y - 1;
      return a * a * a - x * x * y * y * y <= 0;
    }
  }
}

/**
 * Draw a scene as RGB floats in [0, 1], row-major [y][x][channel]. A pure function of the scene
 * (noise included), so Node and every browser backend see the same pixels.
 */
export function renderScene(scene: Scene, imageSize: number, noise: number): Float32Array {
  const pixels = new Float32Array(imageSize * imageSize * 3);
  const cellSize = imageSize / GRID_SIZE;
  const noiseRng = createRng(scene.noiseSeed);
  for (let i = 0; i < pixels.length; i++) pixels[i] = BACKGROUND + noise * (noiseRng.next() * 2 - 1) * 1.7;

  for (const object of scene.objects) {
    const centreX = ((object.cell % GRID_SIZE) + 0.5) * cellSize + object.dx;
    const centreY = (Math.floor(object.cell / GRID_SIZE) + 0.5) * cellSize + object.dy;
    const radius = (object.scale * cellSize) / 2;
    const colour = COLOUR_RGB[object.colour];
    const x0 = Math.max(0, Math.floor(centreX - radius - 1));
    const x1 = Math.min(imageSize - 1, Math.ceil(centreX + radius + 1));
    const y0 = Math.max(0, Math.floor(centreY - radius - 1));
    const y1 = Math.min(imageSize - 1, Math.ceil(centreY + radius + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let covered = 0;
        for (let sy = 0; sy < SUPERSAMPLE; sy++) {
          for (let sx = 0; sx < SUPERSAMPLE; sx++) {
            const u = (x + (sx + 0.5) / SUPERSAMPLE - centreX) / radius;
            const v = (y + (sy + 0.5) / SUPERSAMPLE - centreY) / radius;
            if (insideShape(object.shape, u, v)) covered++;
          }
        }
        if (covered === 0) continue;
        const alpha = covered / (SUPERSAMPLE * SUPERSAMPLE);
        const base = (y * imageSize + x) * 3;
        for (let c = 0; c < 3; c++) pixels[base + c] = pixels[base + c]! * (1 - alpha) + colour[c]! * alpha;
      }
    }
  }
  if (scene.sign) paintSign(pixels, imageSize, scene.sign);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(1, Math.max(0, pixels[i]!));
  return pixels;
}

/** RGBA bytes for a canvas ImageData. */
export function toRgba(pixels: Float32Array): Uint8ClampedArray {
  const count = pixels.length / 3;
  const rgba = new Uint8ClampedArray(count * 4);
  for (let i = 0; i < count; i++) {
    rgba[i * 4] = Math.round(pixels[i * 3]! * 255);
    rgba[i * 4 + 1] = Math.round(pixels[i * 3 + 1]! * 255);
    rgba[i * 4 + 2] = Math.round(pixels[i * 3 + 2]! * 255);
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}
