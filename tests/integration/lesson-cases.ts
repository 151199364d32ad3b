import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointDir } from '../../src/cli/checkpoint-files';
import { checkLessonRun, lessonVariants, variantConfig } from '../../src/core/lessons/lesson-runs';
import { disposeWeights } from '../../src/core/model/weights';
import { diagnose } from '../../src/core/diagnosis/diagnostics';
import { runHeadless } from '../../src/core/session/headless-run';
import type { RunRecord } from '../../src/core/runs/run-record';
import { LESSONS, type Lesson } from '../../src/core/lessons/lessons';
import type { Model } from '../../src/core/session/run-session';

/**
 * The fast form of `npm run lesson -- all --seeds 0,1,2 --evalseed 5`: every lesson's run and
 * contrast run, on the lesson's own settings, training seed 0, held-out scenes of eval seed 5 (a
 * scene set the lessons were not tuned on). Every claim must hold, and the diagnostics must catch
 * what went wrong in the runs that go wrong.
 */
const EVAL_SEED = 5;

/** The lessons' runs, split over two files so the two cores share them: the long online lessons, or the others. */
export function describeLessons(title: string, include: (lesson: Lesson) => boolean): void {
  describe(title, () => {
    let start: Model;
    const runs = new Map<string, RunRecord>();
    beforeAll(async () => {
      start = await loadCheckpointDir('models/sft-base');
    });
    afterAll(() => disposeWeights(start.weights));

    const cases = LESSONS.filter(include).flatMap((lesson: Lesson) =>
      lessonVariants(lesson).map((variant) => [`${lesson.id} (${variant.label})`, lesson, variant] as const),
    );

    it.each(cases)('%s', async (name, lesson, variant) => {
      const config = variantConfig(lesson, variant, { seed: 0, evalSeed: EVAL_SEED });
      const run = await runHeadless(start, config);
      expect(run.status, run.error).toBe('done');
      runs.set(name, run);
      const results = checkLessonRun(variant, { ...run, finished: true });
      const failed = results.filter((r) => r.status !== 'seen').map((r) => `${r.claim.text}: ${r.measured}`);
      expect(failed).toEqual([]);
      // The diagnostics' verdict on a real run: every run that goes wrong is caught.
      const found = diagnose({ ...run, config }).map((d) => d.id);
      if (name === 'reward-hacking (lesson)') {
        expect(found).toEqual(expect.arrayContaining(['reward-hacking', 'kl-runaway']));
        // The hack itself, read from the run without the claim checker or the diagnostics: the
        // judge's score climbs while, on the same held-out scenes, CHAIR_i rises or Cover collapses.
        const scores = run.history.map((p) => p.metrics['objective/scores']).filter((s): s is number => s !== undefined);
        expect(scores.at(-1)! - scores[0]!, `objective/scores ${scores[0]} -> ${scores.at(-1)}`).toBeGreaterThan(5);
        const [before, after] = [run.evals[0]!.summary, run.evals.at(-1)!.summary];
        const harm = `CHAIR_i ${before.chair_i} -> ${after.chair_i}, Cover ${before.cover} -> ${after.cover}`;
        expect(after.chair_i > before.chair_i + 0.03 || after.cover < before.cover - 0.5, harm).toBe(true);
      }
      if (name === 'beta-too-small (lesson)') expect(found).toEqual(expect.arrayContaining(['getting-worse', 'coverage-collapsing']));
      if (name === 'online-ai-feedback (lesson)') {
        const collapse = diagnose({ ...run, config }).find((d) => d.id === 'coverage-collapsing');
        // Its settings already have a coverage bonus and an sft term: the advice must not send students there.
        expect(collapse?.explanation).not.toMatch(/coverage bonus above 0|add an sft term/);
        expect(collapse?.explanation).toContain('oracle');
      }
      if (name === 'offline-dpo (lesson)') expect(found).toEqual([]);
    });

    it.runIf(LESSONS.some((l) => l.id === 'reward-hacking' && include(l)))(
      'the steps without pairs are logged, so charts go on instead of stopping',
      () => {
        const run = runs.get('reward-hacking (lesson)');
        if (!run) return; // reported by its own case
        const tied = run.events.filter((e) => e.includes('no preference')).length;
        const logged = run.history.findLast((p) => p.metrics.no_preference_steps !== undefined)?.metrics.no_preference_steps;
        expect(logged).toBe(tied);
        expect(run.history.filter((p) => p.metrics['objective/scores'] !== undefined).at(-1)?.step).toBeGreaterThan(140);
      },
    );
  });
}
