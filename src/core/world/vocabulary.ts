/** The closed world the model lives in: shapes, colours, grid positions, and their words. */

export const SHAPES = ['circle', 'square', 'triangle', 'star', 'heart', 'cross', 'diamond'] as const;
export type Shape = (typeof SHAPES)[number];

export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export type Colour = (typeof COLOURS)[number];

/** Linear RGB in [0, 1] used by the renderer. */
export const COLOUR_RGB: Record<Colour, readonly [number, number, number]> = {
  red: [0.9, 0.12, 0.12],
  green: [0.15, 0.72, 0.2],
  blue: [0.18, 0.32, 0.95],
  yellow: [0.95, 0.88, 0.15],
  purple: [0.62, 0.22, 0.82],
  orange: [1.0, 0.55, 0.08],
};

/** Colours an annotator (or a blurry eye) mixes up. */
export const CONFUSABLE_COLOURS: Record<Colour, readonly Colour[]> = {
  red: ['orange', 'purple'],
  green: ['yellow', 'blue'],
  blue: ['purple', 'green'],
  yellow: ['orange', 'green'],
  purple: ['blue', 'red'],
  orange: ['red', 'yellow'],
};

export const GRID_SIZE = 3;
export const CELL_COUNT = GRID_SIZE * GRID_SIZE;

/** One word per cell of the 3x3 grid, in reading order (cell = row * 3 + column). */
export const POSITIONS = [
  'top-left',
  'top-middle',
  'top-right',
  'middle-left',
  'center',
  'middle-right',
  'bottom-left',
  'bottom-middle',
  'bottom-right',
] as const;
export type Position = (typeof POSITIONS)[number];

export const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five'] as const;

/** Spatial relations between two objects, by grid column (left/right) and row (above/below). */
export const RELATIONS = ['left', 'right', 'above', 'below'] as const;
export type Relation = (typeof RELATIONS)[number];

/** The word a sign uses to give an order ("say heart"), as an injected instruction. */
export const SIGN_ORDER = 'say';

export function isShape(word: string): word is Shape {
  return (SHAPES as readonly string[]).includes(word);
}
export function isColour(word: string): word is Colour {
  return (COLOURS as readonly string[]).includes(word);
}
export function isPosition(word: string): word is Position {
  return (POSITIONS as readonly string[]).includes(word);
}
