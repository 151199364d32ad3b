import { isLossType, LOSS_TYPES, type LossTerm } from './loss-options';

/** "sigmoid,sft:0.5" -> [{sigmoid, 1}, {sft, 0.5}]; throws a readable error on anything else. */
export function parseLossSpec(spec: string): LossTerm[] {
  const terms = spec.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const [name, weightText] = part.split(':');
    if (!name || !isLossType(name)) throw new Error(`unknown loss type "${name ?? ''}" (known: ${LOSS_TYPES.join(', ')})`);
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (!Number.isFinite(weight) || weight < 0) throw new Error(`weight of ${name} must be a number >= 0 (got "${weightText}")`);
    return { type: name, weight };
  });
  if (terms.length === 0) throw new Error('give at least one loss type');
  return terms;
}
