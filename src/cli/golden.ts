/**
 * npm run golden -- --checkpoint DIR : add (or refresh) a checkpoint's golden self-check values,
 * computed on the cpu backend. New checkpoints get them when written; this is for older ones.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GOLDEN_FLAGS, parseCommandFlags } from './commands';
import { runCli, usage } from './args';
import { useNodeBackend } from './backend';
import { goldenOnCpu, loadCheckpointDir } from './checkpoint-files';

await runCli('golden', GOLDEN_FLAGS, async () => {
  const flags = parseCommandFlags('golden', process.argv.slice(2));
  if (flags.help) return void console.log(usage('golden', GOLDEN_FLAGS));
  await useNodeBackend('wasm');
  const { weights, config } = await loadCheckpointDir(flags.checkpoint);
  const golden = await goldenOnCpu(weights, config);
  const path = join(flags.checkpoint, 'checkpoint.json');
  const header = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  await writeFile(path, JSON.stringify({ ...header, golden }, null, 2) + '\n');
  console.log(`golden values of ${golden.logProbs.length} sequences (cpu backend) written to ${path}`);
});
