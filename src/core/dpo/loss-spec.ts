import { isLossType, LOSS_TYPES, type LossTerm } from './loss-options';
import { shorten } from '../messages';
import { isDecimalText } from '../validation';

/**
 * "sigmoid,sft:0.5" -> [{sigmoid, 1}, {sft, 0.5}]; throws a readable error on anything else: an
 * unknown name, a weight that is not a number >= 0 (or is empty), a term with two weights, or
 * weights that are all zero (nothing would train).
 */
export function parseLossSpec(spec: string): LossTerm[] {
  const terms = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const pieces = part.split(':');
      const [name, weightText] = pieces;
      if (pieces.length > 2) throw new Error(`write each term as name or name:weight (got "${shorten(part)}")`);
      if (!name || !isLossType(name)) throw new Error(`unknown loss type "${shorten(name ?? '')}" (known: ${LOSS_TYPES.join(', ')})`);
      const weight = weightText === undefined ? 1 : !isDecimalText(weightText) ? NaN : Number(weightText);
      if (!Number.isFinite(weight) || weight < 0)
        throw new Error(`weight of ${name} must be a number >= 0 (got "${shorten(weightText ?? '')}")`);
      return { type: name, weight };
    });
  if (terms.length === 0) throw new Error('give at least one loss type');
  if (terms.every((t) => t.weight === 0)) throw new Error('every loss weight is 0: nothing would train');
  return terms;
}
