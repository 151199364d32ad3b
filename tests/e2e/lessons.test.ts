import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatClaimValue, type ClaimMetric } from '../../src/core/lessons/claims';
import { findLesson } from '../../src/core/lessons/lessons';
import { runCli } from '../integration/run-cli';
import { useApp } from './use-app';

interface CommandClaim {
  text: string;
  metric: ClaimMetric;
  status: string;
  start?: number;
  end?: number;
}

/** What `npm run lesson` measured for one lesson run: every claim as the checklist words it. */
function lessonCommand(id: string, extra: string[]): { claims: string[]; statuses: string[] } {
  const cli = runCli('lesson', [id, '--seeds', '0', '--variant', 'lesson', '--json', ...extra]);
  const out = JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { runs: { claims: CommandClaim[] }[] };
  const claims = out.runs[0]!.claims;
  return {
    claims: claims.map((c) => `${c.text}: ${formatClaimValue(c.metric, c.start!)} → ${formatClaimValue(c.metric, c.end!)}`),
    statuses: claims.map((c) => c.status),
  };
}

/** Train the page's current settings to the end; the checklist as shown (claim text: measured) and each claim's status. */
async function trainAndReadChecklist(page: Page): Promise<{ claims: string[]; statuses: string[] }> {
  await page.getByTestId('train').and(page.locator(':not([disabled])')).waitFor({ timeout: 240_000 });
  const done = await page.locator('[data-testid=runs-table] tr[data-status=done]').count();
  await page.getByTestId('train').click();
  await page.locator('[data-testid=runs-table] tr[data-status=done]').nth(done).waitFor({ timeout: 400_000 });
  const items = page.getByTestId('lesson-checklist').getByTestId('claim');
  await items.first().waitFor();
  const claims = (await items.allTextContents()).map((t) =>
    t
      .replace(/\s+/g, ' ')
      .replace(/ \((seen|not seen)\)$/, '')
      .replace(/^\S+ /, '')
      .trim(),
  );
  const statuses = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? ''));
  return { claims, statuses };
}

describe('lessons in the page', () => {
  const app = useApp();

  it('a lesson link ticks its claims live and ends with what `npm run lesson` measures for the same seed; the result is said at the top', async () => {
    // Reward hacking, shortened to 60 steps (its reward has climbed by then); WASM, as the command runs.
    const page = await app.open('?backend=wasm#v=1&lesson=reward-hacking&seed=0&steps=60');
    await page.getByTestId('lesson-guide').waitFor({ timeout: 60_000 });
    const lesson = findLesson('reward-hacking')!;
    // Before training the checklist lists what to look for.
    expect(await page.getByTestId('lesson-checklist').textContent()).toContain(lesson.claims[0]!.text);

    // Instructor mode starts from the lesson's hide list.
    await page.getByTestId('instructor-toggle').click();
    const ticked = await page
      .getByTestId('instructor')
      .locator('input[type=checkbox]:checked')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value).filter(Boolean));
    expect(ticked.sort()).toEqual([...lesson.hide].sort());
    await page.getByTestId('instructor-toggle').click();

    const inPage = await trainAndReadChecklist(page);
    const command = lessonCommand('reward-hacking', ['--steps', '60']);
    expect(inPage.claims).toEqual(command.claims);
    expect(inPage.statuses).toEqual(command.statuses.map((s) => s));
    const headline = await page.getByTestId('result-headline').textContent();
    expect(headline).toMatch(/after 60 steps: CHAIR_i \d+\.\d% → \d+\.\d%, Cover \d+\.\d% → \d+\.\d%.*— .+\./);
    expect(await page.getByTestId('result-headline').getAttribute('aria-live')).toBe('polite');
    // The diagnostics name what went wrong on this run.
    expect(await page.locator('[data-testid=diagnostics] [data-diagnosis=reward-hacking]').count()).toBe(1);
    // The judge's score has its own chart, the reward model scored every logged step, and no step was refused.
    expect(Number(await page.getByTestId('chart-judge-scores').getAttribute('data-points'))).toBeGreaterThan(0);
    const history = await page.evaluate(() => {
      const runs = (window as unknown as { dpoPlayground: { runs: { list: { history: { metrics: Record<string, number> }[] }[] } } })
        .dpoPlayground.runs.list;
      return JSON.parse(JSON.stringify(runs.at(-1)!.history)) as { metrics: Record<string, number> }[];
    });
    const scores = history.map((p) => p.metrics['objective/scores']).filter((v) => v !== undefined);
    expect(scores.length).toBeGreaterThan(5);
    for (const score of scores) expect(Number.isFinite(score)).toBe(true);
    expect(history.every((p) => !p.metrics['refused_steps'])).toBe(true);

    // The same open page, another lesson's link (as a student pastes it), its full settings: every claim seen, as the command measures.
    await page.evaluate(() => (location.hash = '#v=1&lesson=offline-dpo&seed=0'));
    await page.getByTestId('lesson-guide').filter({ hasText: 'Offline DPO' }).waitFor({ timeout: 30_000 });
    const offline = await trainAndReadChecklist(page);
    const offlineCommand = lessonCommand('offline-dpo', []);
    expect(offline.claims).toEqual(offlineCommand.claims);
    expect(offline.statuses).toEqual(['seen', 'seen', 'seen']);
    expect(await page.getByTestId('result-headline').textContent()).toMatch(/far fewer invented objects/);
    expect(app.errors).toEqual([]);
  }, 900_000);
});
