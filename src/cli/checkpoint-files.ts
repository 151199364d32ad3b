import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, weightsFromCheckpoint, CheckpointError, type CheckpointMeta } from '../core/model/checkpoint';
import type { ModelConfig } from '../core/model/config';
import type { TrainableWeights, Weights } from '../core/model/weights';
import { computeGolden, type GoldenValues } from '../core/checks/golden';
import * as tf from '../core/tf';

/**
 * Golden values on the cpu backend (tfjs's reference kernels), from a copy of the weights made
 * there; the previous backend is restored. Nothing else runs in the CLI meanwhile.
 */
export async function goldenOnCpu(weights: Weights, config: ModelConfig): Promise<GoldenValues> {
  const previous = tf.getBackend();
  const values = await Promise.all(
    Object.entries(weights).map(async ([name, w]) => [name, { shape: w.shape, data: (await w.data()) as Float32Array }] as const),
  );
  await tf.setBackend('cpu');
  const copy = Object.fromEntries(values.map(([name, { shape, data }]) => [name, tf.tensor(data, shape)]));
  try {
    return await computeGolden(copy, config);
  } finally {
    tf.dispose(Object.values(copy));
    await tf.setBackend(previous);
  }
}

/** Node storage of a checkpoint: DIR/checkpoint.json (header) + DIR/weights.bin (float32), golden values included. */
export async function saveCheckpointDir(dir: string, weights: Weights, config: ModelConfig, meta: CheckpointMeta): Promise<void> {
  const { header, data } = await encodeCheckpoint(weights, config, meta, await goldenOnCpu(weights, config));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'weights.bin'), data);
  await writeFile(join(dir, 'checkpoint.json'), JSON.stringify(header, null, 2) + '\n');
}

export async function loadCheckpointDir(
  dir: string,
  expected?: ModelConfig,
): Promise<{ weights: TrainableWeights; config: ModelConfig; meta: CheckpointMeta }> {
  let headerText: string;
  let data: Uint8Array;
  try {
    headerText = await readFile(join(dir, 'checkpoint.json'), 'utf8');
    data = new Uint8Array(await readFile(join(dir, 'weights.bin')));
  } catch (error) {
    throw new CheckpointError(
      `cannot read checkpoint in "${dir}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'checkpoint.json or weights.bin is missing' : (error as Error).message}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch {
    throw new CheckpointError(`"${join(dir, 'checkpoint.json')}" is not valid JSON: the checkpoint is corrupted`);
  }
  const decoded = decodeCheckpoint(header, data, expected);
  return { weights: weightsFromCheckpoint(decoded), config: decoded.header.config, meta: decoded.header.meta };
}
