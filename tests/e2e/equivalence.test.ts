/**
 * Cross-backend equivalence in real Chromium, at the sizes the app uses: the shipped model, the
 * default batch of 16 pairs, one step of the default offline DPO run, a short default run, the
 * default evaluation batch (64 scenes, greedy) and K = 4 samples for 16 prompts at the default
 * temperature and length. WebGPU (SwiftShader here) and the cpu backend are checked against WASM.
 *
 * Tolerances, and why:
 * - per-sequence log-probs: 1e-4 absolute. float32 sums of up to 21 log-softmax terms whose
 *   kernels reduce in different orders; measured 1.1e-5 on SwiftShader.
 * - loss and every logged metric, gradient norm: 1e-4 relative (+1e-6 absolute): scalars made
 *   from the log-probs above.
 * - weights after one Adam step: lr / 10 absolute. Adam's first step is about lr * sign(gradient),
 *   so a wrong gradient shows as a difference of the order of lr; rounding stays far below
 *   (measured 4.3e-6 with lr 2e-4).
 * - fused WebGPU kernels against their plain tfjs paths on WebGPU: 1e-5 of the largest value
 *   (at least 1e-4) and of the largest gradient entry (float32 rounding in another order; a sum
 *   of 1216 rows, values up to ~100, measured 7.4e-5).
 * - generation: at most 1 of 64 sequences may differ (a near-tie between two words can flip an
 *   argmax or a sampled word under rounding); measured 0.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NumericsOptions, NumericsReport } from '../../src/core/checks/numerics';
import { useApp } from './use-app';

const app = useApp();
let page: Page;
const reports: Record<string, NumericsReport> = {};

async function report(backend: string, options: NumericsOptions): Promise<NumericsReport> {
  return page.evaluate(
    ([b, o]) =>
      (
        window as unknown as {
          dpoPlayground: { trainer: { api: { numericsReport(b: string, o: NumericsOptions): Promise<NumericsReport> } } };
        }
      ).dpoPlayground.trainer.api.numericsReport(b, o),
    [backend, options] as const,
  );
}

beforeAll(async () => {
  page = await app.openOnWebgpu();
  reports.wasm = await report('wasm', { shortRunSteps: 4, withGeneration: true });
}, 900_000);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function expectEquivalent(actual: NumericsReport, expected: NumericsReport, lr: number): void {
  expect(maxAbsDiff(actual.logProbs, expected.logProbs)).toBeLessThan(1e-4);
  expect(Object.keys(actual.firstStep).sort()).toEqual(Object.keys(expected.firstStep).sort());
  for (const [name, value] of Object.entries(expected.firstStep)) {
    expect(Math.abs(actual.firstStep[name]! - value), name).toBeLessThanOrEqual(1e-4 * Math.abs(value) + 1e-6);
  }
  for (const [name, after] of Object.entries(expected.weightsAfterStep)) {
    expect(maxAbsDiff(actual.weightsBeforeStep[name]!, expected.weightsBeforeStep[name]!), name).toBeLessThan(1e-6);
    expect(maxAbsDiff(actual.weightsAfterStep[name]!, after), name).toBeLessThan(lr / 10);
  }
  if (expected.greedy.length > 0) {
    expect(actual.greedy.filter((text, i) => text !== expected.greedy[i]).length).toBeLessThanOrEqual(1);
    expect(actual.sampled.filter((ids, i) => ids.join() !== expected.sampled[i]!.join()).length).toBeLessThanOrEqual(1);
  }
}

describe('cross-backend equivalence on the shipped model', () => {
  it('WASM itself: a short default run has every step finite and accepted', () => {
    const wasm = reports.wasm!;
    expect(wasm.backend).toBe('wasm');
    expect(wasm.shortRun.refused).toBe(0);
    expect(wasm.shortRun.events).toEqual([]);
    expect(wasm.greedy).toHaveLength(64);
    expect(wasm.sampled).toHaveLength(64);
    // The step moved the weights (so "equal after the step" is not trivially true).
    const moved = maxAbsDiff(wasm.weightsAfterStep['text.tokens']!, wasm.weightsBeforeStep['text.tokens']!);
    expect(moved).toBeGreaterThan(1e-4);
  });

  it('WebGPU matches WASM: log-probs, loss and metrics, gradient norm, weights after one Adam step, greedy and sampled generation', async () => {
    const webgpu = await report('webgpu', { shortRunSteps: 4, withGeneration: true });
    expect(webgpu.backend).toBe('webgpu');
    // Every step of a short default run on WebGPU is finite and accepted (this failed before the
    // grouped AddN: the gradient norm read a stale buffer).
    expect(webgpu.shortRun.refused).toBe(0);
    expect(webgpu.shortRun.events).toEqual([]);
    expect(maxAbsDiff(webgpu.shortRun.losses, reports.wasm!.shortRun.losses)).toBeLessThan(1e-4);
    expectEquivalent(webgpu, reports.wasm!, 2e-4);
    // The fused kernels (layer norm, GELU, token log-probs, softmax, forward and backward), the loop
    // Sum, and the matmuls (native transposes; the loop kernel on a software adapter) against
    // their plain tfjs paths on WebGPU itself, at a step's shapes.
    console.log('fused kernels on webgpu:', JSON.stringify(webgpu.fusedKernels));
    expect(webgpu.fusedKernels.map((c) => c.op)).toEqual([
      'layer norm',
      'gelu',
      'token log-probs',
      'softmax',
      'sum over rows (bias gradient)',
      'dense layer (x W)',
      'attention scores (q k^T)',
      'tied output head (h E^T)',
    ]);
    for (const check of webgpu.fusedKernels) {
      expect(check.valueDiff, check.op).toBeLessThan(1e-5 * Math.max(10, check.valueScale));
      expect(check.gradientDiff, check.op).toBeLessThan(1e-5 * Math.max(1, check.gradientScale));
    }
    // WASM has its own fused kernels (wasm/fused-kernels.ts), held to the same bounds.
    console.log('fused kernels on wasm:', JSON.stringify(reports.wasm!.fusedKernels));
    expect(reports.wasm!.fusedKernels.map((c) => c.op)).toEqual(webgpu.fusedKernels.map((c) => c.op));
    for (const check of reports.wasm!.fusedKernels) {
      expect(check.valueDiff, check.op).toBeLessThan(1e-5 * Math.max(10, check.valueScale));
      expect(check.gradientDiff, check.op).toBeLessThan(1e-5 * Math.max(1, check.gradientScale));
    }
  });

  it('the cpu backend matches WASM (no generation: too slow for plain JavaScript here)', async () => {
    const cpu = await report('cpu', { shortRunSteps: 2, withGeneration: false });
    expect(cpu.backend).toBe('cpu');
    expect(cpu.shortRun.refused).toBe(0);
    expectEquivalent(cpu, { ...reports.wasm!, greedy: [], sampled: [] }, 2e-4);
  });
});
