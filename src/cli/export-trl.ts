/**
 * npm run export-trl -- --out pairs.zip [--pairs bdhs] [--npairs 256] [...]
 * The preference pairs a configuration trains on, as the TRL vision dataset zip the page's Export
 * button writes (data.jsonl with image paths, the images as PNG, a README): the same settings under
 * the page's names, the same pairs for the same seed.
 */
import { writeFileSync } from 'node:fs';
import { hasPairsBeforeRun, trlDatasetForConfig } from '../core/export/trl-export';
import { disposeWeights } from '../core/model/weights';
import { useNodeBackend, type NodeBackend } from './backend';
import { runCli, usage, UsageError } from './args';
import { configFromFlags, startCheckpoint } from './control-flags';
import { EXPORT_TRL_FLAGS, parseCommandFlags } from './commands';
import { loadCheckpointDir } from './checkpoint-files';

await runCli('export-trl', EXPORT_TRL_FLAGS, async () => {
  const flags = parseCommandFlags('export-trl', process.argv.slice(2));
  if (flags.help) return void console.log(usage('export-trl', EXPORT_TRL_FLAGS));
  const config = configFromFlags(flags);
  if (!hasPairsBeforeRun(config))
    throw new UsageError(`--mode ${config.method} has no preference pairs before a run: use offline or mixed`);
  await useNodeBackend(flags.backend as NodeBackend);
  const start = await loadCheckpointDir(startCheckpoint(flags));
  try {
    const zip = await trlDatasetForConfig(start, config);
    writeFileSync(flags.out, zip);
    console.log(`wrote ${config.offlinePairs} ${config.pairSource} pairs (${zip.length.toLocaleString('en')} bytes) to ${flags.out}`);
  } finally {
    disposeWeights(start.weights);
  }
});
