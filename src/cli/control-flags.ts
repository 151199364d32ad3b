/**
 * The playground's controls as command-line flags: `--beta 0.1` is `#beta=0.1` in a link, with
 * the same default, range, help and validation (core/playground/controls.ts is the one table).
 */
import { CONTROLS, SHIPPED_MODELS, defaultConfig, type PlaygroundConfig } from '../core/playground/controls';
import { planSweep, type SweepGrid, type SweepPlan } from '../core/playground/sweep-plan';
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

/**
 * The plan of `npm run sweep`: each setting's flag is one value or a list, --seeds the seeds, all
 * read and checked by the page's planner; refused (as a usage error) where the page would refuse.
 */
export function sweepFromFlags(flags: Record<string, unknown>): SweepPlan {
  const grid: SweepGrid = Object.fromEntries(CONTROLS.map((c) => [c.key, String(flags[c.key] ?? c.default)]));
  if (typeof flags.seeds === 'string') grid.seed = flags.seeds;
  const plan = planSweep(defaultConfig(), grid);
  if (plan.problems.length > 0) throw new UsageError(plan.problems.join('; '));
  if (flags.checkpoint && plan.dimensions.includes('model'))
    throw new UsageError(
      '--checkpoint starts every run from one model: sweep --model without it (each size starts from its shipped model)',
    );
  for (const config of plan.configs) configFromFlags(config);
  return plan;
}

/** The runs of `npm run sweep`, nesting as sweep-plan.ts's NESTING says (seeds innermost). */
export function sweepPlanFromFlags(flags: Record<string, unknown>): PlaygroundConfig[] {
  return sweepFromFlags(flags).configs;
}
