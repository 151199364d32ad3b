import { describe, expect, it } from 'vitest';
import { checkClaim, claimHolds, claimSpread, type Claim } from '../../src/core/lessons/claims';
import { headlineKeys, runHeadline } from '../../src/core/lessons/headline';
import { lessonVariants, variantConfig, variantOf } from '../../src/core/lessons/lesson-runs';
import { defaultConfig } from '../../src/core/settings/controls';
import { groupEvents } from '../../src/core/runs/event-groups';
import { runNameFor } from '../../src/core/runs/run-name';
import { LESSONS, findLesson } from '../../src/core/lessons/lessons';
import { type EvalPoint, type MetricPoint } from '../../src/core/runs/run-record';
import { EVAL_KEYS, type EvalRecord } from '../../src/core/eval/eval-record';
import { METRIC_NAMES } from '../../src/core/dpo/metric-names';
import { LATER_SCORES } from './later-eval-scores';

const summary = (over: Partial<EvalRecord> = {}): EvalRecord => ({
  chair_i: 0.25,
  chair_s: 0.6,
  cover: 0.99,
  attr_error: 0.05,
  count_error: 0.7,
  pope_acc: 0.85,
  pope_f1: 0.86,
  pope_yes_ratio: 0.6,
  ...LATER_SCORES,
  ...over,
});
const evals = (...later: Partial<EvalRecord>[]): EvalPoint[] => [
  { step: 0, summary: summary() },
  ...later.map((over, i) => ({ step: 25 * (i + 1), summary: summary(over) })),
];
const point = (step: number, metrics: Record<string, number>): MetricPoint => ({ step, metrics });

describe('claimHolds', () => {
  const half: Claim = { text: 'CHAIR_i falls by at least half', metric: 'eval:chair_i', change: 'falls', by: 0.5, relative: true };
  it('reads relative amounts as a fraction of the start', () => {
    expect(claimHolds(half, 0.255, 0.028)).toBe(true);
    expect(claimHolds(half, 0.255, 0.13)).toBe(false); // 49% down
    expect(claimHolds(half, 0.2, 0.1)).toBe(true); // exactly half counts
  });
  it('reads absolute amounts in the metric units, with float slack', () => {
    const cover: Claim = { text: '', metric: 'eval:cover', change: 'falls', by: 0.1 };
    expect(claimHolds(cover, 0.8, 0.7)).toBe(true);
    expect(claimHolds(cover, 0.8, 0.71)).toBe(false);
    expect(claimHolds({ ...cover, change: 'holds' }, 0.8, 0.7)).toBe(true);
    expect(claimHolds({ ...cover, change: 'holds' }, 0.8, 0.69)).toBe(false);
    expect(claimHolds({ ...cover, change: 'rises', by: 0 }, 0.8, 0.8)).toBe(false);
    expect(claimHolds({ ...cover, change: 'above', value: 0.5 }, 0.1, 0.51)).toBe(true);
    expect(claimHolds({ ...cover, change: 'below', value: 0.5 }, 0.1, 0.51)).toBe(false);
  });
});

describe('checkClaim', () => {
  const falls: Claim = { text: 'CHAIR_i falls', metric: 'eval:chair_i', change: 'falls' };
  it('waits for a second evaluation, then says so far / not yet, then seen / not seen', () => {
    expect(checkClaim(falls, { history: [], evals: evals(), finished: false }).status).toBe('waiting');
    expect(checkClaim(falls, { history: [], evals: evals(), finished: true }).status).toBe('not-seen');
    expect(checkClaim(falls, { history: [], evals: evals({ chair_i: 0.1 }), finished: false }).status).toBe('holding');
    expect(checkClaim(falls, { history: [], evals: evals({ chair_i: 0.3 }), finished: false }).status).toBe('not-yet');
    const done = checkClaim(falls, { history: [], evals: evals({ chair_i: 0.3 }, { chair_i: 0.028 }), finished: true });
    expect(done.status).toBe('seen');
    expect(done.measured).toBe('25.0% → 2.8%');
  });
  it('reads training metrics at the first and the latest logged point that has them, as the charts show them', () => {
    const rises: Claim = { text: '', metric: 'objective/scores', change: 'rises', by: 1 };
    const history = [1, 2, 3, 10, 4, 5, 6].map((v, i) => point(i + 1, { 'objective/scores': v }));
    history.push(point(8, { loss: 0.3 }));
    const result = checkClaim(rises, { history, evals: [], finished: true });
    expect([result.start, result.end]).toEqual([1, 6]);
    expect(result.status).toBe('seen');
  });
});

describe('lessons', () => {
  it('every lesson states claims over metrics that exist, with the amounts they need', () => {
    for (const lesson of LESSONS) {
      for (const variant of lessonVariants(lesson)) {
        expect(variant.claims.length, lesson.id).toBeGreaterThan(0);
        for (const claim of variant.claims) {
          const known = claim.metric.startsWith('eval:')
            ? (EVAL_KEYS as readonly string[]).includes(claim.metric.slice(5))
            : (METRIC_NAMES as readonly string[]).includes(claim.metric);
          expect(known, `${lesson.id}: ${claim.metric}`).toBe(true);
          if (claim.change === 'above' || claim.change === 'below') expect(claim.value, claim.text).toBeTypeOf('number');
        }
      }
    }
  });

  it("tells a contrast run from the lesson's own and from one the student changed", () => {
    const lesson = findLesson('reward-hacking')!;
    const [main, contrast] = lessonVariants(lesson);
    expect(variantOf(lesson, variantConfig(lesson, main!))).toBe(main);
    expect(variantOf(lesson, variantConfig(lesson, contrast!))).toBe(contrast);
    expect(variantOf(lesson, { ...variantConfig(lesson, main!), method: 'offline' })).toBeUndefined();
    expect(variantOf(lesson, { ...variantConfig(lesson, main!), seed: 3, evalSeed: 7 })).toBe(main);
    expect(variantOf(findLesson('offline-dpo')!, defaultConfig())?.label).toBe('lesson');
  });
});

describe('runHeadline', () => {
  it('says the change in numbers and words', () => {
    const h = runHeadline(evals({ chair_i: 0.028, cover: 0.96 }))!;
    expect(h.numbers).toBe('CHAIR_i 25.0% → 2.8%, Cover 99.0% → 96.0%');
    expect(h.words).toBe('far fewer invented objects, nearly all true ones still named');
    expect(h.step).toBe(25);
  });
  it('says when captions got worse or shorter', () => {
    expect(runHeadline(evals({ chair_i: 0.6, cover: 0.2 }))!.words).toBe(
      'more invented objects than at the start, many true objects no longer named: the captions say less',
    );
    expect(runHeadline(evals({ acc_counting: 0.9 }), ['acc_counting'])!.words).toBe('counting accuracy better');
    expect(runHeadline(evals())).toBeUndefined();
  });
  it("reads a lesson's claim metrics after CHAIR_i and Cover", () => {
    expect(headlineKeys([{ metric: 'eval:injection' }, { metric: 'objective/scores' }, { metric: 'eval:cover' }])).toEqual([
      'chair_i',
      'cover',
      'injection',
    ]);
  });
});

describe('claimSpread', () => {
  it('gives the mean, sample std and range of the end values over seeds, and how often the claim held', () => {
    const claim: Claim = { text: 'CHAIR_i falls', metric: 'eval:chair_i', change: 'falls' };
    const results = [0.01, 0.02, 0.06].map((end) => checkClaim(claim, { history: [], evals: evals({ chair_i: end }), finished: true }));
    results.push(checkClaim(claim, { history: [], evals: evals({ chair_i: 0.3 }), finished: true }));
    const spread = claimSpread(results)!;
    expect([spread.held, spread.runs]).toEqual([3, 4]);
    // ends 1, 2, 6, 30 (%): mean 9.75, sample std sqrt(((8.75)^2 + (7.75)^2 + (3.75)^2 + (20.25)^2) / 3) = 13.67
    expect(spread.measured).toBe('25.0% → 9.8% ± 13.7 (1.0%..30.0%)');
  });
});

describe('groupEvents', () => {
  it('joins consecutive steps that report the same thing, and nothing else', () => {
    const tie = "every prompt's samples tied";
    expect(
      groupEvents([
        `step 3: ${tie}`,
        `step 4: ${tie}`,
        `step 5: ${tie}`,
        'round 2: the reference is now the policy',
        `step 7: ${tie}`,
        `step 8: other`,
      ]),
    ).toEqual([`steps 3-5 (3 steps): ${tie}`, 'round 2: the reference is now the policy', `step 7: ${tie}`, 'step 8: other']);
  });
});

describe('runNameFor', () => {
  it("names what a lesson's contrast run changes, so the two runs differ", () => {
    const lesson = findLesson('beta-too-small')!;
    const [main, contrast] = lessonVariants(lesson);
    expect(runNameFor(variantConfig(lesson, main!))).toBe('offline gt-corrupt beta=0.01 loss=sigmoid lr=0.001');
    expect(runNameFor(variantConfig(lesson, contrast!))).toBe('offline gt-corrupt beta=0.01 lr=0.001');
    const gaming = findLesson('length-gaming')!;
    expect(runNameFor(variantConfig(gaming, lessonVariants(gaming)[0]!))).toBe('online oracle beta=0.1 loss=sigmoid cover=0');
    expect(runNameFor(defaultConfig())).toBe('offline gt-corrupt beta=0.1');
  });
});
