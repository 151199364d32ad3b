/**
 * A new run's name from its settings: the method, the judge or pair source and beta, then the
 * settings that lessons ask students to change (loss, coverage bonus, learning rate) when they
 * differ from the defaults, so a run and its contrast run never share a name in charts and tables.
 */
import { defaultConfig, type PlaygroundConfig } from './controls';

export function runNameFor(config: PlaygroundConfig): string {
  const defaults = defaultConfig();
  if (config.mode === 'sft') return `sft lr=${config.lr}`;
  const online = config.mode !== 'offline';
  const parts = [config.mode, config.mode === 'online' ? config.judge : config.pairs, `beta=${config.beta}`];
  if (config.loss !== defaults.loss) parts.push(`loss=${config.loss}`);
  if (online && config.cover !== defaults.cover) parts.push(`cover=${config.cover}`);
  if (config.lr !== defaults.lr) parts.push(`lr=${config.lr}`);
  return parts.join(' ');
}
