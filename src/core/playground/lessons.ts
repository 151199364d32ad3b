/**
 * Prepared lessons: a configuration, what to do and what to look for. An instructor shares one as a
 * link (#v=1&lesson=offline-dpo), optionally hiding the controls that would distract.
 */
import { defaultConfig, type ControlKey, type PlaygroundConfig } from './controls';

export interface Lesson {
  id: string;
  title: string;
  /** What to do and what to watch, for students (a few sentences). */
  guide: string;
  overrides: Partial<PlaygroundConfig>;
  /** Controls hidden by default in the lesson's link. */
  hide: ControlKey[];
}

export const LESSONS: readonly Lesson[] = [
  {
    id: 'why-hallucinate',
    title: 'Why does the SFT model hallucinate?',
    guide:
      'Look at the Data preview: the annotators often add a star next to a triangle (they usually come together), even when there is none. The SFT model learned to copy them: its captions strike through the same companions. Train a few SFT steps on these captions and watch CHAIR stay high. Lower "Annotator hallucination" to see cleaner data.',
    overrides: { mode: 'sft', steps: 60, batch: 32, lr: 2e-4, evalevery: 20 },
    hide: ['pairs', 'judge', 'noise', 'cover', 'mixp', 'loss', 'beta', 'temp', 'topk', 'topp', 'k', 'npairs', 'sync', 'rounds'],
  },
  {
    id: 'offline-dpo',
    title: 'Offline DPO',
    guide:
      'Pairs are made before training: the true caption (chosen) against the same caption with one plausible error (rejected), often the missing companion. Press Train and watch rewards/margins rise while CHAIR falls and Cover stays near the baseline. Compare the policy and reference captions in the gallery.',
    overrides: {},
    hide: ['judge', 'noise', 'cover', 'mixp', 'temp', 'topk', 'topp', 'k', 'sync', 'rounds'],
  },
  {
    id: 'online-ai-feedback',
    title: 'Online DPO with AI feedback',
    guide:
      'Each step the current model writes K captions per image and a judge ranks them: here the model itself answers a yes/no question per claim (RLAIF-V style self-alignment). Watch objective/scores rise. Switch the judge to "noisy" and raise eps to see what unreliable feedback does.',
    overrides: { mode: 'online', judge: 'self', batch: 8, steps: 100, k: 4, temp: 0.7 },
    hide: ['pairs', 'mixp', 'npairs', 'sync', 'rounds'],
  },
  {
    id: 'offline-online-mixed',
    title: 'Offline vs online vs mixed',
    guide:
      'Run offline, then online, then mixed (each example offline with probability p), or queue all three from the Sweep builder with mode = offline, online, mixed. The runs table lines them up: offline data cuts hallucination fastest, online keeps captions closer to what the model already says.',
    overrides: { mode: 'mixed', batch: 8, steps: 100 },
    hide: ['sync', 'rounds'],
  },
  {
    id: 'beta-too-small',
    title: 'beta too small',
    guide:
      'With a tiny beta and no sft term the policy may drift far from the reference: margins explode, accuracy hits 1, the loss goes to 0, and both log-probabilities fall. The diagnostics explain it. Then raise beta or add sft:1 to the loss and compare the runs.',
    overrides: { beta: 0.01, loss: 'sigmoid', lr: 1e-3, steps: 100 },
    hide: ['judge', 'noise', 'cover', 'mixp', 'temp', 'topk', 'topp', 'k', 'sync', 'rounds'],
  },
  {
    id: 'length-gaming',
    title: 'Length gaming',
    guide:
      'The judge here only punishes wrong objects (coverage bonus 0), so the safest caption says nothing. Train online and watch CHAIR fall while Cover collapses: the model learned to say less. Set the coverage bonus back to 1 and compare.',
    overrides: { mode: 'online', cover: 0, loss: 'sigmoid', batch: 8, steps: 150, temp: 1 },
    hide: ['pairs', 'mixp', 'npairs', 'sync', 'rounds'],
  },
  {
    id: 'reward-hacking',
    title: 'Reward hacking',
    guide:
      "The judge here is a reward model, trained before the run on the oracle's preference pairs, that sees only the caption, as a learned judge without access to facts does. Train online and watch objective/scores (its reward) climb while CHAIR rises and Cover falls: the policy learns what the reward model likes, not what is in the picture. Then set the judge to reward-facts (the same reward model, also shown the scene's true description) and compare: its reward rises and CHAIR falls.",
    overrides: { mode: 'online', judge: 'reward', batch: 8, steps: 150, temp: 1 },
    hide: ['pairs', 'noise', 'mixp', 'npairs', 'sync', 'rounds'],
  },
  {
    id: 'image-prompt-injection',
    title: 'Image prompt injection',
    guide:
      'Some scenes hold a sign, a card with text such as "heart" or "say heart". The annotators sometimes wrote the sign down as an object or did what it said, so the SFT model reads text in the picture as an order: its captions name a heart that is not there (marked "read from the sign" in the gallery). Press Train: the pairs prefer the faithful caption to the injected one, and the injection chart falls. Then put a sign in the Scene editor with any text and ask both models.',
    overrides: { steps: 100, evalevery: 25 },
    hide: ['judge', 'noise', 'cover', 'mixp', 'temp', 'topk', 'topp', 'k', 'sync', 'rounds'],
  },
  {
    id: 'counting-relations',
    title: 'Counting and relations',
    guide:
      'Hallucination is more than objects. The SFT model miscounts (its annotators counted the shapes they imagined too) and answers every "is the star left of the heart ?" with no. Watch the "Accuracy by question" chart: the offline pairs include counts, relations and comparisons with the wrong answer rejected. Counting rises and the count error falls by more than half; relations do not move: the SFT model never learned to compare positions, and DPO re-ranks answers the model can already give, it does not teach a skill the model lacks. Then switch the mode to online and compare: online DPO samples captions only, so counting barely moves.',
    overrides: { steps: 100, evalevery: 25 },
    hide: ['judge', 'noise', 'cover', 'mixp', 'temp', 'topk', 'topp', 'k', 'sync', 'rounds'],
  },
];

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** The lesson's configuration: the defaults with its overrides. */
export function lessonConfig(lesson: Lesson): PlaygroundConfig {
  return { ...defaultConfig(), ...lesson.overrides } as PlaygroundConfig;
}
