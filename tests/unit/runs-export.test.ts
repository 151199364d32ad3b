import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONTROLS, defaultConfig } from '../../src/core/playground/controls';
import type { EvalSummary, RunRecord } from '../../src/core/playground/runs';
import { configDiff, parseRunsJson, runsToCsv, runsToJson } from '../../src/core/playground/runs-export';
import { LATER_SCORES } from './later-eval-scores';

const summary = (over: Partial<EvalSummary> = {}): EvalSummary => ({
  chair_i: 0.3,
  chair_s: 0.5,
  cover: 0.8,
  attr_error: 0.1,
  count_error: 0.2,
  pope_acc: 0.7,
  pope_f1: 0.6,
  pope_yes_ratio: 0.5,
  ...LATER_SCORES,
  ...over,
});

function makeRun(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    name: 'baseline',
    colour: '#4e79a7',
    config: defaultConfig(),
    status: 'done',
    createdAt: 1700000000000,
    step: 100,
    history: [
      { step: 50, metrics: { loss: 0.5, 'rewards/margins': 0.4, 'rewards/accuracies': 0.75 } },
      { step: 100, metrics: { loss: 0.25, 'rewards/margins': 1.5 } },
    ],
    evals: [
      { step: 0, summary: summary() },
      { step: 100, summary: summary({ chair_i: 0.1, cover: 0.75 }) },
    ],
    events: ['started'],
    visible: true,
    ...over,
  };
}

afterEach(() => vi.useRealTimers());

describe('configDiff', () => {
  it('lists keys that differ between any runs, in CONTROLS order', () => {
    const a = makeRun();
    const b = makeRun({ config: { ...defaultConfig(), seed: 2, beta: 0.5 } });
    const c = makeRun({ config: { ...defaultConfig(), mode: 'online' } });
    expect(configDiff([a, b, c])).toEqual(['mode', 'beta', 'seed']);
    expect(configDiff([a, makeRun()])).toEqual([]);
    expect(configDiff([])).toEqual([]);
  });
});

describe('runsToCsv', () => {
  it('has the id, status, every control, final and start evals, and the latest metrics as columns', () => {
    const [header] = runsToCsv([]).split('\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 4)).toEqual(['id', 'name', 'status', 'step']);
    expect(columns.slice(4, 4 + CONTROLS.length)).toEqual(CONTROLS.map((c) => c.key));
    expect(columns.slice(4 + CONTROLS.length)).toEqual([
      'final_chair_i',
      'final_chair_s',
      'final_cover',
      'final_attr_error',
      'final_count_error',
      'final_pope_acc',
      'final_pope_f1',
      'final_pope_yes_ratio',
      'final_injection',
      'final_hall_rate',
      'final_acc_existence',
      'final_acc_attribute',
      'final_acc_counting',
      'final_acc_relation',
      'final_acc_comparison',
      'final_acc_holistic',
      'start_chair_i',
      'start_chair_s',
      'start_cover',
      'start_attr_error',
      'start_count_error',
      'start_pope_acc',
      'start_pope_f1',
      'start_pope_yes_ratio',
      'start_injection',
      'start_hall_rate',
      'start_acc_existence',
      'start_acc_attribute',
      'start_acc_counting',
      'start_acc_relation',
      'start_acc_comparison',
      'start_acc_holistic',
      'final_loss',
      'final_rewards/margins',
      'final_rewards/accuracies',
    ]);
    expect(runsToCsv([])).toBe(`${header}\n`);
  });

  it('writes one row per run with RFC 4180 quoting and a trailing newline', () => {
    const csv = runsToCsv([makeRun({ name: 'a, "b"' })]);
    expect(csv.endsWith('\n')).toBe(true);
    const lines = csv.split('\n');
    expect(lines).toHaveLength(3);
    const row = lines[1]!;
    expect(row.startsWith('r1,"a, ""b""",done,100,0.75,0.7,0.6,offline,')).toBe(true);
    // The loss-types control holds a comma, so it is quoted too.
    expect(row).toContain(',"sigmoid,sft:1",0,0,off,0.1,');
    // final evals, then start evals, then latest loss, margins, and the accuracy from the earlier point.
    const categories = ',0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5';
    expect(row.endsWith(`,0.1,0.5,0.75,0.1,0.2,0.7,0.6,0.5${categories},0.3,0.5,0.8,0.1,0.2,0.7,0.6,0.5${categories},0.25,1.5,0.75`)).toBe(
      true,
    );
  });

  it('quotes line breaks and leaves missing values empty', () => {
    const csv = runsToCsv([makeRun({ name: 'two\nlines', history: [], evals: [] })]);
    expect(csv).toContain('r1,"two\nlines",done,');
    expect(csv.endsWith(',' + ','.repeat(18) + '\n')).toBe(true);
  });
});

describe('runs JSON', () => {
  it('round-trips runs through runsToJson and parseRunsJson', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-01-02T03:04:05.000Z'));
    const runs = [
      makeRun(),
      makeRun({ id: 'r2', name: 'sweep', sweepId: 's1', config: { ...defaultConfig(), beta: 0.5 }, visible: false }),
    ];
    const text = runsToJson(runs);
    const file = JSON.parse(text);
    expect(file).toMatchObject({ format: 'dpo-playground-runs', version: 1, exportedAt: '2025-01-02T03:04:05.000Z' });
    expect(text).toContain('\n  "version": 1');
    expect(parseRunsJson(text)).toEqual(runs);
  });

  it('brings NaN back (JSON writes it as null), fills missing controls and stops unfinished runs', () => {
    const raw = JSON.parse(runsToJson([makeRun({ status: 'running', history: [{ step: 1, metrics: { loss: Number.NaN } }] })]));
    delete raw.runs[0].config.topp;
    delete raw.runs[0].colour;
    const notes: string[] = [];
    const [run] = parseRunsJson(JSON.stringify(raw), notes);
    expect(run!.history[0]!.metrics.loss).toBeNaN();
    expect(run!.config.topp).toBe(1);
    expect(run!.status).toBe('stopped');
    expect(run!.colour).toBe('#4e79a7');
    // Nothing changes silently: each fill-in is listed.
    expect(notes).toEqual(['run 1: no Top-p setting; taken as the default, 1', 'run 1 was running when exported; imported as stopped']);
  });

  it('reads evaluations exported before question categories and signs, naming the scores it lacks', () => {
    const file = JSON.parse(runsToJson([makeRun()]));
    for (const point of file.runs[0].evals) {
      for (const key of [
        'injection',
        'hall_rate',
        'acc_existence',
        'acc_attribute',
        'acc_counting',
        'acc_relation',
        'acc_comparison',
        'acc_holistic',
      ])
        delete point.summary[key];
    }
    const notes: string[] = [];
    const [run] = parseRunsJson(JSON.stringify(file), notes);
    expect(run!.evals[0]!.summary.chair_i).toBe(0.3);
    expect(run!.evals[0]!.summary.injection).toBeNaN();
    expect(notes).toEqual(['run 1: its evaluations predate question categories and signs; those scores show as n/a']);
    delete file.runs[0].evals[0].summary.chair_i;
    expect(() => parseRunsJson(JSON.stringify(file))).toThrow(/has no chair_i/);
  });

  it('refuses out-of-range evaluations and steps, and names a run step it had to replace', () => {
    const good = JSON.parse(
      runsToJson([
        makeRun({
          evals: [
            {
              step: 0,
              summary: {
                chair_i: 0.2,
                chair_s: 0.5,
                cover: 0.9,
                attr_error: 0,
                count_error: 0,
                pope_acc: 0.8,
                pope_f1: 0.8,
                pope_yes_ratio: 0.5,
                injection: 0.4,
                hall_rate: 0.3,
                acc_existence: 0.9,
                acc_attribute: 0.8,
                acc_counting: 0.5,
                acc_relation: 0.6,
                acc_comparison: 0.7,
                acc_holistic: 0.4,
              },
            },
          ],
        }),
      ]),
    );
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into any field of the parsed JSON
    const edited = (edit: (run: Record<string, any>) => void) => {
      const copy = structuredClone(good);
      edit(copy.runs[0]);
      return JSON.stringify(copy);
    };
    expect(() => parseRunsJson(edited((r) => (r.evals[0].summary.pope_acc = -1e308)))).toThrow(
      'run 1: evaluation 1 has pope_acc = -1e+308, outside 0..1',
    );
    expect(() => parseRunsJson(edited((r) => (r.evals[0].step = 2.5)))).toThrow(/evaluation 1 is malformed \(needs a whole-number step/);
    expect(() => parseRunsJson(edited((r) => (r.history = [{ step: -3, metrics: {} }])))).toThrow(/history point 1 is malformed/);
    const notes: string[] = [];
    const [run] = parseRunsJson(
      edited((r) => (r.step = -7)),
      notes,
    );
    const lastLogged = good.runs[0].history.at(-1).step;
    expect(run!.step).toBe(lastLogged);
    expect(notes).toEqual([`run 1: step -7 is not a step; taken as ${lastLogged}, its last logged step`]);
  });

  it('takes colours from the palette only (they reach inline styles) and names unknown settings', () => {
    const raw = JSON.parse(runsToJson([makeRun()]));
    raw.runs[0].colour = 'red; background: url(https://example.com/track)';
    raw.runs[0].config.sed = 3;
    const notes: string[] = [];
    const [run] = parseRunsJson(JSON.stringify(raw), notes);
    expect(run!.colour).toBe('#4e79a7');
    expect(notes).toEqual([
      'run 1: unknown setting "sed" ignored',
      // The value is cut to a readable length.
      'run 1: colour "red; background: url(https://example.co... is not one of the playground\'s; shown as #4e79a7',
    ]);
    raw.runs[0].colour = '#E15759';
    delete raw.runs[0].config.sed;
    const kept: string[] = [];
    expect(parseRunsJson(JSON.stringify(raw), kept)[0]!.colour).toBe('#e15759');
    expect(kept).toEqual([]);
  });

  it('names every optional field it replaces because of its type', () => {
    const raw = JSON.parse(runsToJson([makeRun({ id: 'r7' })]));
    Object.assign(raw.runs[0], { name: 42, createdAt: 'yesterday', events: ['ok', 3], visible: 'yes', sweepId: {}, error: 5 });
    const notes: string[] = [];
    const [run] = parseRunsJson(JSON.stringify(raw), notes);
    expect(run).toMatchObject({ name: 'r7', events: [], visible: true });
    expect(run!.sweepId).toBeUndefined();
    expect(run!.error).toBeUndefined();
    expect(Number.isFinite(run!.createdAt)).toBe(true);
    expect(notes).toEqual([
      'run 1: name 42 is not valid; named r7',
      'run 1: createdAt "yesterday" is not valid; dated now',
      'run 1: events ["ok",3] is not valid; no events kept',
      'run 1: visible "yes" is not valid; shown',
      'run 1: sweepId {} is not valid; not part of a sweep',
      'run 1: error 5 is not valid; no error message kept',
    ]);
  });

  it('rejects garbage with a clear message', () => {
    const good = JSON.parse(runsToJson([makeRun(), makeRun({ id: 'r2' })]));
    const withRun2 = (edit: (run: Record<string, unknown>) => void) => {
      const copy = structuredClone(good);
      edit(copy.runs[1]);
      return JSON.stringify(copy);
    };
    expect(() => parseRunsJson('hello')).toThrow('not a DPO Playground runs file');
    expect(() => parseRunsJson('{"format":"something-else","runs":[]}')).toThrow(/^not a DPO Playground runs file$/);
    expect(() => parseRunsJson('[1,2]')).toThrow('not a DPO Playground runs file');
    expect(() => parseRunsJson(JSON.stringify({ ...good, version: 2 }))).toThrow('newer playground (version 2)');
    expect(() => parseRunsJson(JSON.stringify({ ...good, runs: {} }))).toThrow('the runs file has no list of runs');
    expect(() => parseRunsJson(withRun2((r) => delete r.config))).toThrow(/^run 2 has no config$/);
    expect(() => parseRunsJson(withRun2((r) => delete r.id))).toThrow('run 2 has no id');
    expect(() => parseRunsJson(withRun2((r) => (r.id = 'r1')))).toThrow('run 2 has the same id as run 1');
    expect(() => parseRunsJson(withRun2((r) => ((r.config as Record<string, unknown>).beta = -1)))).toThrow(
      'run 2: Beta must be greater than 0 (got -1)',
    );
    expect(() => parseRunsJson(withRun2((r) => ((r.config as Record<string, unknown>).loss = 'dpo')))).toThrow(
      'run 2: Loss types: unknown loss type "dpo"',
    );
    expect(() => parseRunsJson(withRun2((r) => (r.status = 'exploded')))).toThrow('run 2 has an unknown status "exploded"');
    expect(() => parseRunsJson(withRun2((r) => (r.history = [{ step: 1, metrics: { loss: 'low' } }])))).toThrow(
      'run 2: metric "loss" at step 1 is not a number',
    );
    expect(() => parseRunsJson(withRun2((r) => (r.evals = [{ step: 0, summary: { chair_i: 0.1 } }])))).toThrow(
      'run 2: evaluation 1 has no chair_s',
    );
    expect(parseRunsJson(JSON.stringify(good))).toHaveLength(2);
  });
});
