/**
 * The playground's controls as command-line flags: `--beta 0.1` is `#beta=0.1` in a link, with
 * the same default, range, help and validation (core/settings/controls.ts is the one table).
 */
import { CONTROLS, SHIPPED_MODELS, configFrom, defaultConfig, settingText, type PlaygroundConfig } from '../core/settings/controls';
import { planSweep, type SweepGrid, type SweepPlan } from '../core/sweeps/sweep-plan';
import { runConfigProblems } from '../core/settings/run-options';
import { judgeEntry, judgesWithoutPage } from '../core/dpo/judge';
import { NODE_BACKENDS } from './backend';
import { UsageError, type FlagSpec, type Flags } from './args';

type ControlEntry = (typeof CONTROLS)[number];

/** Each control's flag, named by its URL key. */
export const CONTROL_FLAGS = Object.fromEntries(CONTROLS.map((control) => [control.url, { kind: 'control', control }])) as {
  [C in ControlEntry as C['url']]: { kind: 'control'; control: C };
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

/**
 * The run's settings from parsed flags (each control's flag holds its value as parseFlags read it,
 * under the control's URL key), refused (as a usage error) where the page would refuse them.
 */
export function configFromFlags(flags: Flags<typeof CONTROL_FLAGS>): PlaygroundConfig {
  return checkedForCommandLine(configFrom((c) => flags[c.url]));
}

/** A run's settings, refused (as a usage error) where the page would refuse them or a judge needs the page. */
export function checkedForCommandLine(config: PlaygroundConfig): PlaygroundConfig {
  const problems = runConfigProblems(config);
  const { person } = judgeEntry(config.judge);
  if (person === 'picks')
    problems.push(`the ${config.judge} judge needs the page (someone to click): choose ${judgesWithoutPage()} on the command line`);
  if (person === 'chose earlier')
    problems.push(
      `the ${config.judge} judge learns from the choices made with the human judge in the page: choose ${judgesWithoutPage()} on the command line`,
    );
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return config;
}

/** The checkpoint a run starts from: --checkpoint, else the shipped model of --model. */
export function startCheckpoint(flags: { checkpoint: string; model: keyof typeof SHIPPED_MODELS }): string {
  return flags.checkpoint || `models/${SHIPPED_MODELS[flags.model]}`;
}

/**
 * The plan of `npm run sweep`: each setting's flag is one value or a list, --seeds the seeds, all
 * read and checked by the page's planner; refused (as a usage error) where the page would refuse.
 */
export function sweepFromFlags(flags: Record<string, unknown>): SweepPlan {
  // Each setting's flag (its URL key) is one value or a list, as typed.
  const grid: SweepGrid = Object.fromEntries(
    CONTROLS.map((c) => [c.name, typeof flags[c.url] === 'string' ? flags[c.url] : settingText(c, c.default)]),
  );
  if (typeof flags.seeds === 'string') grid.seed = flags.seeds;
  const plan = planSweep(defaultConfig(), grid);
  if (plan.problems.length > 0) throw new UsageError(plan.problems.join('; '));
  if (flags.checkpoint && plan.dimensions.includes('modelSize'))
    throw new UsageError(
      '--checkpoint starts every run from one model: sweep --model without it (each size starts from its shipped model)',
    );
  for (const config of plan.configs) checkedForCommandLine(config);
  return plan;
}

/** The runs of `npm run sweep`, nesting as sweep-plan.ts's NESTING says (seeds innermost). */
export function sweepPlanFromFlags(flags: Record<string, unknown>): PlaygroundConfig[] {
  return sweepFromFlags(flags).configs;
}
