import { describe, expect, it } from 'vitest';
import { describeProgress } from '../../src/core/runs/announce';
import { defaultConfig } from '../../src/core/settings/controls';
import type { RunRecord } from '../../src/core/runs/run-record';
import { type EvalRecord } from '../../src/core/eval/eval-record';
import { describeLines } from '../../src/ui/charts/series';
import { LATER_SCORES } from './later-eval-scores';

const summary = (chair_i: number): EvalRecord => ({
  chair_i,
  chair_s: 0,
  cover: 1,
  attr_error: 0,
  count_error: 0,
  pope_acc: 1,
  pope_f1: 1,
  pope_yes_ratio: 0.5,
  ...LATER_SCORES,
});

function run(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    name: 'offline beta=0.1',
    colour: '#4e79a7',
    config: defaultConfig(),
    status: 'running',
    createdAt: 0,
    step: 40,
    history: [{ step: 40, metrics: { loss: 0.52349 } }],
    evals: [
      { step: 0, summary: summary(0.213) },
      { step: 25, summary: summary(0.081) },
    ],
    events: [],
    visible: true,
    ...over,
  };
}

describe('words for screen readers', () => {
  it('says where a run is: step, latest loss and CHAIR_i while it trains, the CHAIR_i it moved when it ends', () => {
    expect(describeProgress(run(), 'running')).toBe('Run offline beta=0.1 running: step 40 of 100, loss 0.523, CHAIR_i 8.1%.');
    expect(describeProgress(run({ step: 100 }), 'done')).toBe('Run offline beta=0.1 done at step 100: CHAIR_i 21.3% to 8.1%.');
    expect(describeProgress(run(), 'idle')).toBe('');
    expect(describeProgress(undefined, 'running')).toBe('');
  });

  it('describes a chart by the latest value of each line, without the SFT baseline', () => {
    const lines = [
      {
        label: 'loss',
        colour: '#4e79a7',
        dash: [],
        points: [
          { x: 1, y: 0.69 },
          { x: 2, y: 0.612345 },
        ],
      },
      { label: 'loss (SFT start)', colour: '#4e79a788', dash: [1, 4], points: [{ x: 0, y: 1 }] },
    ];
    expect(describeLines('Loss', lines)).toBe('Loss chart, latest: loss 0.612 at step 2');
    expect(describeLines('Loss', [])).toBe('Loss chart: no points yet');
  });
});
