/**
 * Plain-words diagnoses of a run, from the failure patterns in the project reference: each looks at
 * the TRL metric history (and the hallucination evals) and, when it matches, tells a student what it
 * means and what to try. Pure functions of the run record, so the app and tests share them.
 */
import type { MetricName } from '../dpo/metric-names';
import { judgeEntry } from '../dpo/judge';
import { parseLossSpec } from '../dpo/loss-spec';
import type { LossType } from '../dpo/loss-options';
import { noPreferenceSteps, type MetricPoint, type RunRecord } from '../runs/run-record';
import { type EvalRecord } from '../eval/eval-record';

export interface Diagnosis {
  id:
    | 'stuck-at-ln2'
    | 'both-logps-falling'
    | 'margins-exploding'
    | 'coverage-collapsing'
    | 'getting-worse'
    | 'reward-hacking'
    | 'no-preferences'
    | 'kl-runaway'
    | 'non-finite';
  severity: 'info' | 'warning';
  title: string;
  explanation: string;
}

type DiagnosedRun = Pick<RunRecord, 'history' | 'evals' | 'config'>;

/** Loss types with a positive weight (none when the text does not parse: such a run never trained). */
function activeLossTypes(spec: string): Set<LossType> {
  try {
    return new Set(
      parseLossSpec(spec)
        .filter((term) => term.weight > 0)
        .map((term) => term.type),
    );
  } catch {
    return new Set();
  }
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

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

/** The starting model's scores and the latest evaluation's, once the run has evaluated past its start. */
function evalEnds(run: DiagnosedRun): [EvalRecord, EvalRecord] | undefined {
  if (run.evals.length < 2) return undefined;
  return [run.evals[0]!.summary, run.evals.at(-1)!.summary];
}

/** A noisy training metric's start and latest values: the means of its first and last three logged points. */
function trainEnds(history: readonly MetricPoint[], name: MetricName): [number, number] | undefined {
  const values = history.map((p) => metric(p, name)).filter((v): v is number => v !== undefined);
  if (values.length < 4) return undefined;
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return [avg(values.slice(0, 3)), avg(values.slice(-3))];
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
  if (run.config.method === 'sft' || !activeLossTypes(run.config.lossTypes).has('sigmoid')) return undefined;
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
    explanation: `The reward margin has stayed at about 0, so the policy still rates chosen and rejected captions exactly as the reference does: it is not learning. ${stuckAdvice(run.config)}`,
  };
}

/** What to change when DPO is stuck, naming only what differs from the settings. */
function stuckAdvice(config: DiagnosedRun['config']): string {
  const changes: string[] = [];
  if (Number(config.beta) < 0.05) changes.push(`raise beta (now ${config.beta}; try 0.1)`);
  if (Number(config.learningRate) < 1e-4) changes.push(`raise the learning rate (now ${config.learningRate}; try 2e-4)`);
  return changes.length > 0
    ? `Try: ${changes.join('; ')}.`
    : 'beta and the learning rate are at working values: look at the pair inspector, where chosen and rejected captions may be the same.';
}

function bothLogpsFalling(run: DiagnosedRun): Diagnosis | undefined {
  const ends = firstAndLatestWith(run.history, ['logps/chosen', 'logps/rejected', 'rewards/margins']);
  if (!ends) return undefined;
  const [first, latest] = ends;
  const fell = (name: MetricName) => metric(first, name)! - metric(latest, name)! > 1;
  if (!fell('logps/chosen') || !fell('logps/rejected') || !(metric(latest, 'rewards/margins')! > metric(first, 'rewards/margins')!))
    return undefined;
  const hasSft = activeLossTypes(run.config.lossTypes).has('sft');
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
  const ends = evalEnds(run);
  if (!ends) return undefined;
  const [start, latest] = ends;
  // The 1e-9 keeps a drop of exactly 0.10 (0.8 - 0.7 is 0.10000000000000009 in floats) from firing.
  if (!(start.cover - latest.cover > 0.1 + 1e-9)) return undefined;
  const fewerErrors = latest.chair_i < start.chair_i;
  return {
    id: 'coverage-collapsing',
    severity: 'warning',
    title: fewerErrors
      ? 'Fewer hallucinations, but only by saying less'
      : 'Coverage is collapsing: captions name fewer of the true objects',
    explanation: `Cover fell from ${pct(start.cover)} to ${pct(latest.cover)}${
      fewerErrors
        ? ` while CHAIR_i improved (${pct(start.chair_i)} -> ${pct(latest.chair_i)}): the model learned to mention fewer objects (length gaming), not to see better.`
        : ` and CHAIR_i did not improve (${pct(start.chair_i)} -> ${pct(latest.chair_i)}): the captions lost true objects without losing invented ones.`
    } ${advice(run.config, ['cover', 'coverage-judge', 'sft', 'beta', 'lr'])}`,
  };
}

/** Scores where higher is better, and how far below its start each may fall before it is news. */
const SKILLS: readonly { key: keyof EvalRecord; label: string }[] = [
  { key: 'pope_acc', label: 'POPE accuracy' },
  { key: 'acc_existence', label: 'existence questions' },
  { key: 'acc_attribute', label: 'attribute questions' },
  { key: 'acc_counting', label: 'counting questions' },
  { key: 'acc_relation', label: 'spatial-relation questions' },
  { key: 'acc_comparison', label: 'comparison questions' },
];
const SKILL_DROP = 0.15;

function gettingWorse(run: DiagnosedRun): Diagnosis | undefined {
  const ends = evalEnds(run);
  if (!ends) return undefined;
  const [start, latest] = ends;
  const worse: string[] = [];
  if (latest.chair_i - start.chair_i > 0.05 && latest.chair_i > 1.3 * start.chair_i)
    worse.push(`CHAIR_i rose ${pct(start.chair_i)} -> ${pct(latest.chair_i)} (more invented objects)`);
  for (const { key, label } of SKILLS) {
    if (start[key] - latest[key] > SKILL_DROP) worse.push(`${label} fell ${pct(start[key])} -> ${pct(latest[key])}`);
  }
  if (worse.length === 0) return undefined;
  return {
    id: 'getting-worse',
    severity: 'warning',
    title: 'The model is getting worse than the SFT start',
    explanation: `On the held-out scenes ${worse.join('; ')}. Training is moving the model away from what it could do: the preference data (or the judge) rewards something else. ${advice(run.config, ['facts', 'sft', 'beta', 'lr'])}`,
  };
}

function rewardHacking(run: DiagnosedRun): Diagnosis | undefined {
  if (run.config.method === 'offline' || run.config.method === 'sft') return undefined;
  const scores = trainEnds(run.history, 'objective/scores');
  const ends = evalEnds(run);
  if (!scores || !ends) return undefined;
  const [start, latest] = ends;
  const chairRose = latest.chair_i - start.chair_i > 0.03;
  const coverFell = start.cover - latest.cover > 0.2;
  if (!(scores[1] > scores[0] && (chairRose || coverFell))) return undefined;
  const harm = [
    chairRose ? `CHAIR_i rose ${pct(start.chair_i)} -> ${pct(latest.chair_i)}` : '',
    coverFell ? `Cover fell ${pct(start.cover)} -> ${pct(latest.cover)}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return {
    id: 'reward-hacking',
    severity: 'warning',
    title: "Reward hacking: the judge's score climbs while the captions get worse",
    explanation: `objective/scores rose ${num(scores[0])} -> ${num(scores[1])}, yet ${harm}: the policy found what the judge likes, not what is in the picture. ${advice(run.config, ['facts', 'beta', 'sft', 'stop'])}`,
  };
}

function noPreferences(run: DiagnosedRun): Diagnosis | undefined {
  const tied = noPreferenceSteps(run.history);
  if (!tied || tied.count === 0) return undefined;
  const { count, step } = tied;
  const share = count / Math.max(1, step);
  return {
    id: 'no-preferences',
    severity: share >= 0.1 ? 'warning' : 'info',
    title: share >= 0.1 ? 'Samples collapsed: no preferences to learn from' : 'Some steps had no preference pairs',
    explanation: `At ${count} of the first ${step} steps, the ${run.config.samples} samples of every image got the same score from the judge, so those steps had no pair and did not train (their points are missing from the loss charts). ${
      share >= 0.1
        ? 'When this grows, the policy writes nearly the same caption every time (watch objective/entropy fall): sampling no longer explores. '
        : ''
    }${advice(run.config, ['temp', 'k', 'beta'])}`,
  };
}

/** Mean per-sequence log-ratio (nats) past which the policy is far from its reference. */
const KL_RUNAWAY = 20;

function klRunaway(run: DiagnosedRun): Diagnosis | undefined {
  const kl = trainEnds(run.history, 'objective/kl');
  if (!kl || !(kl[1] > KL_RUNAWAY)) return undefined;
  return {
    id: 'kl-runaway',
    severity: 'warning',
    title: 'KL is running away: the policy is far from the reference',
    explanation: `objective/kl is ${num(kl[1])} nats per caption (it started at ${num(kl[0])}): the captions the policy writes now are ones the reference would almost never write. beta no longer holds it back, and whatever the judge rewards is being pushed to the extreme. ${advice(run.config, ['beta', 'sft', 'lr', 'stop'])}`,
  };
}

type Fix = 'cover' | 'coverage-judge' | 'sft' | 'beta' | 'lr' | 'temp' | 'k' | 'facts' | 'stop';

/**
 * What to try, naming only changes the run's settings do not already have (advising "add an sft
 * term" to a run that has one would send a student in circles).
 */
export function advice(config: DiagnosedRun['config'], fixes: readonly Fix[]): string {
  const online = config.method === 'online' || config.method === 'mixed';
  const judge = judgeEntry(config.judge);
  const steps: string[] = [];
  for (const fix of fixes) {
    if (fix === 'cover' && online && judge.rewardsCoverage && Number(config.coverageBonus) === 0)
      steps.push('set the coverage bonus above 0 (the judge then rewards naming true objects)');
    if (fix === 'coverage-judge' && online && config.judge === 'self')
      steps.push('use a judge that also rewards naming what is there (oracle, with its coverage bonus): the self-judge only checks claims');
    if (fix === 'sft' && !activeLossTypes(String(config.lossTypes)).has('sft')) steps.push('add an sft term to the loss (sigmoid,sft:1)');
    if (fix === 'beta' && Number(config.beta) < 0.5) steps.push(`raise beta (now ${config.beta}) to keep the policy nearer the reference`);
    if (fix === 'lr' && Number(config.learningRate) > 1e-4) steps.push(`lower the learning rate (now ${config.learningRate})`);
    if (fix === 'temp' && online && Number(config.temperature) < 1)
      steps.push(`raise the temperature (now ${config.temperature}) so samples differ`);
    if (fix === 'k' && online && Number(config.samples) < 8) steps.push(`draw more samples per image (K now ${config.samples})`);
    if (fix === 'facts' && judge.gamed) steps.push(`give the reward model the facts (judge ${judge.gamed.withFacts})`);
    if (fix === 'stop' && online) steps.push('stop earlier: keep the checkpoint from before the score and the scores parted');
  }
  return steps.length > 0 ? `Try: ${steps.join('; ')}.` : 'The usual fixes are already in these settings: compare with a shorter run.';
}

/** Fixed order (that of Diagnosis['id']) so the panel does not reshuffle as a run streams. */
const CHECKS = [
  stuckAtLn2,
  bothLogpsFalling,
  marginsExploding,
  coverageCollapsing,
  gettingWorse,
  rewardHacking,
  noPreferences,
  klRunaway,
  nonFinite,
];

export function diagnose(run: DiagnosedRun): Diagnosis[] {
  return CHECKS.map((check) => check(run)).filter((d): d is Diagnosis => d !== undefined);
}
