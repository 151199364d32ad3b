/**
 * What a screen reader hears about a run, in one sentence (DOM-free): its step, latest loss and
 * latest CHAIR_i while it trains, and the CHAIR_i it moved from and to when it ends.
 */
import { isFinished, latestEval, type RunRecord, type RunStatus } from './run-record';

const percent = (rate: number) => `${(100 * rate).toFixed(1)}%`;

export function describeProgress(run: RunRecord | undefined, status: RunStatus | 'idle'): string {
  if (!run || status === 'idle') return '';
  const latest = latestEval(run);
  const chair = latest && Number.isFinite(latest.chair_i) ? `, CHAIR_i ${percent(latest.chair_i)}` : '';
  if (isFinished(status)) {
    const start = run.evals[0]?.summary.chair_i;
    const moved = start !== undefined && latest ? `: CHAIR_i ${percent(start)} to ${percent(latest.chair_i)}` : '';
    return `Run ${run.name} ${status} at step ${run.step}${moved}.`;
  }
  const loss = run.history.at(-1)?.metrics.loss;
  const lossText = loss !== undefined && Number.isFinite(loss) ? `, loss ${loss.toFixed(3)}` : '';
  return `Run ${run.name} ${status}: step ${run.step} of ${run.config.steps}${lossText}${chair}.`;
}
