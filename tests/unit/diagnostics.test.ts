import { describe, expect, it } from 'vitest';
import { defaultConfig, type PlaygroundConfig } from '../../src/core/settings/controls';
import { diagnose } from '../../src/core/diagnosis/diagnostics';
import type { EvalPoint, MetricPoint } from '../../src/core/runs/run-record';
import { type EvalRecord } from '../../src/core/eval/eval-record';
import { LATER_SCORES } from './later-eval-scores';

const summary = (over: Partial<EvalRecord> = {}): EvalRecord => ({
  chair_i: 0.3,
  chair_s: 0.5,
  cover: 0.8,
  attr_error: 0.1,
  count_error: 0.1,
  pope_acc: 0.8,
  pope_f1: 0.8,
  pope_yes_ratio: 0.5,
  ...LATER_SCORES,
  ...over,
});

function run(history: MetricPoint[], opts: { evals?: EvalPoint[]; config?: Partial<PlaygroundConfig> } = {}) {
  return { history, evals: opts.evals ?? [], config: { ...defaultConfig(), ...opts.config } };
}

const ids = (r: ReturnType<typeof run>) => diagnose(r).map((d) => d.id);
const point = (step: number, metrics: Record<string, number>): MetricPoint => ({ step, metrics });

describe('stuck-at-ln2', () => {
  const flat = [point(10, { 'rewards/margins': 0.002 }), point(15, { 'rewards/margins': -0.005 }), point(20, { 'rewards/margins': 0.009 })];

  it('fires when the last three margins are ~0 by step 20', () => {
    const found = diagnose(run(flat));
    expect(found.map((d) => d.id)).toEqual(['stuck-at-ln2']);
    expect(found[0]!.severity).toBe('warning');
  });

  it('does not fire when a margin moved, too early, for SFT, or without a sigmoid term', () => {
    expect(ids(run([...flat.slice(0, 2), point(20, { 'rewards/margins': 0.02 })]))).toEqual([]);
    expect(ids(run(flat.map((p) => ({ ...p, step: p.step - 5 }))))).toEqual([]);
    expect(ids(run(flat.slice(1)))).toEqual([]);
    expect(ids(run(flat, { config: { method: 'sft' } }))).toEqual([]);
    expect(ids(run(flat, { config: { lossTypes: 'ipo' } }))).toEqual([]);
    expect(ids(run(flat, { config: { lossTypes: 'sigmoid:0,sft' } }))).toEqual([]);
  });
});

describe('both-logps-falling', () => {
  const falling = [
    point(1, { 'logps/chosen': -10, 'logps/rejected': -12, 'rewards/margins': 0 }),
    point(50, { 'logps/chosen': -11.5, 'logps/rejected': -15, 'rewards/margins': 0.2 }),
  ];

  it('is a warning without an sft term and only info with one', () => {
    const plain = diagnose(run(falling, { config: { lossTypes: 'sigmoid' } }));
    expect(plain.map((d) => [d.id, d.severity])).toEqual([['both-logps-falling', 'warning']]);
    const rpo = diagnose(run(falling, { config: { lossTypes: 'sigmoid,sft:1' } }));
    expect(rpo.map((d) => [d.id, d.severity])).toEqual([['both-logps-falling', 'info']]);
  });

  it('does not fire when chosen fell by only 1 nat or the margin did not grow', () => {
    const chosenSteady = [falling[0]!, point(50, { 'logps/chosen': -11, 'logps/rejected': -15, 'rewards/margins': 0.2 })];
    expect(ids(run(chosenSteady))).toEqual([]);
    const marginFlat = [falling[0]!, point(50, { 'logps/chosen': -12, 'logps/rejected': -15, 'rewards/margins': 0 })];
    expect(ids(run(marginFlat))).toEqual([]);
  });
});

describe('margins-exploding', () => {
  it('fires on margin > 10, accuracy >= 0.99 and loss < 0.05 together', () => {
    expect(ids(run([point(100, { 'rewards/margins': 12, 'rewards/accuracies': 1, loss: 0.01 })]))).toEqual(['margins-exploding']);
  });

  it('does not fire when any one condition fails', () => {
    expect(ids(run([point(100, { 'rewards/margins': 10, 'rewards/accuracies': 1, loss: 0.01 })]))).toEqual([]);
    expect(ids(run([point(100, { 'rewards/margins': 12, 'rewards/accuracies': 0.98, loss: 0.01 })]))).toEqual([]);
    expect(ids(run([point(100, { 'rewards/margins': 12, 'rewards/accuracies': 1, loss: 0.05 })]))).toEqual([]);
  });
});

describe('coverage-collapsing', () => {
  it('fires when cover fell by more than 0.10 while chair_i fell', () => {
    const evals = [
      { step: 0, summary: summary() },
      { step: 50, summary: summary({ cover: 0.65, chair_i: 0.1 }) },
    ];
    expect(ids(run([], { evals }))).toEqual(['coverage-collapsing']);
  });

  it('does not fire on a 0.10 drop or with only the baseline', () => {
    expect(
      ids(
        run([], {
          evals: [
            { step: 0, summary: summary() },
            { step: 50, summary: summary({ cover: 0.7, chair_i: 0.1 }) },
          ],
        }),
      ),
    ).toEqual([]);
    expect(ids(run([], { evals: [{ step: 0, summary: summary() }] }))).toEqual([]);
  });

  it('fires whether or not CHAIR_i fell, saying which', () => {
    const evals = [
      { step: 0, summary: summary() },
      { step: 50, summary: summary({ cover: 0.5, chair_i: 0.32 }) },
    ];
    const found = diagnose(run([], { evals }));
    expect(found.map((d) => d.id)).toEqual(['coverage-collapsing']);
    expect(found[0]!.title).toContain('fewer of the true objects');
    expect(found[0]!.explanation).toContain('did not improve');
  });

  it('advises only what the settings lack', () => {
    const evals = [
      { step: 0, summary: summary() },
      { step: 50, summary: summary({ cover: 0.4, chair_i: 0.05 }) },
    ];
    const online = {
      method: 'online',
      judge: 'oracle',
      coverageBonus: 0,
      lossTypes: 'sigmoid',
      beta: 0.1,
      learningRate: 2e-4,
    } as const satisfies Partial<PlaygroundConfig>;
    const bare = diagnose(run([], { evals, config: online }))[0]!.explanation;
    expect(bare).toContain('coverage bonus above 0');
    expect(bare).toContain('add an sft term');
    const set = diagnose(run([], { evals, config: { ...online, coverageBonus: 1, lossTypes: 'sigmoid,sft:1' } }))[0]!.explanation;
    expect(set).not.toContain('coverage bonus');
    expect(set).not.toContain('sft term');
    expect(set).toContain('raise beta (now 0.1)');
    const all = diagnose(
      run([], { evals, config: { ...online, coverageBonus: 1, lossTypes: 'sigmoid,sft:1', beta: 0.5, learningRate: 1e-4 } }),
    )[0]!;
    expect(all.explanation).toContain('already in these settings');
  });
});

describe('getting-worse', () => {
  it('fires when CHAIR_i rises or a question category falls far below its start, naming them', () => {
    const worse = (over: Partial<EvalRecord>) =>
      diagnose(
        run([], {
          evals: [
            { step: 0, summary: summary() },
            { step: 50, summary: summary(over) },
          ],
        }),
      );
    const found = worse({ chair_i: 0.45, acc_counting: 0.3 });
    expect(found.map((d) => d.id)).toEqual(['getting-worse']);
    expect(found[0]!.explanation).toContain('CHAIR_i rose 30.0% -> 45.0%');
    expect(found[0]!.explanation).toContain('counting questions fell 50.0% -> 30.0%');
    expect(worse({ pope_acc: 0.6 }).map((d) => d.id)).toEqual(['getting-worse']);
    expect(worse({ chair_i: 0.34, acc_counting: 0.36 })).toEqual([]); // small moves are noise
  });
});

describe('reward-hacking', () => {
  const scores = (values: number[]) => values.map((v, i) => point(10 * (i + 1), { 'objective/scores': v }));
  const evals = (over: Partial<EvalRecord>) => [
    { step: 0, summary: summary() },
    { step: 100, summary: summary(over) },
  ];
  const config = { method: 'online', judge: 'reward' } as const satisfies Partial<PlaygroundConfig>;

  it("fires when the judge's score climbs while CHAIR_i rises or Cover collapses", () => {
    const found = diagnose(run(scores([2, 2, 3, 10, 20, 21]), { evals: evals({ chair_i: 0.34 }), config }));
    expect(found.map((d) => d.id)).toEqual(['reward-hacking']);
    expect(found[0]!.explanation).toContain('reward-facts');
    const covered = diagnose(run(scores([2, 2, 3, 10, 20, 21]), { evals: evals({ cover: 0.5, chair_i: 0.3 }), config }));
    expect(covered.map((d) => d.id)).toContain('reward-hacking');
  });

  it('does not fire when the score fell, captions held, or the run is offline', () => {
    expect(ids(run(scores([21, 20, 10, 3, 2, 2]), { evals: evals({ chair_i: 0.34 }), config }))).toEqual([]);
    expect(ids(run(scores([2, 2, 3, 10, 20, 21]), { evals: evals({ chair_i: 0.1 }), config }))).toEqual([]);
    expect(ids(run(scores([2, 2, 3, 10, 20, 21]), { evals: evals({ chair_i: 0.34 }) }))).toEqual([]);
  });
});

describe('no-preferences', () => {
  it('says how many steps had no pairs, as a warning once it is a tenth of the steps', () => {
    const few = diagnose(run([point(50, { no_preference_steps: 2 })], { config: { method: 'online' } }));
    expect(few.map((d) => [d.id, d.severity])).toEqual([['no-preferences', 'info']]);
    expect(few[0]!.explanation).toContain('At 2 of the first 50 steps');
    const many = diagnose(run([point(50, { no_preference_steps: 20 })], { config: { method: 'online', temperature: 0.7 } }));
    expect(many.map((d) => [d.id, d.severity])).toEqual([['no-preferences', 'warning']]);
    expect(many[0]!.explanation).toContain('raise the temperature (now 0.7)');
    expect(ids(run([point(50, { no_preference_steps: 0 })]))).toEqual([]);
  });
});

describe('kl-runaway', () => {
  it('fires when the mean log-ratio of samples passes 20 nats', () => {
    const kl = (values: number[]) => values.map((v, i) => point(10 * (i + 1), { 'objective/kl': v }));
    expect(ids(run(kl([1, 2, 3, 10, 30, 40]), { config: { method: 'online' } }))).toEqual(['kl-runaway']);
    expect(ids(run(kl([1, 2, 3, 10, 12, 15]), { config: { method: 'online' } }))).toEqual([]);
  });
});

describe('non-finite', () => {
  it('fires on any NaN or infinite value and names it', () => {
    const found = diagnose(run([point(1, { loss: 0.69 }), point(2, { loss: Number.NaN }), point(3, { loss: 0.6 })]));
    expect(found.map((d) => d.id)).toEqual(['non-finite']);
    expect(found[0]!.explanation).toContain('"loss" was NaN at step 2');
    expect(ids(run([point(1, { grad_norm: Number.POSITIVE_INFINITY })]))).toEqual(['non-finite']);
  });

  it('fires on refused steps at the latest point, not on zero', () => {
    expect(ids(run([point(5, { loss: 0.6, refused_steps: 2 })]))).toEqual(['non-finite']);
    expect(ids(run([point(5, { loss: 0.6, refused_steps: 0 })]))).toEqual([]);
  });
});

it('lists several diagnoses in a fixed order', () => {
  const history = [
    point(1, { 'logps/chosen': -10, 'logps/rejected': -12, 'rewards/margins': 0, loss: 0.69 }),
    point(200, {
      'logps/chosen': -20,
      'logps/rejected': -60,
      'rewards/margins': 15,
      'rewards/accuracies': 1,
      loss: 0.001,
      refused_steps: 1,
    }),
  ];
  const evals = [
    { step: 0, summary: summary() },
    { step: 200, summary: summary({ cover: 0.3, chair_i: 0.05 }) },
  ];
  expect(ids(run(history, { evals }))).toEqual(['both-logps-falling', 'margins-exploding', 'coverage-collapsing', 'non-finite']);
  expect(ids(run([]))).toEqual([]);
});

describe('stuck-at-ln2 advice', () => {
  const flat = [10, 15, 20].map((step) => point(step, { 'rewards/margins': 0.001 }));
  it('names beta or the learning rate only when they are off, else points at the pairs', () => {
    const at = (config: Partial<PlaygroundConfig>) => diagnose(run(flat, { config }))[0]!.explanation;
    expect(at({ beta: 0.01, learningRate: 2e-4 })).toContain('raise beta (now 0.01; try 0.1)');
    expect(at({ beta: 0.01, learningRate: 2e-4 })).not.toContain('learning rate');
    expect(at({ beta: 0.1, learningRate: 1e-5 })).toContain('raise the learning rate (now 0.00001; try 2e-4)');
    expect(at({ beta: 0.1, learningRate: 2e-4 })).toContain('pair inspector');
  });
});
