/** npm run eval -- --checkpoint DIR --scenes N --seed S [--json] : hallucination scores on held-out scenes. */
import { worldForModel } from '../core/world/config';
import { describeConfig } from '../core/model/config';
import { evaluateModel } from '../core/eval/evaluate';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { parseFlags, runCli, usage, type FlagSpec } from './args';
import { loadCheckpointDir } from './checkpoint-files';
import { formatReport } from './report';

const FLAGS = {
  checkpoint: { kind: 'string', default: 'models/sft-base', help: 'checkpoint directory' },
  scenes: { kind: 'int', default: 200, min: 1, max: 10000, help: 'held-out scenes to evaluate' },
  seed: { kind: 'int', default: 1, min: 0, help: 'seed of the held-out scenes' },
  batch: { kind: 'int', default: 100, min: 1, max: 1000, help: 'generation batch size' },
  backend: { kind: 'string', default: 'wasm', choices: NODE_BACKENDS, help: 'tfjs backend' },
  json: { kind: 'boolean', help: 'end with one line of JSON' },
} satisfies Record<string, FlagSpec>;

await runCli('eval', FLAGS, async () => {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) return void console.log(usage('eval', FLAGS));
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  const { weights, config } = await loadCheckpointDir(flags.checkpoint);
  if (!flags.json) console.log(`model ${describeConfig(config)} | backend ${backend} | ${flags.scenes} held-out scenes, seed ${flags.seed}`);
  const started = performance.now();
  const report = await evaluateModel(weights, config, worldForModel(config), { scenes: flags.scenes, seed: flags.seed, batchSize: flags.batch });
  if (flags.json) console.log(JSON.stringify(report));
  else console.log(`${formatReport(report)}\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
});
