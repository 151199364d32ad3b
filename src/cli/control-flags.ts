/**
 * The playground's controls as command-line flags: `--beta 0.1` is `#beta=0.1` in a link, with
 * the same default, range, help and validation (core/playground/controls.ts is the one table).
 */
import { CONTROLS, SHIPPED_MODELS, defaultConfig, type PlaygroundConfig } from '../core/playground/controls';
import { planSweep } from '../core/playground/sweep';
import { runConfigProblems } from '../core/playground/run-options';
import { NODE_BACKENDS } from './backend';
import { UsageError, type FlagSpec } from './args';

type ControlEntry = (typeof CONTROLS)[number];

export const CONTROL_FLAGS = Object.fromEntries(CONTROLS.map((control) => [control.key, { kind: 'control', control }])) as {
  [C in ControlEntry as C['key']]: { kind: 'control'; control: C };
};

/** Flags every command that trains has besides the controls. */
export const RUN_FLAGS = {
  checkpoint: {
    kind: 'string',
    default: '',
    help: "starting checkpoint directory (default: the --model's shipped model, models/sft-base or models/sft-large)",
  },
  backend: { kind: 'string', default: 'wasm', choices: NODE_BACKENDS, help: 'tfjs backend' },
} satisfies Record<string, FlagSpec>;

/** Flags of earlier versions, by their new names: an old command line is told what to type. */
export const RENAMED_FLAGS: Record<string, string> = {
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
};

/** The run's settings from parsed flags, refused (as a usage error) where the page would refuse them. */
export function configFromFlags(flags: Record<string, unknown>): PlaygroundConfig {
  const config = Object.fromEntries(CONTROLS.map((c) => [c.key, flags[c.key]])) as PlaygroundConfig;
  const problems = runConfigProblems(config);
  if (config.judge === 'human')
    problems.push(
      'the human judge needs the page (someone to click): choose oracle, noisy, self, reward or reward-facts on the command line',
    );
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return config;
}

/** The checkpoint a run starts from: --checkpoint, else the shipped model of --model. */
export function startCheckpoint(flags: { checkpoint: string; model: string }): string {
  return flags.checkpoint || `models/${SHIPPED_MODELS[flags.model as keyof typeof SHIPPED_MODELS]}`;
}

/** The runs of `npm run sweep`: the fixed settings checked as one run, the swept lists by the page's planner. */
export function sweepPlanFromFlags(
  flags: Record<string, unknown> & { beta: string; temp: string; k: string; mode: string; seeds: string },
): PlaygroundConfig[] {
  const defaults = defaultConfig();
  const base = configFromFlags({
    ...flags,
    beta: defaults.beta,
    temp: defaults.temp,
    k: defaults.k,
    mode: defaults.mode,
    seed: defaults.seed,
  });
  const modes = flags.mode
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const plan = planSweep(base, { beta: flags.beta, temp: flags.temp, k: flags.k, mode: modes, seeds: flags.seeds });
  if (plan.problems.length > 0) throw new UsageError(plan.problems.join('; '));
  return plan.configs;
}
