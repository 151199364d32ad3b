/** npm run bench : SFT steps/s and generation tokens/s for each backend available in Node. */
import { PRESETS, isPresetName } from '../core/model/config';
import { benchmark } from '../core/bench';
import { NODE_BACKENDS, useNodeBackend } from './backend';
import { parseFlags, runCli, usage, UsageError, type FlagSpec } from './args';

const FLAGS = {
  preset: { kind: 'string', default: 'default', choices: Object.keys(PRESETS), help: 'model size' },
  steps: { kind: 'int', default: 20, min: 1, help: 'timed SFT steps per backend' },
  batch: { kind: 'int', default: 32, min: 1, max: 512, help: 'SFT batch size' },
  'gen-batch': { kind: 'int', default: 32, min: 1, max: 512, help: 'generation batch size' },
  backends: { kind: 'string', default: NODE_BACKENDS.join(','), help: 'comma-separated backends to measure' },
} satisfies Record<string, FlagSpec>;

await runCli('bench', FLAGS, async () => {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) return void console.log(usage('bench', FLAGS));
  if (!isPresetName(flags.preset)) throw new UsageError(`unknown preset ${flags.preset}`);
  const backends = flags.backends.split(',').map((b) => b.trim());
  for (const b of backends) {
    if (!(NODE_BACKENDS as readonly string[]).includes(b)) throw new UsageError(`--backends: unknown backend "${b}" (Node has ${NODE_BACKENDS.join(', ')})`);
  }
  console.log(`backend  preset   SFT steps/s (batch ${flags.batch})  generation tokens/s (batch ${flags['gen-batch']})  DPO offline steps/s  DPO online steps/s (K=4)  [DPO batch ${Math.max(1, Math.floor(flags.batch / 2))} pairs]`);
  for (const name of backends) {
    await useNodeBackend(name as (typeof NODE_BACKENDS)[number]);
    const r = await benchmark(PRESETS[flags.preset], { sftSteps: flags.steps, batchSize: flags.batch, generationBatch: flags['gen-batch'], includeDpo: true });
    console.log(
      `${r.backend.padEnd(8)} ${r.preset.padEnd(8)} ${r.sftStepsPerSecond.toFixed(2).padStart(10)}                ${r.generationTokensPerSecond.toFixed(0).padStart(10)}                    ${r.dpoOfflineStepsPerSecond.toFixed(2).padStart(8)}             ${r.dpoOnlineStepsPerSecond.toFixed(2).padStart(8)}`,
    );
  }
});
