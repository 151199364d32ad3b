/**
 * Backend choice inside the worker. Every candidate must first pass the self-check (the
 * checkpoint's golden log-probs, computed on the cpu backend when it was written); then, unless
 * the address or the menu forces one, a short probe of the real workload runs on WebGPU and WASM
 * (WebGL only without WebGPU) and the fastest wins. The page starts at once on a self-checked
 * backend (`startAtOnce`: an earlier visit's choice, else WASM) and measures in a second worker
 * while idle (`chooseBackend`). Reports what really runs and why.
 */
import * as tf from '../src/core/tf';
import { checkGolden, goldenLogProbs } from '../src/core/checks/golden';
import { probeThroughput, secondsPerStep, type ThroughputProbe } from '../src/core/checks/throughput-probe';
import { weightsFromCheckpoint, type DecodedCheckpoint } from '../src/core/model/checkpoint';
import { disposeWeights } from '../src/core/model/weights';
import { samplesEveryStep, type PlaygroundConfig } from '../src/core/settings/controls';
import { registerGroupedWebgpuAddN } from '../src/core/ops/webgpu-addn';
import { registerFusedWebgpuKernels } from '../src/core/ops/fused';
import { SOFTWARE_ADAPTER } from '../src/core/ops/webgpu-matmul';
import { registerWasmKernels } from '../src/core/ops/wasm-kernels';
import { BACKEND_ORDER, measurementClass, type BackendName } from './backend-names';

export interface BackendMeasurement {
  name: BackendName;
  /** The self-check's verdict in words. */
  check: string;
  ok: boolean;
  probe?: ThroughputProbe;
}

export interface BackendInfo {
  name: BackendName;
  /** e.g. "google swiftshader" or "ANGLE (Intel...)"; empty when unknown. */
  adapter: string;
  /** A software rasteriser (SwiftShader, llvmpipe...) stands in for a GPU: slow. */
  software: boolean;
  /** Backends that could not start, or failed the self-check, and why. */
  skipped: string[];
  /** Self-checks and probes of every backend tried. */
  measured: BackendMeasurement[];
  /** Why this backend, in one line for the badge ("WebGPU 0.3 steps/s, WASM 17 steps/s: using WASM"). */
  reason: string;
  /** WASM: threads XNNPACK runs on (1 unless the page is cross-origin isolated). */
  threads?: number;
  /**
   * What the choice rests on: forced by the address or menu; the self-check alone (started at once,
   * the others not measured yet); measured now; or remembered from an earlier visit's measurement.
   */
  basis: 'forced' | 'self-check' | 'measured' | 'remembered';
  /** The settings class (measurementClass) the measurement holds for, when measured or remembered. */
  measuredFor?: string;
}

export const BACKEND_LABELS: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export async function webgpuAdapter(): Promise<{ adapter: string; software: boolean }> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) throw new Error('WebGPU is not available in this browser');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter');
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  return { adapter: text, software: info.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(text) };
}

function webglAdapter(): { adapter: string; software: boolean } {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : '';
    return { adapter: renderer, software: SOFTWARE_ADAPTER.test(renderer) };
  } catch {
    return { adapter: '', software: false };
  }
}

async function register(name: BackendName): Promise<void> {
  if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
    registerGroupedWebgpuAddN();
    registerFusedWebgpuKernels();
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const { default: simd } = await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url');
    const { default: plain } = await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url');
    const { default: threaded } = await import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url');
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': plain,
      'tfjs-backend-wasm-simd.wasm': simd,
      'tfjs-backend-wasm-threaded-simd.wasm': threaded,
    });
    registerWasmKernels();
    // Threads: tfjs's build uses half the logical cores (at most 8) when the page is cross-origin
    // isolated. Measured on a 2-core machine, forcing 2 threads there was 11% slower than 1
    // (docs/results.md), so the default stays.
  }
}

/** Make `name` the active backend (registering it on first use); throws when it cannot start. */
export async function switchBackend(name: BackendName): Promise<void> {
  await register(name);
  if (!(await tf.setBackend(name))) throw new Error(`${name} failed to initialise`);
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`tfjs is running ${tf.getBackend()} instead of ${name}`);
}

async function describe(name: BackendName): Promise<{ adapter: string; software: boolean; threads?: number }> {
  if (name === 'webgpu') return webgpuAdapter();
  if (name === 'webgl') return webglAdapter();
  if (name === 'wasm') {
    const threads = (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
    const isolation = globalThis.crossOriginIsolated ? '' : ' (page not cross-origin isolated: no threads)';
    return { adapter: `WebAssembly SIMD on the CPU, ${threads} thread${threads === 1 ? '' : 's'}${isolation}`, software: false, threads };
  }
  return { adapter: 'plain JavaScript on the CPU', software: false };
}

/** WebGPU validation errors (a kernel that could not run leaves its output stale): counted, never silent. */
function watchGpuErrors(): { errors: string[]; stop(): void } {
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  const errors: string[] = [];
  const onError = (event: Event) => errors.push((event as GPUUncapturedErrorEvent).error.message);
  device?.addEventListener('uncapturederror', onError);
  return { errors, stop: () => device?.removeEventListener('uncapturederror', onError) };
}

/** The bar a GPU must clear: the best backend so far, its forward pass and its probe. */
interface Bar {
  forwardMs: number;
  probe: ThroughputProbe;
}

/**
 * A GPU whose (compiled) forward pass over the self-check sequences is this many times slower
 * than the bar's is not probed further: its rate is estimated from that ratio. This keeps a
 * software adapter's probe to seconds; a real GPU is never this far behind on a forward pass.
 */
const FORWARD_GAP = 8;

/**
 * Self-check of the active backend on a fresh copy of the weights, then (when `settings` are
 * given) the throughput probe, or an estimate when the backend is far behind `bar`.
 */
async function measure(
  name: BackendName,
  checkpoint: DecodedCheckpoint,
  settings?: PlaygroundConfig,
  bar?: Bar,
): Promise<BackendMeasurement & { forwardMs: number }> {
  const weights = weightsFromCheckpoint(checkpoint);
  const config = checkpoint.header.config;
  const gpuErrors = watchGpuErrors();
  try {
    const golden = checkpoint.header.golden;
    let { ok, message } = golden
      ? await checkGolden(weights, config, golden)
      : await goldenLogProbs(weights, config).then((v) => ({
          ok: v.every(Number.isFinite),
          message: `${name}: the checkpoint has no golden values; log-probs are ${v.every(Number.isFinite) ? 'finite' : 'NOT finite'}`,
        }));
    // The self-check compiled the forward pass; time it again (only what the probe compares).
    let forwardMs = NaN;
    if (settings) {
      const start = performance.now();
      await goldenLogProbs(weights, config);
      forwardMs = performance.now() - start;
    }
    if (gpuErrors.errors.length > 0) {
      ok = false;
      message = `${name} reported GPU errors: ${gpuErrors.errors[0]}`;
    }
    let probe: ThroughputProbe | undefined;
    if (ok && settings) {
      if (bar && forwardMs > FORWARD_GAP * bar.forwardMs) {
        const ratio = forwardMs / bar.forwardMs;
        probe = {
          dpoStepsPerSecond: bar.probe.dpoStepsPerSecond / ratio,
          tokensPerSecond: bar.probe.tokensPerSecond / ratio,
          warmupMs: NaN,
          estimate: `est.: forward pass ${ratio.toFixed(0)}x slower`,
        };
      } else {
        const warmupBudgetMs = bar ? Math.max(5000, settings.steps * 1000 * secondsPerStep(bar.probe, settings)) : Infinity;
        probe = await probeThroughput({ weights, config }, settings, { warmupBudgetMs, withGeneration: samplesEveryStep(settings) });
      }
    }
    if (gpuErrors.errors.length > 0)
      return { name, ok: false, check: `${name} reported GPU errors while training: ${gpuErrors.errors[0]}`, forwardMs };
    return { name, ok, check: message, probe, forwardMs };
  } finally {
    gpuErrors.stop();
    disposeWeights(weights);
  }
}

function rate(m: BackendMeasurement, settings: PlaygroundConfig): string {
  const value = `${BACKEND_LABELS[m.name]} ${(1 / secondsPerStep(m.probe!, settings)).toPrecision(2)} steps/s`;
  return m.probe!.estimate ? `${value} (${m.probe!.estimate})` : value;
}

/** Self-checks (and probes) backends in turn, keeping what each showed for the badge. */
class BackendTrial {
  readonly skipped: string[] = [];
  readonly measured: BackendMeasurement[] = [];
  constructor(
    private readonly checkpoint: DecodedCheckpoint,
    private readonly settings: PlaygroundConfig,
  ) {}

  /** `name` started, self-checked and (with `probe`) probed; undefined when it failed (the reason is in `skipped`). */
  async try(name: BackendName, probe: boolean, bar?: Bar): Promise<(BackendMeasurement & { forwardMs: number }) | undefined> {
    try {
      if (name === 'webgpu') await webgpuAdapter();
      await switchBackend(name);
      const { forwardMs, ...m } = await measure(name, this.checkpoint, probe ? this.settings : undefined, bar);
      this.measured.push(m);
      if (!m.ok) this.skipped.push(`${name}: failed its self-check (${m.check})`);
      return m.ok ? { ...m, forwardMs } : undefined;
    } catch (error) {
      this.skipped.push(`${name}: ${(error as Error).message}`);
      return undefined;
    }
  }

  async finish(name: BackendName, reason: string, basis: BackendInfo['basis']): Promise<BackendInfo> {
    await switchBackend(name);
    const measuredFor = basis === 'measured' ? measurementClass(this.settings) : undefined;
    return { name, ...(await describe(name)), skipped: this.skipped, measured: this.measured, reason, basis, measuredFor };
  }

  /** Probe WASM, then WebGPU (WebGL without it), and keep the fastest; CPU is the last resort. */
  async fastest(): Promise<BackendInfo> {
    // WASM first: it is quick to measure and sets the bar (and the time budget) for the GPU.
    const probed: (BackendMeasurement & { forwardMs: number })[] = [];
    const bar = (): Bar | undefined => (probed[0] ? { forwardMs: probed[0].forwardMs, probe: probed[0].probe! } : undefined);
    for (const name of ['wasm', 'webgpu'] as const) {
      const m = await this.try(name, true, bar());
      if (m) probed.push(m);
    }
    if (!probed.some((m) => m.name === 'webgpu')) {
      const m = await this.try('webgl', true, bar());
      if (m) probed.push(m);
    }
    const settings = this.settings;
    if (probed.length > 0) {
      const best = probed.reduce((a, b) => (secondsPerStep(b.probe!, settings) < secondsPerStep(a.probe!, settings) ? b : a));
      const listed = [...probed].sort((a, b) => BACKEND_ORDER.indexOf(a.name) - BACKEND_ORDER.indexOf(b.name));
      return this.finish(best.name, `${listed.map((m) => rate(m, settings)).join(', ')}: using ${BACKEND_LABELS[best.name]}`, 'measured');
    }
    return this.lastResort();
  }

  async lastResort(): Promise<BackendInfo> {
    if (await this.try('cpu', false))
      return this.finish('cpu', 'no faster backend passed its self-check: using plain JavaScript', 'measured');
    throw new Error(`no TensorFlow.js backend passed its self-check (${this.skipped.join('; ')})`);
  }
}

/**
 * Pick the backend. `forced` (from ?backend= or the menu) is used if it starts and passes the
 * self-check; otherwise, or without it, WebGPU and WASM (WebGL when WebGPU is missing) are
 * self-checked and probed at `settings`, and the fastest is kept. CPU is the last resort.
 */
export async function chooseBackend(
  forced: BackendName | undefined,
  checkpoint: DecodedCheckpoint,
  settings: PlaygroundConfig,
): Promise<BackendInfo> {
  const trial = new BackendTrial(checkpoint, settings);
  if (!forced) return trial.fastest();
  if (await trial.try(forced, false))
    return trial.finish(forced, `${BACKEND_LABELS[forced]} forced by the address or the Backend menu (self-check passed)`, 'forced');
  for (const name of BACKEND_ORDER.filter((b) => b !== forced)) {
    if (await trial.try(name, false))
      return trial.finish(
        name,
        `${BACKEND_LABELS[forced]} could not be used (${trial.skipped.at(-1)}): using ${BACKEND_LABELS[name]}`,
        'forced',
      );
  }
  return trial.lastResort();
}

/** A measurement kept from an earlier visit (backend-memory.ts). */
export interface RememberedChoice {
  name: BackendName;
  reason: string;
  /** When it was measured (ISO date). */
  at: string;
}

/**
 * Start without measuring: an earlier visit's measured choice for these settings if it still
 * passes its self-check, else WASM (quick to start and to check on any machine), else the full
 * measurement. The page measures the others later, while idle, in a second worker.
 */
export async function startAtOnce(
  checkpoint: DecodedCheckpoint,
  settings: PlaygroundConfig,
  remembered: RememberedChoice | undefined,
): Promise<BackendInfo> {
  const trial = new BackendTrial(checkpoint, settings);
  if (remembered && (await trial.try(remembered.name, false))) {
    const choice = rememberedChoice(remembered, settings);
    return { ...(await trial.finish(choice.name, choice.reason, choice.basis)), measuredFor: choice.measuredFor };
  }
  if (await trial.try('wasm', false))
    return trial.finish('wasm', 'WASM passed its self-check; the other backends are measured while the page is idle', 'self-check');
  return trial.fastest();
}

/** A choice measured elsewhere (another worker, an earlier visit), with what it saw where known. */
export type MeasuredChoice = Pick<BackendInfo, 'name' | 'reason' | 'basis' | 'measuredFor'> &
  Partial<Pick<BackendInfo, 'measured' | 'skipped'>>;

/** An earlier visit's measurement for `settings`, as a choice the badge can show (with its date). */
export function rememberedChoice(remembered: RememberedChoice, settings: PlaygroundConfig): MeasuredChoice {
  const reason = `${remembered.reason} (measured ${remembered.at.slice(0, 10)})`;
  return { name: remembered.name, reason, basis: 'remembered', measuredFor: measurementClass(settings) };
}

/** Switch to a backend measured elsewhere (`info`), after this worker's own self-check of it. */
export async function adoptBackend(info: MeasuredChoice, checkpoint: DecodedCheckpoint, settings: PlaygroundConfig): Promise<BackendInfo> {
  const trial = new BackendTrial(checkpoint, settings);
  if (!(await trial.try(info.name, false))) throw new Error(`${BACKEND_LABELS[info.name]} failed here: ${trial.skipped.join('; ')}`);
  const adopted = await trial.finish(info.name, info.reason, info.basis);
  // The badge shows what the measuring worker saw (its checks and probes), plus this worker's check.
  return {
    ...adopted,
    measured: info.measured ?? adopted.measured,
    skipped: info.skipped ?? adopted.skipped,
    measuredFor: info.measuredFor,
  };
}
