/**
 * The judges that rank candidates for online DPO and self-sampled pairs: one table, JUDGES, with
 * each kind's properties (what it sees, whether a reward model or a person is behind it, what its
 * score rewards) and its scorer. Everything that asks about a judge reads this table.
 *
 * Free of TensorFlow.js, so the page's settings can list the judges on the main thread: the self
 * judge's model is asked through the context (the trainer passes selfJudgeVerdicts bound to it).
 */
import { createRng, type Rng } from '../random';
import type { Scene } from '../world/scene';
import { DEFAULT_JUDGE, flipVerdicts, oracleVerdicts, scoreFromVerdicts, type JudgeOptions, type JudgeVerdicts } from './verdicts';
import { rewardScore, type RewardModel } from './reward-model';
import type { HumanPreferences } from './human-preferences';

export interface Candidate {
  scene: Scene;
  image: Float32Array;
  prompt: string;
  response: string;
  endedWithEos: boolean;
}

/** A person picks the best of several responses to one prompt (the app shows them; the CLI cannot). */
export type HumanChooser = (choice: { image: Float32Array; prompt: string; responses: string[] }) => Promise<number>;

export interface JudgeContext {
  /** The model that checks claims for the self judge (policy or reference), asked per candidate. */
  selfJudge?: (candidates: readonly Candidate[]) => Promise<JudgeVerdicts[]>;
  human?: HumanChooser;
  rng?: Rng;
  /** The learned reward model for the reward judges (the trainer builds it on first use). */
  rewardModel?: RewardModel;
  /** Where the human judge's choices are kept, for the reward-human judges to learn from. */
  humanPreferences?: HumanPreferences;
}

/** Scores for candidates, higher is better, under the run's judge settings. */
type Scorer = (settings: JudgeSettings, candidates: readonly Candidate[], context: JudgeContext) => number[] | Promise<number[]>;

/** A judge's entry; `Kind` names the other judges (JudgeKind once the table is built). */
export interface JudgeEntry<Kind extends string = JudgeKind> {
  /** It checks captions against the scene's ground truth (the facts), directly or as reward-model features. */
  seesFacts: boolean;
  /**
   * A learned reward model scores the captions (reward-model.ts), trained before it first judges:
   * on the oracle's preference pairs, or on the choices a person made as the human judge.
   */
  rewardModel?: { trainedOn: 'oracle' | 'person' };
  /**
   * Someone in the page: `picks` ranks the candidates as they come (the human judge, online runs
   * only); `chose earlier` made the human-judge choices a reward model learns from.
   */
  person?: 'picks' | 'chose earlier';
  /** Its score adds the coverage bonus per true object a caption names (verdicts.ts). */
  rewardsCoverage: boolean;
  /** Each verdict flips with the judge-noise probability. */
  noisy: boolean;
  /**
   * It sees only the caption, so a policy can raise its score without becoming more faithful
   * (reward hacking); `withFacts` is the same judge also shown the scene's facts.
   */
  gamed?: { withFacts: Kind };
  score: Scorer;
}

const verdictScore = (judge: JudgeSettings, candidates: readonly Candidate[], verdicts: (c: Candidate) => JudgeVerdicts) =>
  candidates.map((c) => scoreFromVerdicts(verdicts(c), c.endedWithEos, judge));

const oracleScore: Scorer = (judge, candidates) => verdictScore(judge, candidates, (c) => oracleVerdicts(c.prompt, c.response, c.scene));

const noisyScore: Scorer = (judge, candidates, context) => {
  const rng = context.rng ?? createRng(0);
  return verdictScore(judge, candidates, (c) => flipVerdicts(oracleVerdicts(c.prompt, c.response, c.scene), judge.noise, rng));
};

const selfScore: Scorer = async (judge, candidates, context) => {
  if (!context.selfJudge) throw new Error('the self judge needs a model to ask');
  const verdicts = await context.selfJudge(candidates);
  return verdicts.map((v, i) => scoreFromVerdicts(v, candidates[i]!.endedWithEos, judge));
};

/** Only what the model scores: a missing <eos> is a fact about the text the oracle adds, not it. */
const rewardModelScore: Scorer = (_, candidates, context) => {
  const model = context.rewardModel;
  if (!model) throw new Error('the reward-model judge needs its model trained first');
  return candidates.map((c) => rewardScore(model, c.response, c.scene));
};

const rewardModelJudge = <Kind extends string = never>(
  trainedOn: 'oracle' | 'person',
  seesFacts: boolean,
  withFacts?: Kind,
): JudgeEntry<Kind> => ({
  seesFacts,
  rewardModel: { trainedOn },
  person: trainedOn === 'person' ? 'chose earlier' : undefined,
  rewardsCoverage: false,
  noisy: false,
  gamed: withFacts ? { withFacts } : undefined,
  score: rewardModelScore,
});

/** Human choices score 1 for the pick, 0 otherwise; the person is asked once per prompt and image. */
const humanScore: Scorer = async (_, candidates, context) => {
  if (!context.human) throw new Error(`the human judge needs a person: use the app, or choose ${judgesWithoutPage()}`);
  // Group candidates by prompt+image (consecutive runs), ask once per group.
  const scores = candidates.map(() => 0);
  let start = 0;
  while (start < candidates.length) {
    let end = start + 1;
    while (
      end < candidates.length &&
      candidates[end]!.image === candidates[start]!.image &&
      candidates[end]!.prompt === candidates[start]!.prompt
    )
      end++;
    const group = candidates.slice(start, end);
    const pick = await context.human({ image: group[0]!.image, prompt: group[0]!.prompt, responses: group.map((c) => c.response) });
    if (pick >= 0 && pick < group.length) {
      scores[start + pick] = 1;
      context.humanPreferences?.record(
        group[0]!.scene,
        group.map((c) => c.response),
        pick,
      );
    }
    start = end;
  }
  return scores;
};

/** Every judge, in the order the settings list them. */
export const JUDGES = {
  oracle: { seesFacts: true, rewardsCoverage: true, noisy: false, score: oracleScore },
  noisy: { seesFacts: true, rewardsCoverage: true, noisy: true, score: noisyScore },
  // The model answers a question per claim: its verdicts cover no objects, so the coverage bonus adds nothing.
  self: { seesFacts: false, rewardsCoverage: false, noisy: false, score: selfScore },
  human: { seesFacts: false, person: 'picks', rewardsCoverage: false, noisy: false, score: humanScore },
  reward: rewardModelJudge('oracle', false, 'reward-facts'),
  'reward-facts': rewardModelJudge('oracle', true),
  'reward-human': rewardModelJudge('person', false, 'reward-human-facts'),
  'reward-human-facts': rewardModelJudge('person', true),
} as const;

export type JudgeKind = keyof typeof JUDGES;
export const JUDGE_KINDS: readonly JudgeKind[] = Object.keys(JUDGES) as JudgeKind[];

/** A judge kind's entry, typed as the entry every kind has (this also checks that the table names only its own judges). */
export function judgeEntry(kind: JudgeKind): JudgeEntry {
  const table: Record<JudgeKind, JudgeEntry> = JUDGES;
  return table[kind];
}

export function isJudgeKind(name: string): name is JudgeKind {
  return Object.hasOwn(JUDGES, name);
}

/** The judges a run can use without the page (nobody to pick, no stored human choices), in words: "oracle, ... or reward-facts". */
export function judgesWithoutPage(): string {
  const kinds = JUDGE_KINDS.filter((kind) => !judgeEntry(kind).person);
  return `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
}

/** What the scorers read besides the kind. */
export interface JudgeSettings extends JudgeOptions {
  /** Noisy oracle: probability that each verdict flips. */
  noise: number;
}

export interface JudgeConfig extends JudgeSettings {
  kind: JudgeKind;
}

export const DEFAULT_JUDGE_CONFIG: JudgeConfig = { ...DEFAULT_JUDGE, kind: 'oracle', noise: 0.2 };

/** Scores for candidates (higher is better), by the configured judge. */
export async function scoreCandidates(judge: JudgeConfig, candidates: readonly Candidate[], context: JudgeContext = {}): Promise<number[]> {
  return judgeEntry(judge.kind).score(judge, candidates, context);
}
