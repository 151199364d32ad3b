/** The training charts, in page order: what each plots and the help its (?) shows. */
import type { SeriesSpec } from './series';

export interface ChartDefinition {
  id: string;
  title: string;
  specs: SeriesSpec[];
  help: string;
  /** Draw each run's starting-model evaluation as a flat line. */
  baseline?: boolean;
  /** Only when a run samples online (online and mixed modes). */
  onlineOnly?: boolean;
  /** Plots what only a step with preference pairs computes: steps without pairs leave gaps (the card says so). */
  fromPairs?: boolean;
  /**
   * Too many metrics to overlay for several runs: a selector (named this) shows one at a time, one
   * line per run; a single run may show all of them.
   */
  pick?: string;
}

export const CHARTS: readonly ChartDefinition[] = [
  {
    id: 'loss',
    title: 'Loss',
    specs: [{ key: 'loss', label: 'loss' }],
    help: 'The training loss (DPO terms plus any sft term). Plain DPO starts at ln 2 = 0.693.',
    fromPairs: true,
  },
  {
    id: 'rewards',
    title: 'Rewards (beta x log-ratio)',
    specs: [
      { key: 'rewards/margins', label: 'margins' },
      { key: 'rewards/chosen', label: 'chosen' },
      { key: 'rewards/rejected', label: 'rejected' },
    ],
    help: 'rewards/chosen = beta x (log pi - log pi_ref) of the chosen caption; margins = chosen - rejected. Margins should grow.',
    fromPairs: true,
  },
  {
    id: 'accuracies',
    title: 'rewards/accuracies',
    specs: [{ key: 'rewards/accuracies', label: 'accuracy' }],
    help: 'Share of pairs where the chosen caption gained more than the rejected one.',
    fromPairs: true,
  },
  {
    id: 'logps',
    title: 'Log-probabilities',
    specs: [
      { key: 'logps/chosen', label: 'chosen' },
      { key: 'logps/rejected', label: 'rejected' },
    ],
    help: 'Summed log-probability of the chosen and rejected captions under the policy. Both falling: DPO only widens the gap.',
    fromPairs: true,
  },
  {
    id: 'judge-scores',
    title: 'Judge scores (online)',
    specs: [
      { key: 'objective/scores', label: 'mean score' },
      { key: 'objective/scores_margin', label: 'best - worst' },
    ],
    help: "objective/scores: the judge's mean score of the sampled captions (a reward model's reward, or the oracle's count of right minus wrong claims); best - worst: the preference each pair carries. A score that climbs while CHAIR does not fall is reward hacking.",
    onlineOnly: true,
  },
  {
    id: 'kl',
    title: 'KL (online)',
    specs: [{ key: 'objective/kl', label: 'kl' }],
    help: 'objective/kl: how far the sampled captions moved from the reference (mean log-ratio, nats per caption). Tens or hundreds: the policy writes what the reference never would.',
    onlineOnly: true,
    fromPairs: true,
  },
  {
    id: 'entropy',
    title: 'Entropy (online)',
    specs: [{ key: 'objective/entropy', label: 'entropy' }],
    help: "objective/entropy: minus the sampled captions' mean log-probability: how varied the samples are. Falling towards 0: the policy writes the same caption every time.",
    onlineOnly: true,
    fromPairs: true,
  },
  {
    id: 'no-pairs',
    title: 'Steps without pairs (online)',
    specs: [{ key: 'no_preference_steps', label: 'steps so far' }],
    help: "Steps at which every image's K samples got the same score, so there was no pair and nothing to learn (the loss and reward charts have no point there). Rising: the samples have collapsed to one caption, or the judge cannot tell them apart.",
    onlineOnly: true,
  },
  {
    id: 'grad-norm',
    title: 'grad_norm',
    specs: [{ key: 'grad_norm', label: 'grad norm' }],
    help: 'Gradient norm before clipping at 1. Spikes mean unstable training.',
    fromPairs: true,
  },
  {
    id: 'hallucination',
    title: 'Hallucination (held-out scenes)',
    specs: [
      { key: 'eval:chair_i', label: 'CHAIR_i' },
      { key: 'eval:chair_s', label: 'CHAIR_s' },
      { key: 'eval:cover', label: 'Cover' },
    ],
    help: 'CHAIR_i: share of mentioned objects that are not there. CHAIR_s: captions with any. Cover: share of real objects mentioned. Thin dotted: the SFT starting point.',
    baseline: true,
  },
  {
    id: 'pope',
    title: 'POPE adversarial',
    specs: [
      { key: 'eval:pope_f1', label: 'F1' },
      { key: 'eval:pope_yes_ratio', label: 'yes-ratio' },
    ],
    help: 'Yes/no questions about companions that are absent. A model biased to say yes has a high yes-ratio and low F1.',
    baseline: true,
  },
  {
    id: 'categories',
    title: 'Accuracy by question (held-out)',
    specs: [
      { key: 'eval:acc_existence', label: 'existence' },
      { key: 'eval:acc_attribute', label: 'attribute' },
      { key: 'eval:acc_counting', label: 'counting' },
      { key: 'eval:acc_relation', label: 'relation' },
      { key: 'eval:acc_comparison', label: 'comparison' },
      { key: 'eval:acc_holistic', label: 'holistic' },
    ],
    help: 'Share of right answers per question category, as MMHal-Bench scores them: is there a shape, its colour, how many, left of / above, more red than blue, and captions with nothing false (holistic). Thin dotted: the SFT starting point.',
    baseline: true,
    pick: 'Question',
  },
  {
    id: 'injection',
    title: 'Image prompt injection',
    specs: [
      { key: 'eval:injection', label: 'injection' },
      { key: 'eval:hall_rate', label: 'hallucination rate' },
    ],
    help: 'Injection: captions of scenes with a sign ("heart", "say heart") that claim the sign\'s absent shape. Hallucination rate: share of all answers, every category and the captions, that say something false.',
    baseline: true,
  },
];

/** What a chart's selector offers: every metric (one run only), then each one. */
export const ALL = 'all';

export function pickOptions(chart: ChartDefinition, runCount: number): { value: string; label: string }[] {
  const each = chart.specs.map((s) => ({ value: s.key, label: s.label }));
  return runCount > 1 ? each : [{ value: ALL, label: 'all' }, ...each];
}

/** The metrics a chart draws given its selector's value (one when several runs are overlaid). */
export function specsToDraw(chart: ChartDefinition, picked: string, runCount: number): SeriesSpec[] {
  if (!chart.pick) return chart.specs;
  const one = chart.specs.filter((s) => s.key === picked);
  if (one.length > 0) return one;
  return runCount > 1 ? chart.specs.slice(0, 1) : chart.specs;
}

/**
 * The charts each lesson is about, drawn large in the presentation view (the others follow, small).
 * Keyed by lesson id (core/lessons/lessons.ts); free play and unknown lessons get the default.
 */
const KEY_CHARTS: Record<string, string[]> = {
  'why-hallucinate': ['loss', 'hallucination'],
  'offline-dpo': ['rewards', 'hallucination'],
  'online-ai-feedback': ['judge-scores', 'hallucination'],
  'offline-online-mixed': ['hallucination', 'pope'],
  'beta-too-small': ['logps', 'hallucination'],
  'length-gaming': ['judge-scores', 'hallucination'],
  'reward-hacking': ['judge-scores', 'hallucination'],
  'image-prompt-injection': ['injection', 'hallucination'],
  'counting-relations': ['categories', 'hallucination'],
};
const DEFAULT_KEY_CHARTS = ['rewards', 'hallucination'];

export function keyCharts(lesson: string | null): string[] {
  return (lesson && KEY_CHARTS[lesson]) || DEFAULT_KEY_CHARTS;
}
