/**
 * `npm run sweep -- --merge DIR...`: the shards' results.json read from their directories; the
 * checks that they are one sweep's slices, each once, are core/sweeps/sweep-shard.ts's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRunsJson } from '../core/runs/run-files';
import { mergeShards, type MergedSweep, type ShardFile } from '../core/sweeps/sweep-shard';

/**
 * Every shard directory read and the whole merged, or an error listing every problem (a missing or
 * malformed file, shards of different sweeps, a slice missing or given twice), each naming its
 * directory. `notes` gets what the runs file reader filled in.
 */
export async function mergeShardDirs(dirs: readonly string[], notes: string[] = []): Promise<MergedSweep> {
  const problems: string[] = [];
  const files: ShardFile[] = [];
  for (const dir of dirs) {
    const path = join(dir, 'results.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(
        code === 'ENOENT' || code === 'ENOTDIR'
          ? `${dir}: has no results.json (is it a shard's --out directory? has that shard finished?)`
          : `${dir}: cannot read results.json (${(error as Error).message})`,
      );
      continue;
    }
    try {
      const runs = parseRunsJson(text, notes);
      const { runs: _runs, ...about } = JSON.parse(text) as Record<string, unknown>;
      files.push({ where: dir, about, runs });
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
    }
  }
  const merged = files.length > 0 ? mergeShards(files) : undefined;
  problems.push(...(merged?.problems ?? []));
  if (problems.length > 0 || !merged?.merged)
    throw new Error(`cannot merge the shards; nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return merged.merged;
}
