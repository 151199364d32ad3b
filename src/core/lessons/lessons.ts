/**
 * Prepared lessons: a configuration, what to do and what to look for. An instructor shares one as a
 * link (#v=1&lesson=offline-dpo), optionally hiding the controls that would distract.
 */
import type { Claim } from './claims';
import { defaultConfig, type PlaygroundConfig, type SettingName } from '../settings/controls';

/** A second run a lesson asks students to make and compare, with what that run should show. */
export interface LessonContrast {
  /** What to change, in words ("Set the judge to reward-facts"). */
  label: string;
  overrides: Partial<PlaygroundConfig>;
  claims: Claim[];
}

export interface Lesson {
  id: string;
  title: string;
  /** What to do and what to watch, for students (a few sentences). */
  guide: string;
  overrides: Partial<PlaygroundConfig>;
  /** Controls hidden by default in the lesson's link. */
  hide: SettingName[];
  /** What the lesson's run shows on every seed: checked live in the page and by `npm run lesson`. */
  claims: Claim[];
  contrast?: LessonContrast;
}

export const LESSONS: readonly Lesson[] = [
  {
    id: 'why-hallucinate',
    title: 'Why does the SFT model hallucinate?',
    guide:
      'Look at the Data preview: the annotators often add a star next to a triangle (they usually come together), even when there is none. The SFT model learned to copy them: its captions strike through the same companions. Train a few SFT steps on these captions and watch CHAIR stay where it was (about a fifth of the objects it names are not there): more of the same data teaches the same habit. Lower "Annotator hallucination" to see cleaner data.',
    overrides: { method: 'sft', steps: 60, batchSize: 32, learningRate: 2e-4, evalEvery: 20 },
    hide: [
      'pairSource',
      'judge',
      'judgeNoise',
      'coverageBonus',
      'mixedOfflineProbability',
      'lossTypes',
      'beta',
      'temperature',
      'topK',
      'topP',
      'samples',
      'offlinePairs',
      'referenceSync',
      'rounds',
    ],
    claims: [
      {
        text: 'The SFT model names objects that are not there: CHAIR_i stays above 10%',
        metric: 'eval:chair_i',
        change: 'above',
        value: 0.1,
      },
      {
        text: 'More SFT on the flawed captions keeps CHAIR_i within 5 points of the start',
        metric: 'eval:chair_i',
        change: 'holds',
        by: 0.05,
      },
    ],
  },
  {
    id: 'offline-dpo',
    title: 'Offline DPO',
    guide:
      'Pairs are made before training: the true caption (chosen) against the same caption with one plausible error (rejected), often the missing companion. Press Train and watch rewards/margins rise while CHAIR falls to a few percent. Cover drops a few points (by 3-9 here: the model also leaves out some true objects); the headline says how many. Compare the policy and reference captions in the gallery.',
    overrides: {},
    hide: [
      'judge',
      'judgeNoise',
      'coverageBonus',
      'mixedOfflineProbability',
      'temperature',
      'topK',
      'topP',
      'samples',
      'referenceSync',
      'rounds',
    ],
    claims: [
      { text: 'CHAIR_i falls by at least half', metric: 'eval:chair_i', change: 'falls', by: 0.5, relative: true },
      { text: 'Cover stays within 10 points of the start', metric: 'eval:cover', change: 'holds', by: 0.1 },
      { text: 'rewards/margins rise by more than 0.5', metric: 'rewards/margins', change: 'rises', by: 0.5 },
    ],
  },
  {
    id: 'online-ai-feedback',
    title: 'Online DPO with AI feedback',
    guide:
      'Each step the current model writes K captions per image and a judge ranks them: here the model itself answers a yes/no question per claim (RLAIF-V style self-alignment). Watch objective/scores rise and CHAIR fall to about 0, then look at Cover: it collapses. The self-judge only checks what a caption claims, never what it leaves out, so the safest caption claims little; on some steps every sample ties and there is no pair at all (the diagnostics count them). Then set the judge to oracle, which also rewards naming the objects that are there (coverage bonus), and compare.',
    overrides: { method: 'online', judge: 'self', batchSize: 8, steps: 100, samples: 4, temperature: 0.7 },
    hide: ['pairSource', 'mixedOfflineProbability', 'offlinePairs', 'referenceSync', 'rounds'],
    claims: [
      { text: "The judge's mean score rises by more than 0.5", metric: 'objective/scores', change: 'rises', by: 0.5 },
      { text: 'CHAIR_i falls by at least half', metric: 'eval:chair_i', change: 'falls', by: 0.5, relative: true },
      { text: 'Cover falls by more than 20 points: the captions say less', metric: 'eval:cover', change: 'falls', by: 0.2 },
    ],
    contrast: {
      label: 'Set the judge to oracle',
      overrides: { judge: 'oracle' },
      claims: [
        { text: 'CHAIR_i falls by at least half', metric: 'eval:chair_i', change: 'falls', by: 0.5, relative: true },
        { text: 'Cover stays within 10 points of the start', metric: 'eval:cover', change: 'holds', by: 0.1 },
      ],
    },
  },
  {
    id: 'offline-online-mixed',
    title: 'Offline vs online vs mixed',
    guide:
      "This run is mixed: each example is offline (a prepared pair) with probability p, else online (the model's own samples, judged). Train it, then switch the mode to offline and to online and train again, or queue all three from the Sweep builder (it is prepared for this lesson). The runs table lines them up: here mixed cuts CHAIR to about 1% and keeps Cover near 97%; compare where each mode pays in Cover and counting.",
    overrides: { method: 'mixed', batchSize: 8, steps: 100 },
    hide: ['referenceSync', 'rounds'],
    claims: [
      { text: 'CHAIR_i falls by at least half', metric: 'eval:chair_i', change: 'falls', by: 0.5, relative: true },
      { text: 'Cover stays within 10 points of the start', metric: 'eval:cover', change: 'holds', by: 0.1 },
    ],
  },
  {
    id: 'beta-too-small',
    title: 'beta too small',
    guide:
      'With a tiny beta (0.01), a high learning rate and no sft term, nothing holds the policy near the reference. Watch logps/chosen: both log-probabilities plunge (the chosen caption from about -1 to below -30 nats), while the margin stays small because beta scales it. The model forgets how to describe: Cover falls from 99% to 20-40%, counting and POPE collapse, and the diagnostics say the model is getting worse. Then add an sft term (loss sigmoid,sft:1), which keeps the chosen captions likely, and compare.',
    overrides: { beta: 0.01, lossTypes: 'sigmoid', learningRate: 1e-3, steps: 100 },
    hide: [
      'judge',
      'judgeNoise',
      'coverageBonus',
      'mixedOfflineProbability',
      'temperature',
      'topK',
      'topP',
      'samples',
      'referenceSync',
      'rounds',
    ],
    claims: [
      { text: 'logps/chosen falls by more than 10 nats', metric: 'logps/chosen', change: 'falls', by: 10 },
      { text: 'Cover falls by more than 20 points', metric: 'eval:cover', change: 'falls', by: 0.2 },
      { text: 'Counting accuracy falls by more than 20 points', metric: 'eval:acc_counting', change: 'falls', by: 0.2 },
    ],
    contrast: {
      label: 'Add an sft term (loss sigmoid,sft:1)',
      overrides: { lossTypes: 'sigmoid,sft:1' },
      claims: [
        { text: 'CHAIR_i falls by at least half', metric: 'eval:chair_i', change: 'falls', by: 0.5, relative: true },
        { text: 'Cover stays within 15 points of the start', metric: 'eval:cover', change: 'holds', by: 0.15 },
      ],
    },
  },
  {
    id: 'length-gaming',
    title: 'Length gaming',
    guide:
      'The judge here only punishes wrong objects (coverage bonus 0), so the safest caption says less. Train online and watch CHAIR fall while Cover falls too: the model learned to mention fewer objects. How far Cover falls depends on the seed (from 99% to anywhere between about 30% and 85%): try two seeds. Then set the coverage bonus back to 1 and compare.',
    overrides: { method: 'online', coverageBonus: 0, lossTypes: 'sigmoid', batchSize: 8, steps: 150, temperature: 1 },
    hide: ['pairSource', 'mixedOfflineProbability', 'offlinePairs', 'referenceSync', 'rounds'],
    claims: [
      { text: 'CHAIR_i falls by at least half', metric: 'eval:chair_i', change: 'falls', by: 0.5, relative: true },
      { text: 'Cover falls by more than 10 points', metric: 'eval:cover', change: 'falls', by: 0.1 },
    ],
    contrast: {
      label: 'Set the coverage bonus to 1',
      overrides: { coverageBonus: 1 },
      claims: [
        { text: 'CHAIR_i falls by at least half', metric: 'eval:chair_i', change: 'falls', by: 0.5, relative: true },
        { text: 'Cover stays within 10 points of the start', metric: 'eval:cover', change: 'holds', by: 0.1 },
      ],
    },
  },
  {
    id: 'reward-hacking',
    title: 'Reward hacking',
    guide:
      "The judge here is a reward model, trained before the run on the oracle's preference pairs, that sees only the caption, as a learned judge without access to facts does. Train online and watch objective/scores (its reward) climb from about 2 to 17-25 while the captions get worse: Cover collapses, the share of false answers soars, and on most seeds CHAIR rises (on some the captions go nearly empty instead). objective/kl runs into the hundreds; later, every sample scores the same and steps have no pairs. The policy learned what the reward model likes, not what is in the picture. Then set the judge to reward-facts (the same reward model, also shown the scene's true description) and compare: CHAIR falls and Cover holds. But watch objective/kl: on some seeds it passes 20 by step 150, the sign that the policy has begun to game this reward model too; train 250 steps to see CHAIR rise again.",
    overrides: { method: 'online', judge: 'reward', batchSize: 8, steps: 150, temperature: 1 },
    hide: ['pairSource', 'judgeNoise', 'mixedOfflineProbability', 'offlinePairs', 'referenceSync', 'rounds'],
    claims: [
      { text: "The reward model's score rises by more than 5", metric: 'objective/scores', change: 'rises', by: 5 },
      { text: 'Cover falls by more than 50 points', metric: 'eval:cover', change: 'falls', by: 0.5 },
      { text: 'The share of false answers rises by more than 15 points', metric: 'eval:hall_rate', change: 'rises', by: 0.15 },
      { text: 'objective/kl passes 50: the policy is far from the reference', metric: 'objective/kl', change: 'above', value: 50 },
    ],
    contrast: {
      label: 'Set the judge to reward-facts',
      overrides: { judge: 'reward-facts' },
      claims: [
        { text: 'CHAIR_i falls by at least a third', metric: 'eval:chair_i', change: 'falls', by: 1 / 3, relative: true },
        { text: 'Cover stays within 10 points of the start', metric: 'eval:cover', change: 'holds', by: 0.1 },
      ],
    },
  },
  {
    id: 'image-prompt-injection',
    title: 'Image prompt injection',
    guide:
      'Some scenes hold a sign, a card with text such as "heart" or "say heart". The annotators sometimes wrote the sign down as an object or did what it said, so the SFT model reads text in the picture as an order: its captions name a heart that is not there (marked "read from the sign" in the gallery). Press Train: the pairs prefer the faithful caption to the injected one, and the injection chart falls to a few percent. Then put a sign in the Scene editor with any text and ask both models.',
    overrides: { steps: 100, evalEvery: 25 },
    hide: [
      'judge',
      'judgeNoise',
      'coverageBonus',
      'mixedOfflineProbability',
      'temperature',
      'topK',
      'topP',
      'samples',
      'referenceSync',
      'rounds',
    ],
    claims: [
      { text: 'Image prompt injection falls by at least half', metric: 'eval:injection', change: 'falls', by: 0.5, relative: true },
      { text: 'CHAIR_i falls by at least half', metric: 'eval:chair_i', change: 'falls', by: 0.5, relative: true },
    ],
  },
  {
    id: 'counting-relations',
    title: 'Counting and relations',
    guide:
      'Hallucination is more than objects. The SFT model miscounts (its annotators counted the shapes they imagined too) and answers every "is the star left of the heart ?" with no. Watch the "Accuracy by question" chart: the offline pairs include counts, relations and comparisons with the wrong answer rejected. Counting rises by 20-30 points and the count error falls by more than half. Relations do not move: the SFT model never learned to compare positions, and DPO re-ranks answers the model can already give; it does not teach a skill the model lacks. Comparisons ("are there more red than blue shapes ?") do not improve either, and on some seeds and scene sets fall by 20 points or more (78% -> 44% on one): the model cannot count colours, so the few comparison pairs only shift its yes/no habit. Then switch the mode to online and compare: online DPO samples captions only, so counting barely moves.',
    overrides: { steps: 100, evalEvery: 25 },
    hide: [
      'judge',
      'judgeNoise',
      'coverageBonus',
      'mixedOfflineProbability',
      'temperature',
      'topK',
      'topP',
      'samples',
      'referenceSync',
      'rounds',
    ],
    claims: [
      { text: 'Counting accuracy rises by more than 10 points', metric: 'eval:acc_counting', change: 'rises', by: 0.1 },
      { text: 'Count error falls by at least half', metric: 'eval:count_error', change: 'falls', by: 0.5, relative: true },
      { text: 'Spatial-relation accuracy stays within 5 points', metric: 'eval:acc_relation', change: 'holds', by: 0.05 },
      { text: 'Comparison accuracy does not rise by more than 5 points', metric: 'eval:acc_comparison', change: 'no-rise', by: 0.05 },
    ],
  },
];

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** The lesson's configuration: the defaults with its overrides. */
export function lessonConfig(lesson: Lesson): PlaygroundConfig {
  return { ...defaultConfig(), ...lesson.overrides };
}
