/**
 * Plain-words diagnoses of a run, from the failure patterns in the project reference: each looks at
 * the TRL metric history (and the hallucination evals) and, when it matches, tells a student what it
 * means and what to try. Pure functions of the run record, so the app and tests share them.
 */
import type { MetricName } from '../dpo/metric-names';
import type { MetricPoint, RunRecord } from './runs';

export interface Diagnosis {
  id: 'stuck-at-ln2' | 'both-logps-falling' | 'margins-exploding' | 'coverage-collapsing' | 'non-finite';
  severity: 'info' | 'warning';
  title: string;
  explanation: string;
}

type DiagnosedRun = Pick<RunRecord, 'history' | 'evals' | 'config'>;

/** Loss types with a positive weight. A light parse (not parseLossSpec) keeps this module free of tfjs. */
function activeLossTypes(spec: string): Set<string> {
  const types = new Set<string>();
  for (const part of spec.split(',')) {
    const [name, weightText] = part.trim().split(':');
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (name && weight > 0) types.add(name.trim());
  }
  return types;
}

function metric(point: MetricPoint | undefined, name: MetricName): number | undefined {
  const value = point?.metrics[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The first and latest points that carry every one of `names` (some points log only a subset). */
function firstAndLatestWith(history: readonly MetricPoint[], names: readonly MetricName[]): [MetricPoint, MetricPoint] | undefined {
  const has = (p: MetricPoint) => names.every((n) => metric(p, n) !== undefined);
  const first = history.find(has);
  const latest = history.findLast(has);
  return first && latest && first !== latest ? [first, latest] : undefined;
}

function nonFinite(run: DiagnosedRun): Diagnosis | undefined {
  for (const point of run.history) {
    for (const [name, value] of Object.entries(point.metrics)) {
      // typeof check too: NaN saved as JSON comes back as null.
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return {
          id: 'non-finite',
          severity: 'warning',
          title: 'A metric became NaN or infinite',
          explanation: `"${name}" was ${String(value)} at step ${point.step}: the numbers overflowed, usually from a learning rate that is too high. Lower the learning rate (or raise beta) and start again.`,
        };
      }
    }
  }
  const refused = metric(run.history.at(-1), 'refused_steps');
  if (refused !== undefined && refused > 0) {
    return {
      id: 'non-finite',
      severity: 'warning',
      title: 'Some steps were skipped because of NaN gradients',
      explanation: `${refused} step(s) produced non-finite values and were refused, so the weights were not updated. Lower the learning rate (or raise beta) so the updates stay finite.`,
    };
  }
  return undefined;
}

function stuckAtLn2(run: DiagnosedRun): Diagnosis | undefined {
  if (run.config.mode === 'sft' || !activeLossTypes(run.config.loss).has('sigmoid')) return undefined;
  const recent = run.history.slice(-3);
  if (recent.length < 3 || (recent.at(-1)?.step ?? 0) < 20) return undefined;
  // Margins, not loss: an sft term moves the total loss away from ln 2 even when DPO is stuck.
  const flat = recent.every((p) => {
    const m = metric(p, 'rewards/margins');
    return m !== undefined && Math.abs(m) < 0.01;
  });
  if (!flat) return undefined;
  return {
    id: 'stuck-at-ln2',
    severity: 'warning',
    title: 'DPO is stuck at ln 2 = 0.6931 (margins near 0)',
    explanation:
      'The reward margin has stayed at about 0, so the policy still rates chosen and rejected captions exactly as the reference does: it is not learning. Check that beta is not tiny and the learning rate is not too small (try beta 0.1 and lr 2e-4).',
  };
}

function bothLogpsFalling(run: DiagnosedRun): Diagnosis | undefined {
  const ends = firstAndLatestWith(run.history, ['logps/chosen', 'logps/rejected', 'rewards/margins']);
  if (!ends) return undefined;
  const [first, latest] = ends;
  const fell = (name: MetricName) => metric(first, name)! - metric(latest, name)! > 1;
  if (!fell('logps/chosen') || !fell('logps/rejected') || !(metric(latest, 'rewards/margins')! > metric(first, 'rewards/margins')!))
    return undefined;
  const hasSft = activeLossTypes(run.config.loss).has('sft');
  return {
    id: 'both-logps-falling',
    severity: hasSft ? 'info' : 'warning',
    title: 'Chosen and rejected captions are both becoming less likely',
    explanation: hasSft
      ? 'DPO only optimises the margin, so it may push both captions down as long as the rejected one falls faster; the sft term is there to hold the chosen captions up. Negative rewards are not by themselves a failure: watch the captions and the hallucination panel.'
      : 'DPO only optimises the margin, so it may push both captions down as long as the rejected one falls faster. Negative rewards are not by themselves a failure, but if captions degrade add an sft (RPO) term, e.g. loss sigmoid,sft:1.',
  };
}

function marginsExploding(run: DiagnosedRun): Diagnosis | undefined {
  const latest = run.history.at(-1);
  const margins = metric(latest, 'rewards/margins');
  const accuracy = metric(latest, 'rewards/accuracies');
  const loss = metric(latest, 'loss');
  if (margins === undefined || accuracy === undefined || loss === undefined) return undefined;
  if (!(margins > 10 && accuracy >= 0.99 && loss < 0.05)) return undefined;
  return {
    id: 'margins-exploding',
    severity: 'warning',
    title: 'Margins are exploding: over-optimisation',
    explanation: `The margin is ${margins.toFixed(1)} and every pair is already ranked right, so the policy keeps drifting from the reference with nothing left to learn. Lower the learning rate or raise beta, and check that the captions still read well.`,
  };
}

function coverageCollapsing(run: DiagnosedRun): Diagnosis | undefined {
  if (run.evals.length < 2) return undefined;
  const start = run.evals[0]!.summary;
  const latest = run.evals.at(-1)!.summary;
  // The 1e-9 keeps a drop of exactly 0.10 (0.8 - 0.7 is 0.10000000000000009 in floats) from firing.
  if (!(start.cover - latest.cover > 0.1 + 1e-9 && latest.chair_i < start.chair_i)) return undefined;
  return {
    id: 'coverage-collapsing',
    severity: 'warning',
    title: 'Fewer hallucinations, but only by saying less',
    explanation: `Coverage fell from ${start.cover.toFixed(2)} to ${latest.cover.toFixed(2)} while CHAIR improved: the model learned to mention fewer objects (length gaming), not to see better. Set the coverage bonus above 0 or add an sft term to the loss.`,
  };
}

/** Fixed order (that of Diagnosis['id']) so the panel does not reshuffle as a run streams. */
const CHECKS = [stuckAtLn2, bothLogpsFalling, marginsExploding, coverageCollapsing, nonFinite];

export function diagnose(run: DiagnosedRun): Diagnosis[] {
  return CHECKS.map((check) => check(run)).filter((d): d is Diagnosis => d !== undefined);
}
