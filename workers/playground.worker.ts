/**
 * The worker shell: a typed Comlink API over src/core. All model work happens here, so the page
 * never freezes.
 */
import * as Comlink from 'comlink';
import * as tf from '../src/core/tf';
import { benchmark, type BenchResult } from '../src/core/bench';
import { markCaption, type MarkedCaption } from '../src/core/eval/annotate';
import { captionScenes, heldOutScenes } from '../src/core/eval/evaluate';
import { decodeCheckpoint, weightsFromCheckpoint } from '../src/core/model/checkpoint';
import { describeConfig, PRESETS, type ModelConfig } from '../src/core/model/config';
import { disposeWeights, type TrainableWeights } from '../src/core/model/weights';
import { worldForModel } from '../src/core/world/config';
import { toRgba } from '../src/core/world/render';
import { groundTruthCaption } from '../src/core/world/tasks';
import { isBackendName, type BackendName } from './backend-names';
import {
  adoptBackend,
  chooseBackend,
  rememberedChoice,
  startAtOnce,
  switchBackend,
  type BackendInfo,
  type MeasuredChoice,
} from './backends';
import { recallChoice, rememberChoice } from './backend-memory';
import { measureStepCost, type StepCost } from '../src/core/checks/step-cost';
import { gpuCounters } from './gpu-counters';
import { numericsReport, type NumericsOptions, type NumericsReport } from '../src/core/checks/numerics';
import {
  deleteFromBrowser,
  listBrowserCheckpoints,
  loadFromBrowser,
  packWeights,
  readPacked,
  saveToBrowser,
  type StoredCheckpointInfo,
} from './checkpoint-store';
import type { DecodedCheckpoint } from '../src/core/model/checkpoint';
import type { PlaygroundConfig } from '../src/core/settings/controls';
import { previewScenes, type PreviewScene } from '../src/core/session/data-preview';
import { drawScene, inspectScene, type DrawnScene, type SceneInspection } from '../src/core/session/inspect-scene';
import { worldFromConfig } from '../src/core/settings/run-options';
import { trlDatasetZip } from '../src/core/export/trl-dataset';
import { trlDatasetForConfig } from '../src/core/export/trl-export';
import type { Scene } from '../src/core/world/scene';
import { RunControl, type RunListener, type StartOptions } from './run-control';
import baseHeaderUrl from '../models/sft-base/checkpoint.json?url';
import baseWeightsUrl from '../models/sft-base/weights.bin?url';
import largeHeaderUrl from '../models/sft-large/checkpoint.json?url';
import largeWeightsUrl from '../models/sft-large/weights.bin?url';
import type { ShippedModel } from '../src/core/settings/controls';

export interface ModelSummary {
  description: string;
  config: ModelConfig;
  meta: Record<string, unknown>;
}

export interface GalleryItem {
  rgba: Uint8ClampedArray;
  size: number;
  caption: MarkedCaption;
  truth: string;
}

const runs = new RunControl();
/** Told when the GPU device is lost (the page restarts the worker). */
let fatal: ((message: string) => void) | undefined;
/** Each GPU device is watched once: a lost device is fatal to the worker. */
const watched = new WeakSet<GPUDevice>();
function watchDevice(info: BackendInfo): void {
  const device = info.name === 'webgpu' ? (tf.backend() as unknown as { device?: GPUDevice }).device : undefined;
  if (!device || !fatal || watched.has(device)) return;
  watched.add(device);
  void device.lost.then((lost) => fatal?.(`the GPU device was lost (${lost.reason}: ${lost.message || 'no details'})`));
}
let model: { weights: TrainableWeights; config: ModelConfig; meta: Record<string, unknown> } | undefined;

/** Replace the current model by a validated checkpoint. */
function install(decoded: DecodedCheckpoint): ModelSummary {
  if (runs.active) throw new Error('stop the run in progress before loading another model');
  runs.release();
  runs.modelVersion++;
  const next = { weights: weightsFromCheckpoint(decoded), config: decoded.header.config, meta: decoded.header.meta };
  if (model) disposeWeights(model.weights);
  model = next;
  return { description: describeConfig(next.config), config: next.config, meta: next.meta };
}

function requireModel() {
  if (!model) throw new Error('no model loaded yet');
  return model;
}

/** What "save" and "download" mean: the latest run's trained policy, else the loaded model. */
function modelToSave() {
  const base = requireModel();
  const policy = runs.policy;
  return policy
    ? { weights: policy.weights, config: policy.config, meta: { ...base.meta, trainedBy: 'dpo-playground', run: runs.currentRunId } }
    : base;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not download ${url} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

const SHIPPED_URLS: Record<ShippedModel, [header: string, weights: string]> = {
  default: [baseHeaderUrl, baseWeightsUrl],
  large: [largeHeaderUrl, largeWeightsUrl],
};
const shipped = new Map<ShippedModel, Promise<DecodedCheckpoint>>();
/** A shipped SFT checkpoint, downloaded and validated once. */
function shippedCheckpoint(name: ShippedModel = 'default'): Promise<DecodedCheckpoint> {
  const urls = SHIPPED_URLS[name];
  if (!urls) return Promise.reject(new Error(`there is no shipped model "${name}" (choose ${Object.keys(SHIPPED_URLS).join(' or ')})`));
  if (!shipped.has(name)) {
    const [headerUrl, weightsUrl] = urls;
    const loading = Promise.all([fetch(headerUrl).then((r) => r.json()), fetchBytes(weightsUrl)]).then(([header, data]) =>
      decodeCheckpoint(header, data),
    );
    // A failed download may be retried.
    loading.catch(() => shipped.delete(name));
    shipped.set(name, loading);
  }
  return shipped.get(name)!;
}

/** The latest model load: a run waits for it, so it never starts from the model being replaced. */
let modelLoading: Promise<unknown> = Promise.resolve();

/** The backend's start begun by `prepare` (before the page knows its settings). */
let preparing: Promise<unknown> = Promise.resolve();

const api = {
  /**
   * Called by the page's entry before its own code loads: start the backend the address forces,
   * else WASM (downloading and compiling it, its threads), so `init` finds it ready.
   */
  prepare(requested: string | null): void {
    preparing = switchBackend(requested !== null && isBackendName(requested) ? requested : 'wasm').catch(() => undefined);
  },

  /**
   * Start the backend: `forced` if given and it passes the self-check; else at once, without
   * measuring, on the backend an earlier visit measured fastest for `settings`, or on WASM (the
   * page then measures while idle: measureBackends in a second worker, adoptBackend here).
   * `onFatal` hears of a lost GPU device (the page then restarts the worker).
   */
  async init(forced: BackendName | undefined, settings: PlaygroundConfig, onFatal?: (message: string) => void): Promise<BackendInfo> {
    fatal = onFatal;
    // Checked on the model the settings start from: the large one may favour another backend.
    const loading = shippedCheckpoint(settings.modelSize);
    const remembered = forced ? undefined : await recallChoice(settings);
    await preparing;
    // The backend's start (downloading and compiling WASM, or a GPU device) overlaps the
    // checkpoint's download; a failure here is met again, and reported, by the self-check below.
    const [checkpoint] = await Promise.all([loading, switchBackend(forced ?? remembered?.name ?? 'wasm').catch(() => undefined)]);
    const info = forced ? await chooseBackend(forced, checkpoint, settings) : await startAtOnce(checkpoint, settings, remembered);
    watchDevice(info);
    return info;
  },

  /**
   * Measure every backend at `settings` (self-checks, then the probe of the real workload) and
   * remember the choice for later visits. Run by a second worker while the page is idle.
   */
  async measureBackends(settings: PlaygroundConfig): Promise<BackendInfo> {
    const info = await chooseBackend(undefined, await shippedCheckpoint(settings.modelSize), settings);
    await rememberChoice(settings, info);
    return info;
  },

  /** An earlier visit's measurement for `settings`, if there is one (the page then needs no probe). */
  async recallBackend(settings: PlaygroundConfig): Promise<MeasuredChoice | undefined> {
    const remembered = await recallChoice(settings);
    return remembered && rememberedChoice(remembered, settings);
  },

  /**
   * Train on the backend another worker measured (between runs: the model's tensors move to it
   * when next used). Refused while a run is in progress.
   */
  async adoptBackend(info: MeasuredChoice, settings: PlaygroundConfig): Promise<BackendInfo> {
    if (runs.active) throw new Error('a run is in progress: the backend changes after it');
    await runs.idle();
    const adopted = await adoptBackend(info, await shippedCheckpoint(settings.modelSize), settings);
    watchDevice(adopted);
    return adopted;
  },

  async loadShippedModel(name: ShippedModel = 'default'): Promise<ModelSummary> {
    const loading = shippedCheckpoint(name).then(install);
    modelLoading = loading.catch(() => undefined);
    return loading;
  },

  /**
   * The equivalence suite's numbers for the shipped model on `backend` (a fresh copy of the
   * weights made on that backend); the worker's active backend is restored afterwards.
   */
  async numericsReport(backend: BackendName, options: NumericsOptions): Promise<NumericsReport> {
    const previous = tf.getBackend() as BackendName;
    await switchBackend(backend);
    const decoded = await shippedCheckpoint();
    const weights = weightsFromCheckpoint(decoded);
    try {
      return await numericsReport({ weights, config: decoded.header.config }, options);
    } finally {
      disposeWeights(weights);
      await switchBackend(previous);
    }
  },

  /** The current model as one .dpock file (for download). */
  async exportCheckpoint(): Promise<Uint8Array> {
    const { weights, config, meta } = modelToSave();
    const file = await packWeights(weights, config, { ...meta, exportedAt: new Date().toISOString() });
    return Comlink.transfer(file, [file.buffer as ArrayBuffer]);
  },

  /** The starting model (not a run's policy) as one .dpock file, for the page's sweep workers. */
  async exportStartingModel(): Promise<Uint8Array> {
    const { weights, config, meta } = requireModel();
    const file = await packWeights(weights, config, meta);
    return Comlink.transfer(file, [file.buffer as ArrayBuffer]);
  },

  /** Load an uploaded .dpock file; refused (current model kept) if corrupted or of another architecture. */
  importCheckpoint(file: Uint8Array): Promise<ModelSummary> {
    // Nothing to wait for; a refusal (thrown) rejects the promise, as in the other methods.
    return new Promise((resolve) => resolve(install(readPacked(file, model?.config))));
  },

  async saveCheckpoint(name: string): Promise<StoredCheckpointInfo> {
    const { weights, config, meta } = modelToSave();
    const trimmed = name.trim();
    if (!trimmed) throw new Error('give the checkpoint a name');
    return saveToBrowser(trimmed, await packWeights(weights, config, meta), describeConfig(config));
  },

  async loadCheckpoint(name: string): Promise<ModelSummary> {
    return install(readPacked(await loadFromBrowser(name), model?.config));
  },

  listCheckpoints: listBrowserCheckpoints,
  deleteCheckpoint: deleteFromBrowser,

  /** Held-out scenes with the model's greedy captions, marked against the ground truth. */
  async gallery(count: number, seed: number): Promise<GalleryItem[]> {
    const { weights, config } = requireModel();
    const world = worldForModel(config);
    const scenes = heldOutScenes(world, seed, count);
    const captions = await captionScenes(weights, config, world, scenes, count);
    const items = captions.map(({ scene, image, text }) => ({
      rgba: toRgba(image),
      size: world.imageSize,
      caption: markCaption(text, scene),
      truth: groundTruthCaption(scene),
    }));
    return Comlink.transfer(
      items,
      items.map((i) => i.rgba.buffer as ArrayBuffer),
    );
  },

  /** Throughput on this backend; SwiftShader-sized work so a software adapter finishes too. */
  async benchmark(): Promise<BenchResult> {
    if (runs.active) throw new Error('stop the run in progress before benchmarking');
    return benchmark(PRESETS.default, { sftSteps: 5, batchSize: 16, generationBatch: 16, includeDpo: true });
  },

  /** Kernels per DPO step and per generated token here; on WebGPU also dispatches and readbacks. */
  async stepCost(): Promise<StepCost> {
    if (runs.active) throw new Error('stop the run in progress before measuring');
    const onGpu = tf.getBackend() === 'webgpu';
    if (onGpu) gpuCounters();
    return measureStepCost(requireModel(), onGpu ? gpuCounters : undefined);
  },

  /** Start a run from the current model; progress arrives through listener.update. */
  async startRun(runId: string, config: PlaygroundConfig, listener: RunListener, options: StartOptions = {}): Promise<number> {
    await modelLoading;
    return runs.start(runId, config, requireModel(), listener, options);
  },
  /** Evaluate the starting model for these settings ahead of a run (call when the page is idle). */
  async warmBaseline(config: PlaygroundConfig): Promise<void> {
    await modelLoading;
    await runs.warmBaseline(config, requireModel());
  },
  pauseRun: () => runs.pause(),
  resumeRun: () => runs.resume(),
  stepRun: () => runs.step(),
  stopRun: () => runs.stop(),
  setLearningRate: (lr: number) => runs.setLearningRate(lr),
  setBeta: (beta: number) => runs.setBeta(beta),
  /** Forget the trained policy: the scene editor and gallery go back to the starting model. */
  resetRun(): void {
    runs.release();
  },

  /** Scenes of a world with the annotator's (flawed) captions. */
  previewData(config: PlaygroundConfig, seed: number, count: number): PreviewScene[] {
    const items = previewScenes(worldFromConfig(config, requireModel().config), seed, count);
    return Comlink.transfer(
      items,
      items.map((i) => i.rgba.buffer as ArrayBuffer),
    );
  },

  /** The scene editor: both models' captions and yes/no answers for a hand-made scene. */
  async inspectScene(scene: Scene): Promise<{ drawn: DrawnScene; policy?: SceneInspection; reference: SceneInspection }> {
    const base = requireModel();
    const world = worldForModel(base.config);
    const reference = runs.reference ?? { weights: base.weights, config: base.config };
    const policy = runs.policy;
    return {
      drawn: drawScene(scene, world),
      reference: await inspectScene(reference, scene, world),
      policy: policy && (await inspectScene(policy, scene, world)),
    };
  },

  /**
   * The current preference pairs as a TRL dataset zip: the latest run's pairs, or, before any
   * run, the pairs this configuration would train on.
   */
  async exportTrlDataset(config: PlaygroundConfig): Promise<Uint8Array> {
    const pairs = runs.current?.exportablePairs() ?? [];
    const zip =
      pairs.length > 0 ? trlDatasetZip(pairs, requireModel().config.imageSize) : await trlDatasetForConfig(requireModel(), config);
    return Comlink.transfer(zip, [zip.buffer as ArrayBuffer]);
  },

  /** Crash the worker on purpose (an uncaught error), to exercise crash recovery in tests and demos. */
  simulateCrash(): void {
    setTimeout(() => {
      throw new Error('simulated crash');
    });
  },

  memory(): { tensors: number; bytes: number } {
    const m = tf.memory();
    return { tensors: m.numTensors, bytes: m.numBytes };
  },
};

export type PlaygroundApi = typeof api;
Comlink.expose(api);
