/**
 * Online preference pairs: K responses per new scene sampled from the current policy, scored by
 * the judge, the best against the worst (a tie carries no preference and is skipped). Keeps the
 * judge's statistics for TRL's online metrics and the latest pairs for dataset export.
 */
import type { ModelConfig } from '../model/config';
import type { TrainableWeights } from '../model/weights';
import type { Rng } from '../random';
import type { WorldConfig } from '../world/config';
import { renderScene } from '../world/render';
import { sampleScene } from '../world/scene';
import { DESCRIBE_PROMPT } from '../world/tasks';
import { scoreCandidates, type JudgeContext } from './judge';
import type { Metrics } from './metric-names';
import type { PreparedPair } from './offline-data';
import type { DpoOptions } from './options';
import { sampleCandidates } from './pair-builders';
import type { PreferencePair } from './pairs';

export interface OnlineStats {
  scores: number[];
  margins: number[];
  eos: number[];
}

/** Most recent online pairs kept for export. */
const HISTORY = 1024;

const emptyStats = (): OnlineStats => ({ scores: [], margins: [], eos: [] });
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** A judge's score as the pair inspector shows it: counts as they are, a reward model's to two decimals. */
const shownScore = (score: number) => (Number.isInteger(score) ? String(score) : score.toFixed(2));

export class OnlinePairs {
  private stats = emptyStats();
  private history: PreferencePair[] = [];

  constructor(
    private readonly policy: TrainableWeights,
    private readonly config: ModelConfig,
    private readonly world: WorldConfig,
    private readonly options: DpoOptions,
    private readonly rng: Rng,
  ) {}

  /**
   * Up to `count` pairs, one per new scene; `prepare` encodes a pair from the sampled token ids
   * (scored exactly, <eos> included only if the model produced it).
   */
  async next(
    count: number,
    judgeContext: JudgeContext,
    prepare: (pair: PreferencePair, ids: { chosen: number[]; rejected: number[] }) => PreparedPair,
  ): Promise<PreparedPair[]> {
    const k = this.options.samples;
    const scenes = Array.from({ length: count }, () => sampleScene(this.rng, this.world));
    const images = scenes.map((s) => renderScene(s, this.world.imageSize, this.world.noise));
    const candidates = await sampleCandidates(
      { weights: this.policy, config: this.config },
      scenes,
      images,
      k,
      this.options.sampling,
      this.rng.int(2 ** 31),
    );
    const scores = await scoreCandidates(this.options.judge, candidates, judgeContext);
    this.stats.scores.push(...scores);
    this.stats.eos.push(...candidates.map((c) => (c.endedWithEos ? 1 : 0)));
    const prepared: PreparedPair[] = [];
    for (let i = 0; i < count; i++) {
      let best = i * k;
      let worst = i * k;
      for (let j = i * k; j < (i + 1) * k; j++) {
        if (scores[j]! > scores[best]!) best = j;
        if (scores[j]! < scores[worst]!) worst = j;
      }
      this.stats.margins.push(scores[best]! - scores[worst]!);
      if (scores[best] === scores[worst]) continue;
      const pair: PreferencePair = {
        scene: scenes[i]!,
        image: images[i]!,
        prompt: DESCRIBE_PROMPT,
        chosen: candidates[best]!.response,
        rejected: candidates[worst]!.response,
        source: `online (${this.options.judge.kind}: ${shownScore(scores[best]!)} vs ${shownScore(scores[worst]!)})`,
      };
      this.history.push(pair);
      prepared.push(prepare(pair, { chosen: candidates[best]!.ids, rejected: candidates[worst]!.ids }));
    }
    this.history = this.history.slice(-HISTORY);
    return prepared;
  }

  /** The latest online pairs, oldest first. */
  recent(): PreferencePair[] {
    return [...this.history];
  }

  /** TRL's online metrics over the samples since the last call, which starts a new interval. */
  takeMetrics(): Metrics {
    const metrics: Metrics = {
      'objective/scores': mean(this.stats.scores),
      'objective/scores_margin': mean(this.stats.margins),
      'val/contain_eos_token': mean(this.stats.eos),
    };
    this.stats = emptyStats();
    return metrics;
  }

  exportState(): OnlineStats {
    return structuredClone(this.stats);
  }

  importState(stats: OnlineStats): void {
    this.stats = structuredClone(stats);
  }
}
