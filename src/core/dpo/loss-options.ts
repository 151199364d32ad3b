/**
 * The loss family's names and options, free of TensorFlow.js so the page can validate a
 * configuration without loading the engine (the math is in losses.ts).
 */
export const LOSS_TYPES = [
  'sigmoid',
  'hinge',
  'ipo',
  'robust',
  'bco_pair',
  'nca_pair',
  'sppo_hard',
  'apo_zero',
  'apo_down',
  'exo_pair',
  'aot',
  'aot_unpaired',
  'discopop',
  'sigmoid_norm',
  'sft',
] as const;
export type LossType = (typeof LOSS_TYPES)[number];

export function isLossType(name: string): name is LossType {
  return (LOSS_TYPES as readonly string[]).includes(name);
}

export interface LossTerm {
  type: LossType;
  weight: number;
}

export interface DpoLossOptions {
  terms: readonly LossTerm[];
  beta: number;
  /** eps of cDPO label smoothing (for sigmoid) and of robust DPO; in [0, 0.5). */
  labelSmoothing: number;
  /** logp_ref = 0 (no reference model). */
  referenceFree: boolean;
  /** mDPO: weight of the conditional (image-corrupted) term plus its anchor; 0 = off. */
  mdpoWeight: number;
}

export const DEFAULT_LOSS: DpoLossOptions = {
  terms: [{ type: 'sigmoid', weight: 1 }],
  beta: 0.1,
  labelSmoothing: 0,
  referenceFree: false,
  mdpoWeight: 0,
};

/** Human-readable problems with loss options (empty when fine). */
export function lossOptionProblems(options: DpoLossOptions): string[] {
  const problems: string[] = [];
  if (!(options.beta > 0) || !Number.isFinite(options.beta)) problems.push(`beta must be > 0 (got ${options.beta})`);
  if (!(options.labelSmoothing >= 0 && options.labelSmoothing < 0.5))
    problems.push(`label smoothing must be in [0, 0.5) (got ${options.labelSmoothing})`);
  if (options.terms.length === 0 && options.mdpoWeight === 0) problems.push('choose at least one loss type');
  for (const t of options.terms) {
    if (!isLossType(t.type)) problems.push(`unknown loss type "${String(t.type)}" (known: ${LOSS_TYPES.join(', ')})`);
    if (!(t.weight >= 0) || !Number.isFinite(t.weight)) problems.push(`weight of ${t.type} must be >= 0 (got ${t.weight})`);
  }
  if (options.terms.length > 0 && options.terms.every((t) => t.type === 'sft'))
    problems.push('an sft term alone is not preference tuning: add a DPO loss type');
  return problems;
}
