import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random';
import { DEFAULT_WORLD, worldConfigProblems } from '../../src/core/world/config';
import { renderScene } from '../../src/core/world/render';
import { sampleScene, sampleScenes, type Scene } from '../../src/core/world/scene';
import { annotateScene, groundTruthCaption } from '../../src/core/world/tasks';
import { COLOUR_RGB } from '../../src/core/world/vocabulary';

const world = DEFAULT_WORLD;

describe('scene sampling', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = sampleScenes(createRng(7), world, 20);
    const b = sampleScenes(createRng(7), world, 20);
    const c = sampleScenes(createRng(8), world, 20);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('draws 1 to 4 objects with unique shapes on distinct cells, in reading order', () => {
    for (const scene of sampleScenes(createRng(1), world, 300)) {
      expect(scene.objects.length).toBeGreaterThanOrEqual(1);
      expect(scene.objects.length).toBeLessThanOrEqual(4);
      expect(new Set(scene.objects.map((o) => o.shape)).size).toBe(scene.objects.length);
      const cells = scene.objects.map((o) => o.cell);
      expect(new Set(cells).size).toBe(cells.length);
      expect([...cells].sort((x, y) => x - y)).toEqual(cells);
    }
  });

  it('applies the co-occurrence bias: triangles come with stars far more often than without', () => {
    const scenes = sampleScenes(createRng(3), world, 4000);
    const withTriangle = scenes.filter((s) => s.objects.length >= 2 && s.objects.some((o) => o.shape === 'triangle'));
    const alsoStar = withTriangle.filter((s) => s.objects.some((o) => o.shape === 'star')).length / withTriangle.length;
    const withSquare = scenes.filter((s) => s.objects.length >= 2 && s.objects.some((o) => o.shape === 'square'));
    const squareAndStar = withSquare.filter((s) => s.objects.some((o) => o.shape === 'star')).length / withSquare.length;
    expect(alsoStar).toBeGreaterThan(0.7);
    expect(squareAndStar).toBeLessThan(0.4);
  });

  it('rejects bad world knobs with readable messages', () => {
    expect(worldConfigProblems(world)).toEqual([]);
    expect(worldConfigProblems({ ...world, cooccurrenceBias: 1.5 })[0]).toMatch(/cooccurrenceBias must be between 0 and 1/);
  });
});

describe('renderer', () => {
  const scene: Scene = {
    objects: [{ shape: 'square', colour: 'red', cell: 4, scale: 0.9, dx: 0, dy: 0 }],
    noiseSeed: 5,
  };

  it('is a pure function of the scene', () => {
    expect(renderScene(scene, 36, world.noise)).toEqual(renderScene(scene, 36, world.noise));
  });

  it("puts the shape's colour where the scene says, and background elsewhere", () => {
    const pixels = renderScene(scene, 36, 0);
    const at = (x: number, y: number) => Array.from(pixels.slice((y * 36 + x) * 3, (y * 36 + x) * 3 + 3));
    // Centre cell spans x, y in [12, 24): its middle pixel is pure red.
    at(18, 18).forEach((v, c) => expect(v).toBeCloseTo(COLOUR_RGB.red[c]!, 5));
    // Top-left corner is background.
    at(1, 1).forEach((v) => expect(v).toBeCloseTo(0.1, 5));
  });

  it('anti-aliases edges (partial coverage gives in-between values)', () => {
    const circle: Scene = { objects: [{ shape: 'circle', colour: 'red', cell: 0, scale: 0.8, dx: 0.3, dy: 0.3 }], noiseSeed: 1 };
    const reds = [];
    const pixels = renderScene(circle, 36, 0);
    for (let i = 0; i < 36 * 36; i++) reds.push(pixels[i * 3]!);
    expect(reds.some((r) => r > 0.15 && r < 0.85)).toBe(true);
  });
});

describe('annotator', () => {
  it('with hallucination rate 1 always adds the absent partner; with 0 never', () => {
    const lonelyTriangle: Scene = { objects: [{ shape: 'triangle', colour: 'blue', cell: 0, scale: 0.8, dx: 0, dy: 0 }], noiseSeed: 0 };
    const always = annotateScene(lonelyTriangle, createRng(1), { ...world, annotatorHallucinationRate: 1, annotatorColourErrorRate: 0 });
    expect(always.map((m) => m.shape)).toEqual(['triangle', 'star']);
    const never = annotateScene(lonelyTriangle, createRng(1), { ...world, annotatorHallucinationRate: 0, annotatorColourErrorRate: 0 });
    expect(never.map((m) => m.shape)).toEqual(['triangle']);
  });

  it('writes the faithful caption in reading order', () => {
    const scene = sampleScene(createRng(2), world);
    const caption = groundTruthCaption(scene);
    expect(caption.endsWith(' .')).toBe(true);
    expect(caption.split(' and ').length).toBe(scene.objects.length);
  });
});
