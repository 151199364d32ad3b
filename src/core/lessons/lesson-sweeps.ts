/**
 * Sweeps that lessons ask for, by lesson id: the sweep builder offers (and fills in) the open
 * lesson's grid, on top of the lesson's settings. One seed each, so a lesson's sweep stays a few
 * runs; add seeds to tell an effect from noise.
 */
import type { SweepGrid } from '../sweeps/sweep-plan';

export const LESSON_SWEEPS: Readonly<Record<string, SweepGrid>> = {
  // "queue all three from the Sweep builder with mode = offline, online, mixed"
  'offline-online-mixed': { method: 'offline, online, mixed', seed: '0' },
  // "Then add an sft term (loss sigmoid,sft:1) ... and compare" (loss specs are separated by ";")
  'beta-too-small': { lossTypes: 'sigmoid; sigmoid,sft:1', seed: '0' },
  // "Then set the judge to oracle ... and compare"
  'online-ai-feedback': { judge: 'self, oracle', seed: '0' },
  // "Set the coverage bonus back to 1 and compare"
  'length-gaming': { coverageBonus: '0, 1', seed: '0' },
  // "set the judge to reward-facts ... and compare"
  'reward-hacking': { judge: 'reward, reward-facts', seed: '0' },
  // "switch the mode to online and compare"
  'counting-relations': { method: 'offline, online', seed: '0' },
};

/** The lesson's grid, on the seed the student is using (a link's seed=1 sweeps seed 1, so the sweep repeats their run). */
export function lessonSweep(lessonId: string | null | undefined, seed = 0): SweepGrid | undefined {
  const grid = lessonId ? LESSON_SWEEPS[lessonId] : undefined;
  return grid && { ...grid, seed: String(seed) };
}
