/**
 * Every command's flags in one place (the scripts in this folder parse them; the tests check that
 * every command printed in the README and docs parses). `train` and `sweep` take the playground's
 * controls under their page names (control-flags.ts). A setting has one name on every command, its
 * URL key (`--evaln` is `#evaln=` in a link): flags of earlier versions answer with it (RENAMED_FLAGS).
 */
import { DEFAULT_WORLD } from '../core/world/config';
import { PRESETS } from '../core/model/config';
import { DEFAULT_SFT } from '../core/train/sft';
import { NODE_BACKENDS } from './backend';
import { parseFlags, type FlagSpec, type ParsedFlags } from './args';
import { CONTROL_FLAGS, RUN_FLAGS } from './control-flags';
import { SWEEP_FLAGS } from './sweep-flags';

export const TRAIN_FLAGS = {
  ...CONTROL_FLAGS,
  ...RUN_FLAGS,
  out: { kind: 'string', default: '', help: 'save the trained checkpoint here' },
  json: {
    kind: 'boolean',
    help: 'end with one line of JSON: the run as the page exports it (config, history, evals, events), with backend, checkpoint and seconds',
  },
} satisfies Record<string, FlagSpec>;

export const EXPORT_TRL_FLAGS = {
  ...CONTROL_FLAGS,
  ...RUN_FLAGS,
  out: { kind: 'string', help: 'the zip file to write' },
} satisfies Record<string, FlagSpec>;

/** Every setting takes one value or a list (sweep-flags.ts). */
export { SWEEP_FLAGS };

/** A checkpoint's evaluation (eval, and the model card sft writes): the page's Eval scenes and Eval seed, by their names. */
const HELD_OUT = {
  evaln: { kind: 'int', default: 200, min: 1, max: 10000, help: "held-out scenes to evaluate (as the page's Eval scenes)" },
  evalseed: { kind: 'int', default: 1, min: 0, help: "seed of the held-out scenes (as the page's Eval seed)" },
} satisfies Record<string, FlagSpec>;

export const EVAL_FLAGS = {
  checkpoint: { kind: 'string', default: 'models/sft-base', help: 'checkpoint directory' },
  ...HELD_OUT,
  'gen-batch': { kind: 'int', default: 100, min: 1, max: 1000, help: 'generation batch size' },
  backend: { kind: 'string', default: 'wasm', choices: NODE_BACKENDS, help: 'tfjs backend' },
  json: { kind: 'boolean', help: 'end with one line of JSON' },
} satisfies Record<string, FlagSpec>;

export const SFT_FLAGS = {
  seed: { kind: 'int', default: 0, min: 0, help: 'seed of the weights and of the training stream' },
  steps: { kind: 'int', default: DEFAULT_SFT.steps, min: 1, max: 1_000_000, help: 'optimizer steps' },
  out: { kind: 'string', help: 'directory to write checkpoint.json and weights.bin to' },
  model: { kind: 'string', default: 'default', choices: Object.keys(PRESETS), help: "model size (as the page's Model size)" },
  batch: { kind: 'int', default: DEFAULT_SFT.batchSize, min: 1, max: 512, help: 'examples per step' },
  lr: { kind: 'number', default: DEFAULT_SFT.learningRate, min: 0, exclusiveMin: true, max: 1, help: 'peak learning rate (Adam)' },
  'train-vision': { kind: 'boolean', help: 'keep training the vision encoder during SFT (default: frozen, as in LLaVA)' },
  halluc: {
    kind: 'number',
    default: DEFAULT_WORLD.annotatorHallucinationRate,
    min: 0,
    max: 1,
    help: "P(annotator names a present shape's missing companion) (as the page's Annotator hallucination)",
  },
  cooc: {
    kind: 'number',
    default: DEFAULT_WORLD.cooccurrenceBias,
    min: 0,
    max: 1,
    help: "P(companion present | shape present) (as the page's Co-occurrence bias)",
  },
  signs: { kind: 'number', default: DEFAULT_WORLD.signRate, min: 0, max: 1, help: 'P(a scene holds a sign naming an absent shape)' },
  obey: {
    kind: 'number',
    default: DEFAULT_WORLD.annotatorSignRate,
    min: 0,
    max: 1,
    help: 'P(annotator follows a sign: writes its shape down as an object, or obeys "say <shape>") (as the page\'s Annotator follows signs)',
  },
  'vision-steps': {
    kind: 'int',
    default: 1500,
    min: 0,
    max: 1_000_000,
    help: 'stage-0 steps training the vision encoder on per-cell labels',
  },
  backend: { kind: 'string', default: 'wasm', choices: NODE_BACKENDS, help: 'tfjs backend' },
  ...HELD_OUT,
} satisfies Record<string, FlagSpec>;

export const BENCH_FLAGS = {
  model: { kind: 'string', default: 'default', choices: Object.keys(PRESETS), help: "model size (as the page's Model size)" },
  weights: {
    kind: 'string',
    default: 'shipped',
    help: 'the shipped model of the preset, "random" (seeded init), or a checkpoint directory',
  },
  steps: { kind: 'int', default: 20, min: 1, max: 10_000, help: 'timed SFT and offline DPO steps per backend' },
  batch: { kind: 'int', default: 32, min: 2, max: 512, help: 'SFT batch size (DPO: half as many pairs)' },
  'gen-batch': { kind: 'int', default: 32, min: 1, max: 512, help: 'generation batch size' },
  backends: { kind: 'string', default: NODE_BACKENDS.join(','), help: 'comma-separated backends to measure' },
  json: { kind: 'boolean', help: 'one JSON line per backend instead of the table' },
} satisfies Record<string, FlagSpec>;

export const GOLDEN_FLAGS = {
  checkpoint: { kind: 'string', help: 'checkpoint directory (checkpoint.json + weights.bin)' },
} satisfies Record<string, FlagSpec>;

export const LESSON_FLAGS = {
  seeds: { kind: 'string', default: '0,1,2', help: 'training seeds, comma-separated: every claim must hold on each' },
  evalseed: { kind: 'int', default: 1, min: 0, help: "the held-out scenes' seed (as the page's Eval seed)" },
  evaln: { kind: 'int', default: 0, min: 0, max: 1000, help: "held-out scenes per evaluation (0: the lesson's own, as in the page)" },
  steps: {
    kind: 'int',
    default: 0,
    min: 0,
    max: 100_000,
    help: "training steps (0: the lesson's own; fewer makes a quick check whose claims may not hold yet)",
  },
  variant: { kind: 'string', default: 'all', choices: ['all', 'lesson', 'contrast'], help: "the lesson's run, its contrast run, or both" },
  checkpoint: RUN_FLAGS.checkpoint,
  backend: RUN_FLAGS.backend,
  json: { kind: 'boolean', help: 'end with one line of JSON: every run with its claims, start and end scores' },
} satisfies Record<string, FlagSpec>;

/** The flags of each `npm run` command. */
export const COMMAND_FLAGS = {
  train: TRAIN_FLAGS,
  sweep: SWEEP_FLAGS,
  eval: EVAL_FLAGS,
  sft: SFT_FLAGS,
  bench: BENCH_FLAGS,
  golden: GOLDEN_FLAGS,
  'export-trl': EXPORT_TRL_FLAGS,
  lesson: LESSON_FLAGS,
} as const;
export type CommandName = keyof typeof COMMAND_FLAGS;

/**
 * Flags of earlier versions by the names they have now, so an old command line is told what to
 * type. A rename applies on a command that has the new flag (and not the old one as a flag of its own).
 */
export const RENAMED_FLAGS: Readonly<Record<string, string>> = {
  temperature: 'temp',
  'top-k': 'topk',
  'top-p': 'topp',
  samples: 'k',
  'mix-p': 'mixp',
  'offline-pairs': 'npairs',
  'coverage-bonus': 'cover',
  'label-smoothing': 'ls',
  'reference-free': 'reffree on',
  'ref-sync': 'sync',
  'ref-mix': 'refmix',
  'eval-every': 'evalevery',
  'eval-scenes': 'evaln',
  'eval-seed': 'evalseed',
  scenes: 'evaln',
  cooccurrence: 'cooc',
  'annotator-hallucination': 'halluc',
  'annotator-sign': 'obey',
  preset: 'model',
};

/** Renames of one command only: eval's --seed was the held-out scenes' seed, its --batch the generation batch. */
const COMMAND_RENAMED: Partial<Record<CommandName, Readonly<Record<string, string>>>> = {
  eval: { seed: 'evalseed', batch: 'gen-batch' },
};

export function renamedFlags(command: CommandName): Readonly<Record<string, string>> {
  return { ...RENAMED_FLAGS, ...COMMAND_RENAMED[command] };
}

/** A command's flags read from argv: its specs, the renames that say what an old flag is now called. */
export function parseCommandFlags<C extends CommandName>(command: C, argv: string[]): ParsedFlags<(typeof COMMAND_FLAGS)[C]> {
  return parseFlags(argv, COMMAND_FLAGS[command], renamedFlags(command));
}
