import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { rewardScore, trainRewardModel, type RewardTrainingPair } from '../../src/core/dpo/reward-model';
import { parseClaims } from '../../src/core/world/claims';
import type { Scene } from '../../src/core/world/scene';
import { axeViolations } from './browser';
import { useApp } from './use-app';

const app = useApp();

/**
 * Wait until the dialog showing now is gone. The next choice can open a new dialog within a few
 * milliseconds (WASM samples the next step quickly), too soon for a plain "detached" wait to see the
 * gap, so the wait names this dialog by its choice number.
 */
async function answered(page: Page, choice: string | null, press: string): Promise<void> {
  await page.keyboard.press(press);
  await page.locator(`[data-testid=human-judge][data-choice="${choice}"]`).waitFor({ state: 'detached', timeout: 30_000 });
}

/** The captions a human-judge dialog offers, in order, as written there. */
async function offered(dialog: Locator): Promise<string[]> {
  const texts = await dialog.locator('ol button').allTextContents();
  return texts.map((t) => t.replace(/^\s*\d+\s*/, '').trim()).map((t) => (t === '(empty caption)' ? '' : t));
}

describe('human judge', () => {
  it('online DPO asks the user to pick the best caption and trains on the choice', async () => {
    // One prompt per step, two samples each, two steps.
    const page = await app.openOnWebgpu('#v=1&seed=0&mode=online&judge=human&batch=1&k=2&steps=2&evaln=4&evalevery=0');
    await page.getByTestId('train').click();
    for (let choice = 0; choice < 2; choice++) {
      const dialog = page.getByTestId('human-judge');
      await dialog.waitFor({ timeout: 240_000 });
      const options = dialog.locator('ol button');
      expect(await options.count()).toBe(2);
      if (choice === 0) expect(await axeViolations(page)).toEqual([]); // the dialog open: still accessible
      await answered(page, await dialog.getAttribute('data-choice'), '1'); // keyboard choice: the first caption
    }
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 400_000 });
    // The pair inspector shows the last step's pair, made from the human's pick (score 1 vs 0).
    expect(await page.getByTestId('pair-inspector').locator('tbody td').nth(4).textContent()).toBe('online (human: 1 vs 0)');
    expect(app.errors).toEqual([]);
  });

  it('the reward-human judge learns from the choices made in this page, and first says how many it still needs', async () => {
    const page = await app.open('?backend=wasm#v=1&seed=2&mode=online&judge=reward-human&batch=2&k=4&steps=3&evaln=4&evalevery=0');
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    await page.getByTestId('train').click();
    const failed = page.locator('[data-testid=runs-table] tr[data-status=failed]');
    await failed.waitFor({ timeout: 120_000 });
    expect(await failed.locator('td.status').getAttribute('title')).toMatch(/pick at least 8 preferences first \(so far 0\)/);
    // Six choices of four captions as the human judge, by one rule a reward model can see: the
    // caption that names the most objects (the first of those)...
    await page.locator('#control-judge').selectOption('human');
    await page.getByTestId('train').click();
    const human: RewardTrainingPair[] = [];
    const noScene = {} as Scene; // a reward model without facts reads only the caption
    for (let choice = 0; choice < 6; choice++) {
      const dialog = page.getByTestId('human-judge');
      await dialog.waitFor({ timeout: 120_000 });
      const captions = await offered(dialog);
      const named = captions.map((c) => parseClaims(c).objects.length);
      const pick = named.indexOf(Math.max(...named));
      // What the page keeps of a choice: the pick against every different caption beside it.
      for (const other of new Set(captions))
        if (other !== captions[pick]) human.push({ scene: noScene, chosen: captions[pick]!, rejected: other });
      await answered(page, await dialog.getAttribute('data-choice'), String(pick + 1));
    }
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 120_000 });
    // ...are enough for a reward model: the same settings now train, judged by it.
    await page.locator('#control-judge').selectOption('reward-human');
    await page.getByTestId('train').click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').nth(1).waitFor({ timeout: 120_000 });
    const scores = await page.evaluate(() => {
      const runs = (
        window as unknown as {
          dpoPlayground: {
            runs: { list: { config: { judge: string }; status: string; history: { metrics: Record<string, number> }[] }[] };
          };
        }
      ).dpoPlayground.runs.list;
      const run = runs.find((r) => r.config.judge === 'reward-human' && r.status === 'done')!;
      return run.history.map((p) => p.metrics['objective/scores']);
    });
    expect(scores.length).toBeGreaterThan(0);
    for (const score of scores) expect(Number.isFinite(score)).toBe(true);
    // What it learned: the same Bradley-Terry fit on the same choices, made here, gives the scores
    // the page's judge gave the pair it shows (so the judge is a model of these choices)...
    const learned = trainRewardModel(human, false);
    const row = page.getByTestId('pair-inspector').locator('tbody tr').first();
    const [chosen, rejected, source] = await Promise.all([2, 3, 5].map((i) => row.locator(`td:nth-child(${i})`).textContent()));
    const shown = source!.match(/^online \(reward-human: (-?[\d.]+) vs (-?[\d.]+)\)$/);
    expect(shown, source!).not.toBeNull();
    // (The page shows scores to two decimals.)
    expect(Math.abs(rewardScore(learned, chosen!, noScene) - Number(shown![1]))).toBeLessThanOrEqual(0.0051);
    expect(Math.abs(rewardScore(learned, rejected!, noScene) - Number(shown![2]))).toBeLessThanOrEqual(0.0051);
    // ...and that model prefers what the human chose: chosen above rejected on the human's pairs.
    expect(human.length).toBeGreaterThanOrEqual(8);
    const agreed = human.filter((p) => rewardScore(learned, p.chosen, noScene) > rewardScore(learned, p.rejected, noScene)).length;
    expect(agreed / human.length).toBeGreaterThan(0.75);
    expect(app.errors).toEqual([]);
  });

  it('works from the keyboard alone: Tab reaches Train with a visible focus ring, the dialog keeps focus, digits pick, Escape skips', async () => {
    const page = await app.open('?backend=wasm#v=1&seed=1&mode=online&judge=human&batch=1&k=2&steps=3&evaln=4&evalevery=0');
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    const focused = (p: Page) =>
      p.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : undefined;
        return {
          testid: el?.dataset.testid,
          inDialog: !!el?.closest('dialog'),
          text: el?.textContent?.trim() ?? '',
          ring: style ? style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 : false,
        };
      });
    // Tab from the top of the page to the Train button; every stop on the way shows where focus is.
    let reached = false;
    for (let presses = 0; presses < 80 && !reached; presses++) {
      await page.keyboard.press('Tab');
      const now = await focused(page);
      expect(now.ring, `focus ring on ${now.testid ?? now.text.slice(0, 40)}`).toBe(true);
      reached = now.testid === 'train';
    }
    expect(reached, 'Train is reachable with Tab').toBe(true);
    await page.keyboard.press('Enter');

    const dialog = page.getByTestId('human-judge');
    // Step 1: focus moves into the dialog and Tab cycles inside it; key 2 picks the second caption.
    await dialog.waitFor({ timeout: 120_000 });
    for (let presses = 0; presses < 6; presses++) {
      await page.keyboard.press('Tab');
      expect((await focused(page)).inDialog).toBe(true);
    }
    await answered(page, await dialog.getAttribute('data-choice'), '2');
    // Step 2: Escape skips this image (no preference); the run goes on.
    await dialog.waitFor({ timeout: 120_000 });
    await answered(page, await dialog.getAttribute('data-choice'), 'Escape');
    // Step 3, on a phone: the open dialog has no violations at 360 px either; Tab to a caption and
    // press Enter.
    await dialog.waitFor({ timeout: 120_000 });
    await page.setViewportSize({ width: 360, height: 780 });
    expect(await axeViolations(page)).toEqual([]);
    const first = dialog.locator('ol button').first();
    for (let presses = 0; presses < 6 && !(await first.evaluate((el) => el === document.activeElement)); presses++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 120_000 });
    const events = await page.evaluate(
      () =>
        (window as unknown as { dpoPlayground: { runs: { list: { status: string; events: string[] }[] } } }).dpoPlayground.runs.list.find(
          (r) => r.status === 'done',
        )!.events,
    );
    expect(events.join('\n')).toMatch(/step 2: every prompt's samples tied \(or the judge skipped them\)/);
    expect(app.errors).toEqual([]);
  }, 300_000);
});
