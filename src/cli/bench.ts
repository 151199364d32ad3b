/**
 * npm run bench : SFT, offline and online DPO steps/s, generated tokens/s and tfjs kernels per DPO
 * step for each backend available in Node, on the shipped model of the preset by default.
 * `--json` prints one JSON line per backend instead of the table.
 */
import { PRESETS, isPresetName } from '../core/model/config';
import { benchmark, type BenchWeights } from '../core/bench';
import { SHIPPED_MODELS } from '../core/settings/controls';
import { disposeWeights, initWeights, trainableCopy } from '../core/model/weights';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { loadCheckpointDir } from './checkpoint-files';
import { BENCH_FLAGS, parseCommandFlags } from './commands';
import { runCli, usage, UsageError } from './args';

/** Threads the backend computes on (tfjs-backend-wasm turns threads off in Node). */
async function threadsOf(backend: NodeBackend): Promise<number> {
  return backend === 'wasm' ? (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount() : 1;
}

await runCli('bench', BENCH_FLAGS, async () => {
  const flags = parseCommandFlags('bench', process.argv.slice(2));
  if (flags.help) return void console.log(usage('bench', BENCH_FLAGS));
  if (!isPresetName(flags.model)) throw new UsageError(`unknown model size ${flags.model}`);
  const backends = flags.backends.split(',').map((b) => b.trim());
  for (const b of backends) {
    if (!(NODE_BACKENDS as readonly string[]).includes(b))
      throw new UsageError(`--backends: unknown backend "${b}" (Node has ${NODE_BACKENDS.join(', ')})`);
  }
  const config = PRESETS[flags.model];
  const shipped = (SHIPPED_MODELS as Record<string, string>)[flags.model];
  if (flags.weights === 'shipped' && !shipped)
    throw new UsageError(`no shipped model for model size ${flags.model}: pass --weights random or a checkpoint directory`);
  const source = flags.weights === 'shipped' ? `models/${shipped}` : flags.weights;
  const dpoPairs = Math.floor(flags.batch / 2);
  if (!flags.json) {
    console.log(`weights: ${source}`);
    console.log(
      `backend  preset   threads  SFT steps/s (batch ${flags.batch})  generation tokens/s (batch ${flags['gen-batch']})  DPO offline steps/s  DPO online steps/s (K=4)  kernels/DPO step  [DPO batch ${dpoPairs} pairs]`,
    );
  }
  for (const name of backends as NodeBackend[]) {
    await useNodeBackend(name);
    const base = source === 'random' ? undefined : (await loadCheckpointDir(source, config)).weights;
    const weights: BenchWeights = base ? () => trainableCopy(base) : () => initWeights(config, 1);
    const r = await benchmark(config, {
      sftSteps: flags.steps,
      batchSize: flags.batch,
      generationBatch: flags['gen-batch'],
      includeDpo: true,
      weights,
    });
    if (base) disposeWeights(base);
    const threads = await threadsOf(name);
    if (flags.json) {
      console.log(
        JSON.stringify({
          backend: r.backend,
          preset: r.preset,
          weights: source,
          threads,
          sft_steps_per_s: r.sftStepsPerSecond,
          dpo_offline_steps_per_s: r.dpoOfflineStepsPerSecond,
          dpo_online_steps_per_s: r.dpoOnlineStepsPerSecond,
          generation_tokens_per_s: r.generationTokensPerSecond,
          kernels_per_dpo_step: r.kernelsPerDpoStep,
          kernels_per_token: r.kernelsPerToken,
          sft_batch: r.sftBatchSize,
          dpo_batch_pairs: dpoPairs,
          generation_batch: r.generationBatchSize,
        }),
      );
      continue;
    }
    console.log(
      `${r.backend.padEnd(8)} ${r.preset.padEnd(8)} ${String(threads).padStart(7)}  ${r.sftStepsPerSecond.toFixed(2).padStart(10)}                ${r.generationTokensPerSecond.toFixed(0).padStart(10)}                    ${r.dpoOfflineStepsPerSecond.toFixed(2).padStart(8)}             ${r.dpoOnlineStepsPerSecond.toFixed(2).padStart(8)}        ${r.kernelsPerDpoStep.toFixed(0).padStart(8)}`,
    );
  }
});
