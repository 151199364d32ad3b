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
import { DEFAULT_WORLD } from '../src/core/world/config';
import { toRgba } from '../src/core/world/render';
import { groundTruthCaption } from '../src/core/world/tasks';
import type { BackendName } from './backend-names';
import { startBackend, type BackendInfo } from './backends';
import { deleteFromBrowser, listBrowserCheckpoints, loadFromBrowser, packWeights, readPacked, saveToBrowser, type StoredCheckpointInfo } from './checkpoint-store';
import type { DecodedCheckpoint } from '../src/core/model/checkpoint';
import shippedHeaderUrl from '../models/sft-base/checkpoint.json?url';
import shippedWeightsUrl from '../models/sft-base/weights.bin?url';

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

let model: { weights: TrainableWeights; config: ModelConfig; meta: Record<string, unknown> } | undefined;

/** Replace the current model by a validated checkpoint. */
function install(decoded: DecodedCheckpoint): ModelSummary {
  const next = { weights: weightsFromCheckpoint(decoded), config: decoded.header.config, meta: decoded.header.meta };
  if (model) disposeWeights(model.weights);
  model = next;
  return { description: describeConfig(next.config), config: next.config, meta: next.meta };
}

function requireModel() {
  if (!model) throw new Error('no model loaded yet');
  return model;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not download ${url} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

const api = {
  async init(preferred?: BackendName): Promise<BackendInfo> {
    return startBackend(preferred);
  },

  async loadShippedModel(): Promise<ModelSummary> {
    const [header, data] = await Promise.all([fetch(shippedHeaderUrl).then((r) => r.json()), fetchBytes(shippedWeightsUrl)]);
    return install(decodeCheckpoint(header, data));
  },

  /** The current model as one .dpock file (for download). */
  async exportCheckpoint(): Promise<Uint8Array> {
    const { weights, config, meta } = requireModel();
    const file = await packWeights(weights, config, { ...meta, exportedAt: new Date().toISOString() });
    return Comlink.transfer(file, [file.buffer as ArrayBuffer]);
  },

  /** Load an uploaded .dpock file; refused (current model kept) if corrupted or of another architecture. */
  async importCheckpoint(file: Uint8Array): Promise<ModelSummary> {
    return install(readPacked(file, model?.config));
  },

  async saveCheckpoint(name: string): Promise<StoredCheckpointInfo> {
    const { weights, config, meta } = requireModel();
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
    const scenes = heldOutScenes(DEFAULT_WORLD, seed, count);
    const captions = await captionScenes(weights, config, DEFAULT_WORLD, scenes, count);
    const items = captions.map(({ scene, image, text }) => ({
      rgba: toRgba(image),
      size: DEFAULT_WORLD.imageSize,
      caption: markCaption(text, scene),
      truth: groundTruthCaption(scene),
    }));
    return Comlink.transfer(items, items.map((i) => i.rgba.buffer as ArrayBuffer));
  },

  async benchmark(): Promise<BenchResult> {
    // SFT and generation only: DPO in the browser arrives with the playground UI (issue 4).
    return benchmark(PRESETS.default, { sftSteps: 5, batchSize: 32, generationBatch: 32, includeDpo: false });
  },

  memory(): { tensors: number; bytes: number } {
    const m = tf.memory();
    return { tensors: m.numTensors, bytes: m.numBytes };
  },
};

export type PlaygroundApi = typeof api;
Comlink.expose(api);
