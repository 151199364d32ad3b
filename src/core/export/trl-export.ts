/**
 * The TRL dataset of a configuration before any run: the preference pairs its offline data would
 * train on, built as a run builds them (RunSession.prepare), zipped as trl-dataset.ts lays them out.
 * The page's Export button (no run yet) and `npm run export-trl` both call this.
 */
import type { PlaygroundConfig } from '../settings/controls';
import { RunSession, type Model } from '../session/run-session';
import { trlDatasetZip } from './trl-dataset';

/** Whether a run of this configuration has preference pairs before it trains (offline data). */
export function hasPairsBeforeRun(config: Pick<PlaygroundConfig, 'method'>): boolean {
  return config.method === 'offline' || config.method === 'mixed';
}

export async function trlDatasetForConfig(start: Model, config: PlaygroundConfig): Promise<Uint8Array> {
  if (!hasPairsBeforeRun(config))
    throw new Error('there are no preference pairs yet: SFT has none, and online pairs appear once an online run has trained a few steps');
  const session = new RunSession(start, config);
  try {
    await session.prepare();
    return trlDatasetZip(session.exportablePairs(), start.config.imageSize);
  } finally {
    session.dispose();
  }
}
