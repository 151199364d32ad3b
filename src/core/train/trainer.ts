/**
 * What every trainer of the playground (SFT in sft.ts, DPO in dpo/trainer.ts) offers, so a run
 * drives either one the same way: one optimizer step at a time, each logging step's metrics under
 * the names the charts and exports use (TRL's, metric-names.ts), events in plain words, and the
 * steps the optimizer refused (a non-finite loss or gradient) reported the same way by both.
 */
import type { Metrics } from '../dpo/metric-names';

/** A preference pair a DPO step trained on (for the pair inspector); SFT steps have none. */
export interface TrainedPair {
  prompt: string;
  chosen: string;
  rejected: string;
  source: string;
  /** beta * (log pi - log pi_ref) of each response at this step (read on logging steps). */
  chosenReward?: number;
  rejectedReward?: number;
}

/** What one step has to tell: metrics on logging steps (empty otherwise), events, and its pairs. */
export interface TrainerLog {
  step: number;
  metrics: Metrics;
  /** Plain-words events since the last log (a refused non-finite step, a new round, ...). */
  events: string[];
  pairs: TrainedPair[];
}

export interface Trainer {
  /** Steps taken so far (a resumed run sets it). */
  step: number;
  /** Build what the first step needs (DPO's offline pairs); progress in words. */
  prepare(onProgress?: (message: string) => void): Promise<void>;
  /** One optimizer step; a log on logging steps and on steps with events, else undefined. */
  trainStep(): Promise<TrainerLog | undefined>;
  /** The learning rate from the next step on (SFT: the peak of its schedule). */
  setLearningRate(lr: number): void;
  dispose(): void;
}

/**
 * Turns the optimizer's count of refused steps (kept on the device, IntervalSums) into the
 * refused_steps metric and, when it grew since the last log, one event.
 */
export class RefusedStepReport {
  /** Refused steps already told as an event (saved with a resumed run's state). */
  reported = 0;

  report(refused: number, step: number, metrics: Metrics, events: string[]): void {
    if (refused > this.reported) {
      events.push(
        `${refused - this.reported} step(s) before step ${step} had a non-finite loss or gradient: they were refused and the weights restored`,
      );
      this.reported = refused;
    }
    metrics.refused_steps = refused;
  }
}
