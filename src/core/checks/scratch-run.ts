/**
 * A throwaway DPO run for the checks (equivalence report, throughput probe, step cost): a trainer
 * with the playground's options for `settings` over a trainable copy of the model, prepared, handed
 * to `work`, and disposed with its copy afterwards. The model itself is left as it was.
 */
import type * as tf from '../tf';
import { DpoTrainer } from '../dpo/trainer';
import type { DpoOptions } from '../dpo/options';
import type { ModelConfig } from '../model/config';
import { disposeWeights, trainableCopy, type TrainableWeights, type Weights } from '../model/weights';
import type { PlaygroundConfig } from '../settings/controls';
import { dpoOptionsFromConfig, worldFromConfig } from '../settings/run-options';

export interface ScratchRun {
  trainer: DpoTrainer;
  policy: TrainableWeights;
  /** Waits until the device has finished everything queued so far (one tiny readback). */
  sync: () => Promise<void>;
}

export async function withScratchRun<T>(
  model: { weights: Weights; config: ModelConfig },
  settings: PlaygroundConfig,
  overrides: Partial<DpoOptions>,
  work: (run: ScratchRun) => Promise<T>,
): Promise<T> {
  const policy = trainableCopy(model.weights);
  const trainer = new DpoTrainer(policy, model.config, worldFromConfig(settings, model.config), { ...dpoOptionsFromConfig(settings), ...overrides });
  const sync = async () => void (await (policy['final.ln.b'] as tf.Tensor).data());
  try {
    await trainer.prepare();
    return await work({ trainer, policy, sync });
  } finally {
    trainer.dispose();
    disposeWeights(policy);
  }
}
