import * as v from 'valibot';
import * as tf from '../tf';
import { shorten } from '../messages';
import { architectureDifferences, architectureProblems, weightShapes, type ModelConfig } from './config';
import type { TrainableWeights, Weights } from './weights';
import type { GoldenValues } from '../checks/golden';

/**
 * Checkpoint = a JSON header (format, version, architecture, tensor table, checksum, provenance)
 * + the raw float32 weights. Stored as two files in Node (checkpoint.json + weights.bin) and as
 * one packed file for browser download/upload and IndexedDB.
 */
export const CHECKPOINT_FORMAT = 'dpo-playground-checkpoint';
export const CHECKPOINT_VERSION = 1;
const MAGIC = 'DPOPCKPT';

export interface CheckpointMeta {
  /** Free-form provenance: command, seed, steps, training time, parent checkpoint... */
  [key: string]: unknown;
}

export interface CheckpointHeader {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  config: ModelConfig;
  tensors: { name: string; shape: number[]; offset: number }[];
  byteLength: number;
  /** FNV-1a 32-bit of the weight bytes, hex. */
  checksum: string;
  meta: CheckpointMeta;
  /** Log-probs of fixed sequences computed on the cpu backend when written: the startup self-check. */
  golden?: GoldenValues;
}

export interface DecodedCheckpoint {
  header: CheckpointHeader;
  values: Record<string, { shape: number[]; data: Float32Array }>;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function fnv1a(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export async function encodeCheckpoint(
  weights: Weights,
  config: ModelConfig,
  meta: CheckpointMeta = {},
  golden?: GoldenValues,
): Promise<{ header: CheckpointHeader; data: Uint8Array }> {
  const shapes = weightShapes(config);
  const names = Object.keys(shapes);
  const total = names.reduce((sum, n) => sum + weights[n]!.size, 0);
  const floats = new Float32Array(total);
  const tensors: CheckpointHeader['tensors'] = [];
  let offset = 0;
  for (const name of names) {
    const tensor = weights[name];
    if (!tensor) throw new CheckpointError(`the model has no weight "${name}"`);
    floats.set(await tensor.data<'float32'>(), offset);
    tensors.push({ name, shape: tensor.shape, offset });
    offset += tensor.size;
  }
  const data = new Uint8Array(floats.buffer);
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    config,
    tensors,
    byteLength: data.byteLength,
    checksum: fnv1a(data),
    meta,
    ...(golden ? { golden } : {}),
  };
  return { header, data };
}

/** One row of the tensor table; the shape's sizes are checked against the architecture later. */
const tensorEntrySchema = v.object({ name: v.string(), shape: v.array(v.unknown()), offset: v.pipe(v.number(), v.integer()) });

/** Largest weight magnitude a checkpoint may carry. */
export const MAX_WEIGHT = 1e4;

/**
 * Validate and decode. Refuses, with a message a person can act on: another file type, a newer
 * version, a different architecture than `expected`, missing or misshapen tensors, truncated or
 * altered bytes.
 */
export function decodeCheckpoint(rawHeader: unknown, data: Uint8Array, expected?: ModelConfig): DecodedCheckpoint {
  const header = rawHeader as Partial<CheckpointHeader> | null;
  if (!header || typeof header !== 'object' || header.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError('not a DPO Playground checkpoint (missing or wrong "format" field)');
  }
  if (header.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `checkpoint version ${shorten(String(JSON.stringify(header.version)))} is not supported (this app reads version ${CHECKPOINT_VERSION})`,
    );
  }
  const config = header.config;
  if (!config || typeof config !== 'object' || !Array.isArray(header.tensors)) {
    throw new CheckpointError('checkpoint header is incomplete (no config or tensor table)');
  }
  const architecture = architectureProblems(config);
  if (architecture.length > 0) throw new CheckpointError(`checkpoint describes a model this app cannot build: ${architecture.join('; ')}`);
  const malformed = header.tensors.findIndex((entry) => !v.is(tensorEntrySchema, entry));
  if (malformed >= 0)
    throw new CheckpointError(
      `checkpoint tensor table entry ${malformed + 1} is malformed (needs a name, a shape and a whole-number offset)`,
    );
  if (expected) {
    const differences = architectureDifferences(config, expected);
    if (differences.length > 0) {
      throw new CheckpointError(`checkpoint is for another architecture (${differences.join('; ')}; checkpoint vs this model)`);
    }
  }
  const golden = header.golden;
  if (golden !== undefined) {
    const valid =
      golden &&
      typeof golden === 'object' &&
      typeof golden.backend === 'string' &&
      Number.isInteger(golden.seed) &&
      Array.isArray(golden.logProbs) &&
      golden.logProbs.length <= 64 &&
      golden.logProbs.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      (golden.gradientNorms === undefined ||
        (Array.isArray(golden.gradientNorms) &&
          golden.gradientNorms.length === header.tensors.length &&
          golden.gradientNorms.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)));
    if (!valid)
      throw new CheckpointError(
        'checkpoint "golden" self-check values are malformed (expected backend, seed, up to 64 finite log-probs and optionally one finite gradient norm per tensor)',
      );
  }
  if (data.byteLength !== header.byteLength) {
    throw new CheckpointError(
      `checkpoint weights are ${data.byteLength} bytes but the header says ${shorten(String(header.byteLength))}: the file is truncated or corrupted`,
    );
  }
  if (fnv1a(data) !== header.checksum) {
    throw new CheckpointError('checkpoint weights do not match their checksum: the file is corrupted');
  }
  const floats = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  const values: DecodedCheckpoint['values'] = {};
  const expectedShapes = weightShapes(config);
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  for (const [name, shape] of Object.entries(expectedShapes)) {
    const entry = byName.get(name);
    if (!entry) throw new CheckpointError(`checkpoint lacks weight "${name}"`);
    if (JSON.stringify(entry.shape) !== JSON.stringify(shape)) {
      throw new CheckpointError(
        `weight "${name}" has shape [${shorten(String(entry.shape))}] but the architecture needs [${shape.join(',')}]`,
      );
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (entry.offset < 0 || entry.offset + size > floats.length) throw new CheckpointError(`weight "${name}" points outside the data`);
    const values32 = floats.slice(entry.offset, entry.offset + size);
    let largest = 0;
    for (const v of values32) {
      if (!Number.isFinite(v)) throw new CheckpointError(`weight "${name}" contains NaN or infinite values`);
      largest = Math.max(largest, Math.abs(v));
    }
    // Finite but absurd (3e38 loads, then every activation overflows to NaN): training never
    // gets near this; the shipped models stay below 3.
    if (largest > MAX_WEIGHT)
      throw new CheckpointError(
        `weight "${name}" has values up to ${largest.toExponential(1)}, far beyond any trained model's (at most ${MAX_WEIGHT}): the file is damaged`,
      );
    values[name] = { shape, data: values32 };
  }
  return { header: header as CheckpointHeader, values };
}

export function weightsFromCheckpoint(decoded: DecodedCheckpoint): TrainableWeights {
  return Object.fromEntries(
    Object.entries(decoded.values).map(([name, { shape, data }]) => [name, tf.tidy(() => tf.variable(tf.tensor(data, shape), true))]),
  );
}

/** One self-contained file: magic, header length (uint32 LE), header JSON, weight bytes. */
export function packCheckpoint(header: CheckpointHeader, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(MAGIC.length + 4 + json.length + data.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(json, MAGIC.length + 4);
  out.set(data, MAGIC.length + 4 + json.length);
  return out;
}

export function unpackCheckpoint(bytes: Uint8Array): { header: unknown; data: Uint8Array } {
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (bytes.length < MAGIC.length + 4 || magic !== MAGIC) {
    throw new CheckpointError('this file is not a DPO Playground checkpoint (.dpock): its first bytes are wrong');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  if (start + headerLength > bytes.length) throw new CheckpointError('checkpoint file is truncated (header cut short)');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + headerLength)));
  } catch {
    throw new CheckpointError('checkpoint header is not valid JSON: the file is corrupted');
  }
  // Copy so the float view is 4-byte aligned whatever the header length.
  return { header, data: bytes.slice(start + headerLength) };
}
