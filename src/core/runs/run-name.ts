/**
 * A new run's name from its settings: the method, the judge or pair source and beta, then the
 * settings that lessons ask students to change (loss, coverage bonus, learning rate) when they
 * differ from the defaults, so a run and its contrast run never share a name in charts and tables.
 */
import { defaultConfig, type PlaygroundConfig } from '../settings/controls';

export function runNameFor(config: PlaygroundConfig): string {
  const defaults = defaultConfig();
  if (config.method === 'sft') return `sft lr=${config.learningRate}`;
  const online = config.method !== 'offline';
  const parts = [config.method, config.method === 'online' ? config.judge : config.pairSource, `beta=${config.beta}`];
  if (config.lossTypes !== defaults.lossTypes) parts.push(`loss=${config.lossTypes}`);
  if (online && config.coverageBonus !== defaults.coverageBonus) parts.push(`cover=${config.coverageBonus}`);
  if (config.learningRate !== defaults.learningRate) parts.push(`lr=${config.learningRate}`);
  return parts.join(' ');
}
