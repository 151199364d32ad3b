/**
 * A logging interval's metrics, summed on the device: each step adds its scalars without reading
 * anything back; a log reads every sum (and any extra values) in one readback, reports the interval
 * means as TRL does, and starts a new interval. It also counts the steps the optimizer refused.
 */
import * as tf from '../tf';
import type { MetricName, Metrics } from '../dpo/metric-names';

/** The sums as plain numbers, for a resumed run. */
export interface IntervalState {
  sums: Metrics;
  steps: number;
  refused: number;
}

export class IntervalSums {
  private readonly sums = new Map<MetricName, tf.Variable>();
  private readonly refused = tf.tidy(() => tf.variable(tf.scalar(0), false));
  private steps = 0;

  /** One step's scalars; `applied` is 1 when the optimizer took the step, 0 when it refused it. */
  add(values: Partial<Record<MetricName, tf.Tensor>>, applied: tf.Scalar): void {
    tf.tidy(() => {
      this.refused.assign(tf.add(this.refused, tf.sub(1, applied)));
      for (const [name, value] of entries(values)) this.sumOf(name).assign(tf.add(this.sumOf(name), value));
    });
    this.steps++;
  }

  /**
   * The interval's means, the refused steps since the start, and `extra` (flattened), in one
   * readback (each readback stalls a GPU pipeline); then a new interval begins.
   */
  async read(extra?: tf.Tensor): Promise<{ means: Metrics; refused: number; extra?: Float32Array }> {
    const steps = Math.max(1, this.steps);
    const sums = [...this.sums];
    const packed = tf.tidy(() =>
      tf.concat([tf.stack([...sums.map(([, sum]) => sum), this.refused]), ...(extra ? [extra.reshape([-1])] : [])]),
    );
    const values = (await packed.data()) as Float32Array;
    packed.dispose();
    tf.tidy(() => sums.forEach(([, sum]) => sum.assign(tf.scalar(0))));
    this.steps = 0;
    return {
      means: Object.fromEntries(sums.map(([name], i) => [name, values[i]! / steps])),
      refused: values[sums.length]!,
      extra: extra ? values.subarray(sums.length + 1) : undefined,
    };
  }

  async exportState(): Promise<IntervalState> {
    const sums = [...this.sums];
    const [refused, ...values] = await Promise.all([this.refused.data(), ...sums.map(([, v]) => v.data())]);
    return { sums: Object.fromEntries(sums.map(([name], i) => [name, values[i]![0]!])), steps: this.steps, refused: refused[0]! };
  }

  importState(state: IntervalState): void {
    tf.tidy(() => {
      this.refused.assign(tf.scalar(state.refused));
      for (const [name, value] of entries(state.sums)) this.sumOf(name).assign(tf.scalar(value));
    });
    this.steps = state.steps;
  }

  dispose(): void {
    tf.dispose([this.refused, ...this.sums.values()]);
  }

  private sumOf(name: MetricName): tf.Variable {
    let sum = this.sums.get(name);
    if (!sum) {
      sum = tf.variable(tf.scalar(0), false);
      this.sums.set(name, sum);
    }
    return sum;
  }
}

/** Object.entries keeping the metric names' type (the values given are all defined). */
function entries<T>(values: Partial<Record<MetricName, T>>): [MetricName, T][] {
  return Object.entries(values) as [MetricName, T][];
}
