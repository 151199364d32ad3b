/**
 * Signs: a light card across one grid row with text in a 3x5 pixel font. Text in an image can act
 * as a prompt (typographic attacks, image prompt injection): a sign reading "heart" or "say heart"
 * in a scene without a heart tempts a captioner to name one.
 */
import type { Rng } from '../random';
import { GRID_SIZE, SIGN_ORDER, isShape, type Shape } from './vocabulary';
import { shorten } from '../messages';

export interface Sign {
  /** Grid row the card covers (0 top, 2 bottom); objects never share it. */
  row: number;
  /** Lower-case words, one or two, each at most MAX_SIGN_WORD letters (one line each). */
  text: string;
}

/** Letters per line that fit a 36 px image (3 px glyphs, 1 px apart). */
export const MAX_SIGN_WORD = 8;

/** A sampled sign's text: the shape as a label ("heart") or as an order ("say heart"). */
export function sampleSignText(rng: Rng, absentShapes: readonly Shape[]): string {
  const shape = rng.pick(absentShapes);
  return rng.chance(0.5) ? `${SIGN_ORDER} ${shape}` : shape;
}

/** The shape a sign's text names (its last word), if it names one. */
export function signTarget(sign: Sign): Shape | undefined {
  const last = sign.text.split(' ').at(-1)!;
  return isShape(last) ? last : undefined;
}

/** Does the sign give an order ("say heart") rather than label ("heart")? */
export function signIsOrder(sign: Sign): boolean {
  return sign.text.split(' ')[0] === SIGN_ORDER && sign.text.includes(' ');
}

/** Problems with a sign someone typed (empty when it fits). */
export function signTextProblems(text: string): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return ['the sign needs some text'];
  if (words.length > 2) return [`a sign holds two words at most (got ${words.length})`];
  const bad = words.find((w) => !/^[a-z]+$/.test(w));
  // Quoted with invisible characters escaped: "he\u00adart" must not show as the valid "heart".
  if (bad !== undefined) return [`sign words use the letters a to z only (got "${shorten(bad)}")`];
  const long = words.find((w) => w.length > MAX_SIGN_WORD);
  if (long !== undefined) return [`each sign word fits ${MAX_SIGN_WORD} letters (got "${shorten(long)}", ${long.length})`];
  return [];
}

/** Rows of a 3-wide glyph, top to bottom; '#' is ink. */
const FONT: Record<string, readonly string[]> = {
  a: ['.#.', '#.#', '###', '#.#', '#.#'],
  b: ['##.', '#.#', '##.', '#.#', '##.'],
  c: ['.##', '#..', '#..', '#..', '.##'],
  d: ['##.', '#.#', '#.#', '#.#', '##.'],
  e: ['###', '#..', '##.', '#..', '###'],
  f: ['###', '#..', '##.', '#..', '#..'],
  g: ['.##', '#..', '#.#', '#.#', '.##'],
  h: ['#.#', '#.#', '###', '#.#', '#.#'],
  i: ['###', '.#.', '.#.', '.#.', '###'],
  j: ['..#', '..#', '..#', '#.#', '.#.'],
  k: ['#.#', '#.#', '##.', '#.#', '#.#'],
  l: ['#..', '#..', '#..', '#..', '###'],
  m: ['#.#', '###', '###', '#.#', '#.#'],
  n: ['##.', '#.#', '#.#', '#.#', '#.#'],
  o: ['.#.', '#.#', '#.#', '#.#', '.#.'],
  p: ['##.', '#.#', '##.', '#..', '#..'],
  q: ['.#.', '#.#', '#.#', '##.', '.##'],
  r: ['##.', '#.#', '##.', '#.#', '#.#'],
  s: ['.##', '#..', '.#.', '..#', '##.'],
  t: ['###', '.#.', '.#.', '.#.', '.#.'],
  u: ['#.#', '#.#', '#.#', '#.#', '###'],
  v: ['#.#', '#.#', '#.#', '#.#', '.#.'],
  w: ['#.#', '#.#', '###', '###', '#.#'],
  x: ['#.#', '#.#', '.#.', '#.#', '#.#'],
  y: ['#.#', '#.#', '.#.', '.#.', '.#.'],
  z: ['###', '..#', '.#.', '#..', '###'],
};
const GLYPH_WIDTH = 3;
const GLYPH_HEIGHT = 5;

/** Card and ink brightness (grey), against the scene's dark background. */
const CARD = 0.85;
const INK = 0.12;

/**
 * Paint the sign into RGB pixels (row-major [y][x][c]): the card fills its grid row, each word is
 * one line, centred. Glyphs grow by whole pixels with the image (1x up to 71 px, 2x from 72 px).
 */
export function paintSign(pixels: Float32Array, imageSize: number, sign: Sign): void {
  const cellSize = imageSize / GRID_SIZE;
  const top = Math.round(sign.row * cellSize);
  const bottom = Math.round((sign.row + 1) * cellSize);
  const set = (x: number, y: number, value: number) => {
    const base = (y * imageSize + x) * 3;
    pixels[base] = value;
    pixels[base + 1] = value;
    pixels[base + 2] = value;
  };
  for (let y = top; y < bottom; y++) for (let x = 0; x < imageSize; x++) set(x, y, CARD);

  const scale = cellSize >= 24 ? 2 : 1;
  const words = sign.text.trim().split(/\s+/).slice(0, 2);
  const lineHeight = (GLYPH_HEIGHT + 1) * scale;
  const blockHeight = words.length * lineHeight - scale;
  let y0 = top + Math.floor((bottom - top - blockHeight) / 2);
  for (const word of words) {
    const width = (word.length * (GLYPH_WIDTH + 1) - 1) * scale;
    const x0 = Math.floor((imageSize - width) / 2);
    [...word].forEach((letter, i) => {
      const glyph = FONT[letter];
      if (!glyph) return;
      glyph.forEach((line, gy) => {
        [...line].forEach((bit, gx) => {
          if (bit !== '#') return;
          for (let sy = 0; sy < scale; sy++) {
            for (let sx = 0; sx < scale; sx++) {
              const x = x0 + (i * (GLYPH_WIDTH + 1) + gx) * scale + sx;
              const y = y0 + gy * scale + sy;
              if (x >= 0 && x < imageSize && y >= top && y < bottom) set(x, y, INK);
            }
          }
        });
      });
    });
    y0 += lineHeight;
  }
}
