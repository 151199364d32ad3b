import { describe, expect, it } from 'vitest';
import { runUpdateProblems } from '../../src/core/runs/run-update-schema';
import { EVAL_KEYS } from '../../src/core/eval/eval-record';

const summary = Object.fromEntries(EVAL_KEYS.map((key) => [key, 0.5]));
const good = () => ({
  status: 'running',
  step: 3,
  totalSteps: 100,
  stepsPerSecond: 9.5,
  // A diverged step is a finding, not a malformed message: NaN and infinities pass.
  points: [{ step: 3, metrics: { loss: Number.NaN, 'rewards/margins': Number.POSITIVE_INFINITY } }],
  evals: [{ step: 0, summary: { ...summary, chair_i: Number.NaN } }],
  events: ['started'],
  pairs: [{ prompt: 'p', chosen: 'a', rejected: 'b', source: 'oracle', chosenReward: 0.1 }],
  gallery: [{ rgba: new Uint8ClampedArray(4), size: 1, truth: 't', policy: {}, reference: {} }],
});

type Update = ReturnType<typeof good>;

describe("the worker's RunUpdate messages", () => {
  it('accept what the training loop sends, NaN metrics included', () => {
    expect(runUpdateProblems(good())).toEqual([]);
    const { pairs, gallery, ...minimal } = good();
    void pairs;
    void gallery;
    expect(runUpdateProblems(minimal)).toEqual([]);
  });

  it.each([
    ['an unknown status', (u: Update) => Object.assign(u, { status: 'exploded' }), /^status: /],
    ['a negative step', (u: Update) => Object.assign(u, { step: -1 }), /^step: /],
    ['a metric that is text', (u: Update) => Object.assign(u.points[0]!.metrics, { loss: '0.7' }), /^points\.0\.metrics\.loss: /],
    [
      'an evaluation missing a key',
      (u: Update) => delete (u.evals[0]!.summary as Record<string, number>).cover,
      /^evals\.0\.summary\.cover: /,
    ],
    ['an event that is not text', (u: Update) => Object.assign(u, { events: [{}] }), /^events\.0: /],
    ['a gallery image that is not pixels', (u: Update) => Object.assign(u.gallery[0]!, { rgba: [1, 2, 3, 4] }), /^gallery\.0\.rgba: /],
    ['no points list', (u: Update) => delete (u as Partial<Update>).points, /^points: /],
  ])('refuse %s, naming the field', (_, edit, where) => {
    const update = good();
    edit(update);
    const problems = runUpdateProblems(update);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(where);
  });

  it('refuse what is not an object at all', () => {
    expect(runUpdateProblems(null)).toHaveLength(1);
    expect(runUpdateProblems('running')).toHaveLength(1);
  });
});
