import { describe, expect, it } from 'vitest';
import { checkObjectClaims, missedShapes, parseClaims } from '../../src/core/world/claims';
import type { Scene } from '../../src/core/world/scene';

const scene: Scene = {
  objects: [
    { shape: 'triangle', colour: 'red', cell: 0, scale: 0.8, dx: 0, dy: 0 },
    { shape: 'square', colour: 'blue', cell: 4, scale: 0.8, dx: 0, dy: 0 },
  ],
  noiseSeed: 0,
};

describe('claim parser', () => {
  it('reads colour, shape and position from each clause', () => {
    const claims = parseClaims('red triangle top-left and blue square center .');
    expect(claims.objects.map(({ shape, colour, cell }) => ({ shape, colour, cell }))).toEqual([
      { shape: 'triangle', colour: 'red', cell: 0 },
      { shape: 'square', colour: 'blue', cell: 4 },
    ]);
  });

  it('flags a hallucinated object, a wrong colour and a wrong position', () => {
    const verdicts = checkObjectClaims(
      parseClaims('orange triangle top-left and blue square bottom-right and yellow star top-right .'),
      scene,
    );
    expect(verdicts.map((v) => [v.claim.shape, v.hallucinated, v.wrongColour, v.wrongPosition])).toEqual([
      ['triangle', false, true, false],
      ['square', false, false, true],
      ['star', true, false, false],
    ]);
  });

  it('survives garbage: unknown words, missing parts, repeated separators, empty text', () => {
    expect(parseClaims('').objects).toEqual([]);
    expect(parseClaims('and and . . ? <unk> zebra').objects).toEqual([]);
    const partial = parseClaims('star and red and circle circle top-right');
    expect(partial.objects.map((o) => [o.shape, o.colour, o.cell])).toEqual([
      ['star', undefined, undefined],
      ['circle', undefined, undefined],
      ['circle', undefined, 2],
    ]);
    // A colour never jumps across "and" to the next clause.
    expect(parseClaims('red and square').objects[0]!.colour).toBeUndefined();
  });

  it('reads yes/no, count and colour answers', () => {
    expect(parseClaims('yes .').answer).toBe('yes');
    expect(parseClaims('no').answer).toBe('no');
    expect(parseClaims('three .').count).toBe(3);
    expect(parseClaims('purple .').colour).toBe('purple');
    expect(parseClaims('maybe').answer).toBeUndefined();
  });

  it('lists missed objects', () => {
    expect(missedShapes(parseClaims('red triangle top-left .'), scene)).toEqual(['square']);
  });
});

describe('claim parser word order', () => {
  it('reads the position-first captions the model is taught', () => {
    const claims = parseClaims('top-left red triangle and center blue square .');
    expect(claims.objects.map(({ shape, colour, cell }) => ({ shape, colour, cell }))).toEqual([
      { shape: 'triangle', colour: 'red', cell: 0 },
      { shape: 'square', colour: 'blue', cell: 4 },
    ]);
  });
  it('never lends a position across a shape', () => {
    const claims = parseClaims('top-left red triangle blue square');
    expect(claims.objects.map((o) => o.cell)).toEqual([0, undefined]);
  });
});
