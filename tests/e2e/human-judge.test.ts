import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
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
    // Six choices of four captions as the human judge...
    await page.locator('#control-judge').selectOption('human');
    await page.getByTestId('train').click();
    for (let choice = 0; choice < 6; choice++) {
      const dialog = page.getByTestId('human-judge');
      await dialog.waitFor({ timeout: 120_000 });
      await answered(page, await dialog.getAttribute('data-choice'), '1');
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
