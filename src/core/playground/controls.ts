/**
 * Every control of the playground as one typed entry (tensorflow/playground's state.ts idea): its
 * URL key, default, range, explanation for students, and group. The URL hash, the defaults, the
 * validation messages and instructor-mode hiding all come from this one list.
 */
import { DPO_MODES } from '../dpo/options';
import { PAIR_SOURCES } from '../dpo/pairs';
import { JUDGE_KINDS } from '../dpo/verdicts';
import { parseLossSpec } from '../dpo/loss-spec';
import * as v from 'valibot';
import { numberText, problemsOf, sayingAbout, type BoundWords } from '../validation';

/** The shipped SFT checkpoints a run can start from (models/<directory>), by model size. */
export const SHIPPED_MODELS = { default: 'sft-base', large: 'sft-large' } as const;
export type ShippedModel = keyof typeof SHIPPED_MODELS;

export type ControlGroup = 'data' | 'method' | 'loss' | 'sampling' | 'training';

/** Methods the playground runs: plain SFT on the annotators' captions, or one of the DPO modes. */
export const METHODS = ['sft', ...DPO_MODES] as const;
export type Method = (typeof METHODS)[number];

interface Base {
  key: string;
  label: string;
  help: string;
  group: ControlGroup;
}
export type Control =
  | (Base & { kind: 'number'; default: number; min: number; max: number; exclusiveMin?: boolean })
  | (Base & { kind: 'int'; default: number; min: number; max: number })
  | (Base & { kind: 'choice'; default: string; choices: readonly string[] })
  | (Base & { kind: 'text'; default: string; check: (value: string) => string | undefined });

export const CONTROLS = [
  {
    key: 'cooc',
    kind: 'number',
    default: 0.75,
    min: 0,
    max: 1,
    group: 'data',
    label: 'Co-occurrence bias',
    help: 'How often a shape brings its usual companion (triangle and star, like fork and knife). This is the language prior the model picks up.',
  },
  {
    key: 'halluc',
    kind: 'number',
    default: 0.7,
    min: 0,
    max: 1,
    group: 'data',
    label: 'Annotator hallucination',
    help: "How often the SFT annotators named a shape's companion even when it was missing. The SFT model imitates it.",
  },
  {
    key: 'obey',
    kind: 'number',
    default: 0.6,
    min: 0,
    max: 1,
    group: 'data',
    label: 'Annotator follows signs',
    help: 'How often the SFT annotators wrote down the shape a sign names (a card reading "heart" or "say heart") as if it were in the picture. The SFT model learns to be injected by text in images.',
  },
  {
    key: 'mode',
    kind: 'choice',
    default: 'offline',
    choices: METHODS,
    group: 'method',
    label: 'Method',
    help: 'SFT: keep imitating the flawed captions (hallucination stays). Offline: fixed pairs made before training. Online: each step the current model writes K captions and a judge picks best and worst. Mixed: each example offline with probability p, else online.',
  },
  {
    key: 'pairs',
    kind: 'choice',
    default: 'gt-corrupt',
    choices: PAIR_SOURCES,
    group: 'method',
    label: 'Pair source',
    help: 'gt-corrupt: true caption vs the same caption with one plausible error. BDHS: the reference model, mostly blindfolded, finishes a cut true caption. self-samples: RLAIF-V, the model samples several captions and a judge ranks them.',
  },
  {
    key: 'npairs',
    kind: 'int',
    default: 256,
    min: 4,
    max: 20000,
    group: 'method',
    label: 'Offline pairs',
    help: 'Size of the fixed offline dataset (offline and mixed). Built before the first step.',
  },
  {
    key: 'judge',
    kind: 'choice',
    default: 'oracle',
    choices: JUDGE_KINDS,
    group: 'method',
    label: 'Judge',
    help: "oracle: checks every claim against the scene. noisy: the oracle, but each verdict flips with probability eps. self: the model answers a yes/no question per claim. human: you pick. reward: a reward model trained on the oracle's preference pairs that sees only the caption (it can be gamed). reward-facts: the same, also shown the scene's true description (factually augmented). reward-human, reward-human-facts: the same two, trained on your own choices from earlier human-judge runs in this page.",
  },
  {
    key: 'noise',
    kind: 'number',
    default: 0.2,
    min: 0,
    max: 0.5,
    group: 'method',
    label: 'Judge noise eps',
    help: 'Noisy judge only: probability that each verdict is flipped. Robust and cDPO losses exist for this.',
  },
  {
    key: 'cover',
    kind: 'number',
    default: 1,
    min: 0,
    max: 5,
    group: 'method',
    label: 'Coverage bonus',
    help: 'Judge score per object mentioned that is really there. At 0, saying nothing is a perfect score: watch length gaming appear.',
  },
  {
    key: 'mixp',
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    group: 'method',
    label: 'Mixed p',
    help: 'Mixed mode: probability that an example is the offline pair.',
  },
  {
    key: 'loss',
    kind: 'text',
    default: 'sigmoid,sft:1',
    group: 'loss',
    label: 'Loss types',
    help: "TRL loss_type names with weights, e.g. sigmoid,sft:1 or ipo: every DPOTrainer loss (sigmoid, hinge, ipo, exo_pair, nca_pair, robust, bco_pair, sppo_hard, aot, aot_unpaired, discopop, apo_zero, apo_down, sft) and sigmoid_norm (SimPO). sft is RPO's term that keeps the chosen captions likely (averaged per caption; TRL pools the batch's tokens).",
    check: (v: string) => {
      try {
        parseLossSpec(v);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  },
  {
    key: 'ls',
    kind: 'number',
    default: 0,
    min: 0,
    max: 0.49,
    group: 'loss',
    label: 'Label smoothing',
    help: "cDPO and the robust loss: the assumed probability that a preference label is flipped (TRL's label_smoothing). 0 trusts every pair.",
  },
  {
    key: 'mdpo',
    kind: 'number',
    default: 0,
    min: 0,
    max: 10,
    group: 'loss',
    label: 'mDPO weight',
    help: "mDPO's image term: the chosen caption should be likelier with the real image than with a corrupted one, so the model cannot ignore the picture (0 = off).",
  },
  {
    key: 'reffree',
    kind: 'choice',
    default: 'off',
    choices: ['off', 'on'],
    group: 'loss',
    label: 'Reference-free',
    help: "on: no reference model (log pi_ref = 0), TRL's reference_free. The policy is then tied to nothing but the loss.",
  },
  {
    key: 'beta',
    kind: 'number',
    default: 0.1,
    min: 0,
    max: 100,
    exclusiveMin: true,
    group: 'loss',
    label: 'Beta',
    help: 'How strongly the policy is tied to the reference. Small beta lets it move far (and over-optimise).',
  },
  {
    key: 'model',
    kind: 'choice',
    default: 'default',
    choices: Object.keys(SHIPPED_MODELS) as ShippedModel[],
    group: 'training',
    label: 'Model size',
    help: 'The shipped SFT model a run starts from. default: 108k parameters, 36 px images, minutes on a laptop CPU. large: 489k parameters, 48 px images, about 10x the work per step: where a real GPU pays off.',
  },
  {
    key: 'lr',
    kind: 'number',
    default: 2e-4,
    min: 0,
    max: 1,
    exclusiveMin: true,
    group: 'training',
    label: 'Learning rate',
    help: 'Adam step size. Too high: margins explode and captions degrade.',
  },
  {
    key: 'batch',
    kind: 'int',
    default: 16,
    min: 1,
    max: 256,
    group: 'training',
    label: 'Batch (pairs)',
    help: 'Preference pairs per step.',
  },
  { key: 'steps', kind: 'int', default: 100, min: 1, max: 100000, group: 'training', label: 'Steps', help: 'Optimizer steps of the run.' },
  {
    key: 'seed',
    kind: 'int',
    default: 0,
    min: 0,
    max: 2 ** 31 - 1,
    group: 'training',
    label: 'Seed',
    help: 'Same seed, same run: data, sampling and initialisation all derive from it.',
  },
  {
    key: 'sync',
    kind: 'int',
    default: 0,
    min: 0,
    max: 100000,
    group: 'training',
    label: 'Reference sync',
    help: 'TR-DPO: every N steps the reference moves halfway to the policy (0 = fixed reference).',
  },
  {
    key: 'refmix',
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    group: 'training',
    label: 'Reference sync mix',
    help: 'TR-DPO: at each sync the reference moves this far toward the policy (1 = a copy of it).',
  },
  {
    key: 'rounds',
    kind: 'int',
    default: 0,
    min: 0,
    max: 20,
    group: 'training',
    label: 'Iterative rounds',
    help: 'RLAIF-V: split the run into rounds; each round the current policy becomes the reference and regenerates the data (0 = off).',
  },
  {
    key: 'evalevery',
    kind: 'int',
    default: 25,
    min: 0,
    max: 100000,
    group: 'training',
    label: 'Eval every',
    help: 'Measure hallucination (CHAIR, Cover, POPE) on held-out scenes every N steps, and at the end (0 = only at the end).',
  },
  {
    key: 'evaln',
    kind: 'int',
    default: 64,
    min: 4,
    max: 1000,
    group: 'training',
    label: 'Eval scenes',
    help: 'Held-out scenes per evaluation. More is steadier and slower.',
  },
  {
    key: 'evalseed',
    kind: 'int',
    default: 1,
    min: 0,
    max: 2 ** 31 - 1,
    group: 'training',
    label: 'Eval seed',
    help: 'Which held-out scenes every evaluation uses. Runs compare only on the same scenes; the training seed never draws them.',
  },
  {
    key: 'temp',
    kind: 'number',
    default: 0.7,
    min: 0,
    max: 5,
    group: 'sampling',
    label: 'Temperature',
    help: 'Sampling temperature for online and self-sampled captions. 0 is greedy.',
  },
  {
    key: 'topk',
    kind: 'int',
    default: 0,
    min: 0,
    max: 64,
    group: 'sampling',
    label: 'Top-k',
    help: 'Sample only among the k most likely words (0 = off).',
  },
  {
    key: 'topp',
    kind: 'number',
    default: 1,
    min: 0,
    max: 1,
    exclusiveMin: true,
    group: 'sampling',
    label: 'Top-p',
    help: 'Sample among the most likely words that together reach probability p (1 = off).',
  },
  {
    key: 'k',
    kind: 'int',
    default: 4,
    min: 2,
    max: 16,
    group: 'sampling',
    label: 'Samples K',
    help: 'Online: captions sampled per image; the judge pairs the best with the worst.',
  },
] as const satisfies readonly Control[];

export type ControlKey = (typeof CONTROLS)[number]['key'];
export type PlaygroundConfig = {
  [K in ControlKey]: Extract<(typeof CONTROLS)[number], { key: K }>['default'] extends number ? number : string;
};

export function defaultConfig(): PlaygroundConfig {
  return Object.fromEntries(CONTROLS.map((c) => [c.key, c.default])) as PlaygroundConfig;
}

/** A clear message for a bad value of one control, or undefined when it is fine. */
export function controlProblem(control: Control, raw: string): string | undefined {
  return problemsOf(controlSchema(control), raw)[0];
}

const controlSchemas = new Map<Control, v.GenericSchema<string>>();

const PAGE_BOUNDS: BoundWords = { atLeast: 'at least', greaterThan: 'greater than', atMost: 'at most', quoteWhole: false };

/**
 * The text a control accepts, as a valibot schema: the one definition behind the form, links,
 * flags and imported runs. Checks read the text as typed, so messages quote it unchanged.
 */
function controlSchema(control: Control): v.GenericSchema<string> {
  let schema = controlSchemas.get(control);
  if (schema) return schema;
  const says = sayingAbout(control.label);
  switch (control.kind) {
    case 'number':
    case 'int':
      schema = numberText(
        says,
        {
          whole: control.kind === 'int',
          min: control.min,
          exclusiveMin: control.kind === 'number' && control.exclusiveMin,
          max: control.max,
        },
        PAGE_BOUNDS,
      );
      break;
    case 'choice':
      schema = v.picklist(control.choices, says(`must be one of ${control.choices.join(', ')}`, true));
      break;
    case 'text':
      schema = v.pipe(
        v.string(),
        v.check(
          (raw) => control.check(raw) === undefined,
          (issue) => `${control.label}: ${control.check(String(issue.input))}`,
        ),
      );
  }
  controlSchemas.set(control, schema);
  return schema;
}
