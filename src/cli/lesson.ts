/**
 * npm run lesson -- ID|all [--seeds 0,1,2] [--evalseed N] [--json]
 * Trains a lesson's run (and its contrast run, when it has one) headlessly, on the page's engine as
 * `train` does, once per training seed, and reports every claim of the lesson per seed. Exits 1
 * when a claim does not hold on some seed, so a lesson's promise is a test.
 */
import { disposeWeights } from '../core/model/weights';
import { claimSpread, formatClaimValue, type ClaimResult } from '../core/lessons/claims';
import { checkLessonRun, lessonVariants, variantConfig } from '../core/lessons/lesson-runs';
import { runHeadless } from '../core/session/headless-run';
import type { PlaygroundConfig } from '../core/settings/controls';
import { noPreferenceSteps } from '../core/runs/run-record';
import { PANEL_EVAL_KEYS } from '../core/eval/eval-record';
import { useNodeBackend, type NodeBackend } from './backend';
import { runCli, usage } from './args';
import { loadCheckpointDir } from './checkpoint-files';
import { startCheckpoint } from './control-flags';
import { LESSON_FLAGS } from './commands';
import { LESSON_USAGE_HEAD, parseLessonArgs } from './lesson-args';
import { ProgressBar } from './progress';

const MARK: Record<ClaimResult['status'], string> = {
  seen: 'ok  ',
  holding: 'ok  ',
  'not-yet': 'FAIL',
  'not-seen': 'FAIL',
  waiting: 'FAIL',
};

await runCli('lesson', LESSON_FLAGS, async () => {
  const args = parseLessonArgs(process.argv.slice(2));
  if (args.help) return void console.log(`${LESSON_USAGE_HEAD}\n${usage('lesson', LESSON_FLAGS)}`);
  const { flags, seeds } = args;
  const log = (line: string) => (flags.json ? process.stderr : process.stdout).write(line + '\n');
  const backend = await useNodeBackend(flags.backend as NodeBackend);
  const results = [];
  let failed = 0;
  for (const lesson of args.lessons) {
    const [main, contrast] = lessonVariants(lesson);
    const variants =
      flags.variant === 'lesson' ? [main!] : flags.variant === 'contrast' ? (contrast ? [contrast] : []) : lessonVariants(lesson);
    for (const variant of variants) {
      const changes: Partial<PlaygroundConfig> = {
        evalSeed: flags.evalseed,
        ...(flags.evaln > 0 ? { evalScenes: flags.evaln } : {}),
        ...(flags.steps > 0 ? { steps: flags.steps } : {}),
      };
      const checkpoint = startCheckpoint({ checkpoint: flags.checkpoint, model: variantConfig(lesson, variant).modelSize });
      const start = await loadCheckpointDir(checkpoint);
      const perSeed: ClaimResult[][] = [];
      for (const seed of seeds) {
        const config = variantConfig(lesson, variant, { ...changes, seed });
        const bar = new ProgressBar(config.steps, `${lesson.id} (${variant.label}) seed ${seed}`);
        const run = await runHeadless(start, config, { onUpdate: (u) => bar.update(u.step) });
        const claims = checkLessonRun(variant, { ...run, finished: true });
        perSeed.push(claims);
        const failedHere = run.status === 'done' ? claims.filter((c) => c.status !== 'seen').length : claims.length;
        failed += failedHere;
        log(`${lesson.id} · ${variant.label} · seed ${seed} · eval seed ${flags.evalseed} · ${(run.seconds ?? 0).toFixed(0)} s`);
        if (run.status !== 'done') log(`  FAIL the run ended ${run.status}${run.error ? `: ${run.error}` : ''}`);
        for (const c of claims) log(`  ${MARK[c.status]} ${c.claim.text}: ${c.measured}`);
        const noPairs = noPreferenceSteps(run.history)?.count ?? 0;
        if (noPairs > 0) log(`  note: ${noPairs} step(s) had no preference pairs`);
        const [first, last] = [run.evals[0]?.summary, run.evals.at(-1)?.summary];
        results.push({
          lesson: lesson.id,
          variant: variant.label,
          seed,
          evalseed: flags.evalseed,
          status: run.status,
          seconds: run.seconds,
          claims: claims.map((c) => ({ text: c.claim.text, metric: c.claim.metric, status: c.status, start: c.start, end: c.end })),
          start: first,
          end: last,
          last_metrics: run.history.findLast((p) => 'loss' in p.metrics)?.metrics,
          no_preference_steps: noPairs,
        });
        if (first && last && !flags.json)
          log(
            `  ${PANEL_EVAL_KEYS.map((k) => `${k} ${formatClaimValue(`eval:${k}`, first[k])}→${formatClaimValue(`eval:${k}`, last[k])}`).join('  ')}`,
          );
      }
      disposeWeights(start.weights);
      if (seeds.length > 1) {
        log(`${lesson.id} · ${variant.label} · over seeds ${seeds.join(',')} (start → end mean ± sample std (range)):`);
        for (const spread of variant.claims.map((_, i) => claimSpread(perSeed.map((claims) => claims[i]!)))) {
          if (spread) log(`  ${spread.held}/${spread.runs} ${spread.claim.text}: ${spread.measured}`);
        }
      }
    }
  }
  log(failed === 0 ? 'every claim held on every seed' : `${failed} claim(s) did not hold`);
  if (flags.json) console.log(JSON.stringify({ backend, seeds, evalseed: flags.evalseed, runs: results }));
  if (failed > 0) process.exitCode = 1;
});
