/** The metrics every DPO loss computes from a batch of pairs (dpoLoss). */
export const PAIR_METRICS = [
  'rewards/chosen',
  'rewards/rejected',
  'rewards/margins',
  'rewards/accuracies',
  'logps/chosen',
  'logps/rejected',
] as const;
export type PairMetric = (typeof PAIR_METRICS)[number];

/**
 * The names a run's metrics are logged under, by both trainers (train/trainer.ts): Hugging Face
 * TRL's DPOTrainer and OnlineDPOTrainer names (loss, grad_norm, rewards/*, logps/*, objective/*,
 * ...; an SFT run logs loss, grad_norm and learning_rate), plus two counts since the start:
 * refused_steps (steps whose loss or gradient was not finite, refused by the optimizer) and
 * no_preference_steps (online steps whose samples all tied, so there was nothing to learn from).
 * The trainers write them; the charts, diagnostics, runs export and sweep tables read them, typed,
 * so a misspelt name does not compile.
 */
export const METRIC_NAMES = [
  'loss',
  'grad_norm',
  'learning_rate',
  'beta',
  ...PAIR_METRICS,
  'objective/kl',
  'objective/entropy',
  'objective/scores',
  'objective/scores_margin',
  'val/contain_eos_token',
  'refused_steps',
  'no_preference_steps',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** One logging step's values (interval means); a run logs the names its method has. */
export type Metrics = Partial<Record<MetricName, number>>;
