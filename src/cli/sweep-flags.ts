/**
 * `npm run sweep`'s flags: every playground setting under its page name (as `train` takes them),
 * each taking one value or a list; a list makes it a dimension of the grid (core sweep-plan.ts
 * reads and checks the values). Seeds are --seeds, as `npm run lesson` and the page's builder name
 * them. --help lists the flags outermost first, in the order the grid nests.
 */
import { CONTROLS, type Control } from '../core/playground/controls';
import { NESTING } from '../core/playground/sweep-plan';
import type { FlagSpec } from './args';
import { RUN_FLAGS } from './control-flags';

/** What one value may be, as train's --help says it. */
function range(c: Control): string {
  switch (c.kind) {
    case 'number':
      return c.exclusiveMin ? `> ${c.min}, <= ${c.max}` : `${c.min}..${c.max}`;
    case 'int':
      return `whole, ${c.min}..${c.max}`;
    case 'choice':
      return c.choices.join('|');
    case 'text':
      return 'text';
  }
}

function listFlag(c: Control): FlagSpec {
  // Loss specs hold commas themselves, so their lists are split at semicolons.
  const list = c.kind === 'text' ? 'a list separated by ";"' : 'a comma-separated list';
  return { kind: 'string', default: String(c.default), help: `${c.label}: ${c.help} [${range(c)}; ${list} sweeps it]` };
}

const SETTINGS = Object.fromEntries(
  NESTING.filter((key) => key !== 'seed').map((key) => [key, listFlag(CONTROLS.find((c) => c.key === key)!)]),
) as Record<Exclude<(typeof NESTING)[number], 'seed'>, { kind: 'string'; default: string; help: string }>;

export const SWEEP_FLAGS = {
  ...SETTINGS,
  seeds: { kind: 'string', default: '0', help: 'Seed values, comma-separated: every grid point runs once per seed' },
  ...RUN_FLAGS,
  out: { kind: 'string', default: 'sweeps/latest', help: 'directory for results.csv and results.json' },
} satisfies Record<string, FlagSpec>;
