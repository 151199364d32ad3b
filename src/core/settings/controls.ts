/**
 * Every control of the playground as one typed entry (tensorflow/playground's state.ts idea): its
 * name in code, its URL key (links, CLI flags and CSV columns: kept stable so old links work),
 * default, range, explanation for students, and group. The configuration's type, the URL hash, the
 * defaults, reading setting text (parseSetting) and stored settings (readSettings), the validation
 * messages and instructor-mode hiding all come from this one list.
 */
import { DPO_MODES } from '../dpo/options';
import { PAIR_SOURCES } from '../dpo/pairs';
import { JUDGE_KINDS } from '../dpo/judge';
import { parseLossSpec } from '../dpo/loss-spec';
import * as v from 'valibot';
import { shorten } from '../messages';
import { numberText, problemsOf, sayingAbout, shown, type BoundWords } from '../validation';

/** The shipped SFT checkpoints a run can start from (models/<directory>), by model size. */
export const SHIPPED_MODELS = { default: 'sft-base', large: 'sft-large' } as const;
export type ShippedModel = keyof typeof SHIPPED_MODELS;
/** Their sizes, typed as such (Object.keys says string[]): the Model size control's choices. */
const SHIPPED_MODEL_SIZES = Object.keys(SHIPPED_MODELS) as ShippedModel[];

export type ControlGroup = 'data' | 'method' | 'loss' | 'sampling' | 'training';

/** Methods the playground runs: plain SFT on the annotators' captions, or one of the DPO modes. */
export const METHODS = ['sft', ...DPO_MODES] as const;
export type Method = (typeof METHODS)[number];

/** How a yes/no setting is written in links, flags, CSV and the form: off (false), on (true). */
export const OFF_ON = ['off', 'on'] as const;

interface Base {
  /** The setting's name in code (PlaygroundConfig's key). */
  name: string;
  /** Its key in links (#beta=0.1), its CLI flag (--beta) and its CSV column: never renamed. */
  url: string;
  label: string;
  help: string;
  group: ControlGroup;
}
export type Control =
  | (Base & { kind: 'number'; default: number; min: number; max: number; exclusiveMin?: boolean })
  | (Base & { kind: 'int'; default: number; min: number; max: number })
  | (Base & { kind: 'choice'; default: string; choices: readonly string[] })
  | (Base & { kind: 'boolean'; default: boolean })
  | (Base & { kind: 'text'; default: string; check: (value: string) => string | undefined });

export const CONTROLS = [
  {
    name: 'cooccurrenceBias',
    url: 'cooc',
    kind: 'number',
    default: 0.75,
    min: 0,
    max: 1,
    group: 'data',
    label: 'Co-occurrence bias',
    help: 'How often a shape brings its usual companion (triangle and star, like fork and knife). This is the language prior the model picks up.',
  },
  {
    name: 'annotatorHallucination',
    url: 'halluc',
    kind: 'number',
    default: 0.7,
    min: 0,
    max: 1,
    group: 'data',
    label: 'Annotator hallucination',
    help: "How often the SFT annotators named a shape's companion even when it was missing. The SFT model imitates it.",
  },
  {
    name: 'annotatorFollowsSigns',
    url: 'obey',
    kind: 'number',
    default: 0.6,
    min: 0,
    max: 1,
    group: 'data',
    label: 'Annotator follows signs',
    help: 'How often the SFT annotators wrote down the shape a sign names (a card reading "heart" or "say heart") as if it were in the picture. The SFT model learns to be injected by text in images.',
  },
  {
    name: 'method',
    url: 'mode',
    kind: 'choice',
    default: 'offline',
    choices: METHODS,
    group: 'method',
    label: 'Method',
    help: 'SFT: keep imitating the flawed captions (hallucination stays). Offline: fixed pairs made before training. Online: each step the current model writes K captions and a judge picks best and worst. Mixed: each example offline with probability p, else online.',
  },
  {
    name: 'pairSource',
    url: 'pairs',
    kind: 'choice',
    default: 'gt-corrupt',
    choices: PAIR_SOURCES,
    group: 'method',
    label: 'Pair source',
    help: 'gt-corrupt: true caption vs the same caption with one plausible error. BDHS: the reference model, mostly blindfolded, finishes a cut true caption. self-samples: RLAIF-V, the model samples several captions and a judge ranks them.',
  },
  {
    name: 'offlinePairs',
    url: 'npairs',
    kind: 'int',
    default: 256,
    min: 4,
    max: 20000,
    group: 'method',
    label: 'Offline pairs',
    help: 'Size of the fixed offline dataset (offline and mixed). Built before the first step.',
  },
  {
    name: 'judge',
    url: 'judge',
    kind: 'choice',
    default: 'oracle',
    choices: JUDGE_KINDS,
    group: 'method',
    label: 'Judge',
    help: "oracle: checks every claim against the scene. noisy: the oracle, but each verdict flips with probability eps. self: the model answers a yes/no question per claim. human: you pick. reward: a reward model trained on the oracle's preference pairs that sees only the caption (it can be gamed). reward-facts: the same, also shown the scene's true description (factually augmented). reward-human, reward-human-facts: the same two, trained on your own choices from earlier human-judge runs in this page.",
  },
  {
    name: 'judgeNoise',
    url: 'noise',
    kind: 'number',
    default: 0.2,
    min: 0,
    max: 0.5,
    group: 'method',
    label: 'Judge noise eps',
    help: 'Noisy judge only: probability that each verdict is flipped. Robust and cDPO losses exist for this.',
  },
  {
    name: 'coverageBonus',
    url: 'cover',
    kind: 'number',
    default: 1,
    min: 0,
    max: 5,
    group: 'method',
    label: 'Coverage bonus',
    help: 'Judge score per object mentioned that is really there. At 0, saying nothing is a perfect score: watch length gaming appear.',
  },
  {
    name: 'mixedOfflineProbability',
    url: 'mixp',
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    group: 'method',
    label: 'Mixed p',
    help: 'Mixed mode: probability that an example is the offline pair.',
  },
  {
    name: 'lossTypes',
    url: 'loss',
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
    name: 'labelSmoothing',
    url: 'ls',
    kind: 'number',
    default: 0,
    min: 0,
    max: 0.49,
    group: 'loss',
    label: 'Label smoothing',
    help: "cDPO and the robust loss: the assumed probability that a preference label is flipped (TRL's label_smoothing). 0 trusts every pair.",
  },
  {
    name: 'mdpoWeight',
    url: 'mdpo',
    kind: 'number',
    default: 0,
    min: 0,
    max: 10,
    group: 'loss',
    label: 'mDPO weight',
    help: "mDPO's image term: the chosen caption should be likelier with the real image than with a corrupted one, so the model cannot ignore the picture (0 = off).",
  },
  {
    name: 'referenceFree',
    url: 'reffree',
    kind: 'boolean',
    default: false,
    group: 'loss',
    label: 'Reference-free',
    help: "on: no reference model (log pi_ref = 0), TRL's reference_free. The policy is then tied to nothing but the loss.",
  },
  {
    name: 'beta',
    url: 'beta',
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
    name: 'modelSize',
    url: 'model',
    kind: 'choice',
    default: 'default',
    choices: SHIPPED_MODEL_SIZES,
    group: 'training',
    label: 'Model size',
    help: 'The shipped SFT model a run starts from. default: 108k parameters, 36 px images, minutes on a laptop CPU. large: 489k parameters, 48 px images, about 10x the work per step: where a real GPU pays off.',
  },
  {
    name: 'learningRate',
    url: 'lr',
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
    name: 'batchSize',
    url: 'batch',
    kind: 'int',
    default: 16,
    min: 1,
    max: 256,
    group: 'training',
    label: 'Batch (pairs)',
    help: 'Preference pairs per step.',
  },
  {
    name: 'steps',
    url: 'steps',
    kind: 'int',
    default: 100,
    min: 1,
    max: 100000,
    group: 'training',
    label: 'Steps',
    help: 'Optimizer steps of the run.',
  },
  {
    name: 'seed',
    url: 'seed',
    kind: 'int',
    default: 0,
    min: 0,
    max: 2 ** 31 - 1,
    group: 'training',
    label: 'Seed',
    help: 'Same seed, same run: data, sampling and initialisation all derive from it.',
  },
  {
    name: 'referenceSync',
    url: 'sync',
    kind: 'int',
    default: 0,
    min: 0,
    max: 100000,
    group: 'training',
    label: 'Reference sync',
    help: 'TR-DPO: every N steps the reference moves halfway to the policy (0 = fixed reference).',
  },
  {
    name: 'referenceSyncMix',
    url: 'refmix',
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    group: 'training',
    label: 'Reference sync mix',
    help: 'TR-DPO: at each sync the reference moves this far toward the policy (1 = a copy of it).',
  },
  {
    name: 'rounds',
    url: 'rounds',
    kind: 'int',
    default: 0,
    min: 0,
    max: 20,
    group: 'training',
    label: 'Iterative rounds',
    help: 'RLAIF-V: split the run into rounds; each round the current policy becomes the reference and regenerates the data (0 = off).',
  },
  {
    name: 'evalEvery',
    url: 'evalevery',
    kind: 'int',
    default: 25,
    min: 0,
    max: 100000,
    group: 'training',
    label: 'Eval every',
    help: 'Measure hallucination (CHAIR, Cover, POPE) on held-out scenes every N steps, and at the end (0 = only at the end).',
  },
  {
    name: 'evalScenes',
    url: 'evaln',
    kind: 'int',
    default: 64,
    min: 4,
    max: 1000,
    group: 'training',
    label: 'Eval scenes',
    help: 'Held-out scenes per evaluation. More is steadier and slower.',
  },
  {
    name: 'evalSeed',
    url: 'evalseed',
    kind: 'int',
    default: 1,
    min: 0,
    max: 2 ** 31 - 1,
    group: 'training',
    label: 'Eval seed',
    help: 'Which held-out scenes every evaluation uses. Runs compare only on the same scenes; the training seed never draws them.',
  },
  {
    name: 'temperature',
    url: 'temp',
    kind: 'number',
    default: 0.7,
    min: 0,
    max: 5,
    group: 'sampling',
    label: 'Temperature',
    help: 'Sampling temperature for online and self-sampled captions. 0 is greedy.',
  },
  {
    name: 'topK',
    url: 'topk',
    kind: 'int',
    default: 0,
    min: 0,
    max: 64,
    group: 'sampling',
    label: 'Top-k',
    help: 'Sample only among the k most likely words (0 = off).',
  },
  {
    name: 'topP',
    url: 'topp',
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
    name: 'samples',
    url: 'k',
    kind: 'int',
    default: 4,
    min: 2,
    max: 16,
    group: 'sampling',
    label: 'Samples K',
    help: 'Online: captions sampled per image; the judge pairs the best with the worst.',
  },
] as const satisfies readonly Control[];

type Entry = (typeof CONTROLS)[number];
/** A setting's name in code: `config.learningRate`. */
export type SettingName = Entry['name'];
/** A setting's key in links, CLI flags and CSV columns: `#lr=`, `--lr`. */
export type SettingUrlKey = Entry['url'];

/** The value a control holds: numbers as numbers, a choice as the union of its choices, on/off as a boolean. */
export type ValueOf<C extends Control> = C extends { kind: 'number' | 'int' }
  ? number
  : C extends { kind: 'boolean' }
    ? boolean
    : C extends { kind: 'choice'; choices: readonly (infer T)[] }
      ? T
      : string;

/** One run's settings, by name, each typed from its control. */
export type PlaygroundConfig = { [C in Entry as C['name']]: ValueOf<C> };
export type SettingValue = PlaygroundConfig[SettingName];

const byName = new Map<string, Entry>(CONTROLS.map((c) => [c.name, c]));
const byUrl = new Map<string, Entry>(CONTROLS.map((c) => [c.url, c]));

/** The control of a setting, by name (typed as that setting's entry). */
export function controlNamed<N extends SettingName>(name: N): Extract<Entry, { name: N }> {
  return byName.get(name) as Extract<Entry, { name: N }>;
}

/** The control whose URL key (link parameter, CLI flag, CSV column) is `key`, if any. */
export function controlAtUrl(key: string): Entry | undefined {
  return byUrl.get(key);
}

/** A setting's name from its name or its URL key (stored records of older versions use URL keys). */
export function settingNameOf(key: string): SettingName | undefined {
  return (byName.get(key) ?? byUrl.get(key))?.name;
}

/** A configuration with one value per control, each from `valueOf` (which must read it as that control's value). */
export function configFrom(valueOf: (control: Entry) => SettingValue): PlaygroundConfig {
  return Object.fromEntries(CONTROLS.map((c) => [c.name, valueOf(c)])) as PlaygroundConfig;
}

export function defaultConfig(): PlaygroundConfig {
  return configFrom((c) => c.default);
}

/** `config` with one setting changed (the value read for that setting's control). */
export function withSetting(config: PlaygroundConfig, name: SettingName, value: SettingValue): PlaygroundConfig {
  return { ...config, [name]: value };
}

/** The values a choice or on/off control offers, as written in links and the form; undefined for typed ones. */
export function controlChoices(control: Control): readonly string[] | undefined {
  return control.kind === 'choice' ? control.choices : control.kind === 'boolean' ? OFF_ON : undefined;
}

/** A value as links, flags, CSV and the form write it: numbers as numbers, on/off for a boolean. */
export function settingText(control: Control, value: SettingValue): string {
  if (control.kind === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/** A setting as labels show it: its URL key and value, as links and flags write them ("beta=0.1", "reffree=on"). */
export function settingLabel(config: PlaygroundConfig, name: SettingName): string {
  const control = controlNamed(name);
  return `${control.url}=${settingText(control, config[name])}`;
}

/** A setting's text read: its value, or a clear message saying what is wrong with the text. */
export type SettingRead<C extends Control> = { value: ValueOf<C>; problem?: undefined } | { problem: string; value?: undefined };

/**
 * Setting text (a link's value, a form field, a CLI flag, a stored run's setting) to its value, or
 * the problem with it: the one reading of setting text.
 */
export function parseSetting<C extends Control>(control: C, text: string): SettingRead<C> {
  const problem = problemsOf(controlSchema(control), text)[0];
  if (problem !== undefined) return { problem };
  switch (control.kind) {
    case 'number':
    case 'int':
      return { value: Number(text) as ValueOf<C> };
    case 'boolean':
      return { value: (text === 'on') as ValueOf<C> };
    default:
      return { value: text as ValueOf<C> };
  }
}

/** A clear message for a bad value of one control, or undefined when it is fine. */
export function controlProblem(control: Control, raw: string): string | undefined {
  return parseSetting(control, raw).problem;
}

/** Every problem with a configuration's values, each control checked as its text would be. */
export function settingProblems(config: PlaygroundConfig): string[] {
  return CONTROLS.flatMap((c) => controlProblem(c, settingText(c, config[c.name])) ?? []);
}

/**
 * Stored settings (an imported runs file, a run saved in this browser, a `train --json` line) read
 * back: keyed by name (`learningRate`) or by URL key (`lr`, as every run saved before the names
 * existed is), each value read by parseSetting. A missing setting takes its default and unknown ones
 * are ignored, each with a note in `notes`; a value that is wrong throws a message naming `where`.
 */
export function readSettings(raw: Record<string, unknown>, where: string, notes: string[]): PlaygroundConfig {
  for (const key of Object.keys(raw))
    if (settingNameOf(key) === undefined) notes.push(`${where}: unknown setting "${shorten(key)}" ignored`);
  return configFrom((control) => {
    const byName = Object.hasOwn(raw, control.name);
    if (byName && control.url !== control.name && Object.hasOwn(raw, control.url))
      notes.push(`${where}: setting "${control.url}" ignored (${control.label} is given as "${control.name}")`);
    const value = byName ? raw[control.name] : raw[control.url];
    if (value === undefined) {
      // Files from before a control existed: it ran with the default.
      notes.push(`${where}: no ${control.label} setting; taken as the default, ${settingText(control, control.default)}`);
      return control.default;
    }
    const numeric = control.kind === 'number' || control.kind === 'int';
    let text: string;
    if (typeof value === 'string') text = value;
    else if (numeric && typeof value === 'number') text = String(value);
    else if (control.kind === 'boolean' && typeof value === 'boolean') text = settingText(control, value);
    else throw new Error(`${where}: ${control.label} has a value of the wrong type (${shown(value)})`);
    const read = parseSetting(control, text);
    if (read.problem !== undefined) throw new Error(`${where}: ${read.problem}`);
    return read.value;
  });
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
    case 'boolean': {
      const choices = controlChoices(control)!;
      schema = v.picklist(choices, says(`must be one of ${choices.join(', ')}`, true));
      break;
    }
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

/** Online and mixed runs generate K captions per prompt at every step (the backends' probe times it). */
export function samplesEveryStep(settings: Pick<PlaygroundConfig, 'method'>): boolean {
  return settings.method === 'online' || settings.method === 'mixed';
}
