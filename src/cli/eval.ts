/** npm run eval -- --checkpoint DIR --evaln N --evalseed S [--json] : hallucination scores on held-out scenes. */
import { worldForModel } from '../core/world/config';
import { describeConfig } from '../core/model/config';
import { evaluateModel } from '../core/eval/evaluate';
import { useNodeBackend, type NodeBackend } from './backend';
import { EVAL_FLAGS, parseCommandFlags } from './commands';
import { runCli, usage } from './args';
import { loadCheckpointDir } from './checkpoint-files';
import { formatReport } from './report';

await runCli('eval', EVAL_FLAGS, async () => {
  const flags = parseCommandFlags('eval', process.argv.slice(2));
  if (flags.help) return void console.log(usage('eval', EVAL_FLAGS));
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  const { weights, config } = await loadCheckpointDir(flags.checkpoint);
  if (!flags.json)
    console.log(`model ${describeConfig(config)} | backend ${backend} | ${flags.evaln} held-out scenes, seed ${flags.evalseed}`);
  const started = performance.now();
  const report = await evaluateModel(weights, config, worldForModel(config), {
    scenes: flags.evaln,
    seed: flags.evalseed,
    batchSize: flags['gen-batch'],
  });
  if (flags.json) console.log(JSON.stringify(report));
  else console.log(`${formatReport(report)}\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
});
