import { describe, expect, it } from 'vitest';
import { useApp } from './use-app';

const app = useApp();

describe('two tabs on the same runs', () => {
  it("a run trained in one tab appears in the other without a reload, and neither loses the other's runs", async () => {
    const link = '?backend=wasm#v=1&seed=0&npairs=8&batch=2&steps=2&evaln=4&evalevery=0';
    // Two pages of one browser context share IndexedDB and BroadcastChannel, as two tabs do.
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const open = async () => {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(new URL(link, app.baseUrl).href);
      return page;
    };
    const first = await open();
    const second = await open();
    for (const page of [first, second]) await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    await first.getByTestId('train').click();
    await first.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 120_000 });
    await second.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 30_000 });
    // The second tab trains too; both tabs end with both runs, and so does a reload.
    await second.getByTestId('train').click();
    await first.locator('[data-testid=runs-table] tr[data-status=done]').nth(1).waitFor({ timeout: 120_000 });
    await first.reload();
    await first.locator('[data-testid=runs-table] tr[data-status=done]').nth(1).waitFor({ timeout: 60_000 });
    expect(await first.locator('[data-testid=runs-table] tr[data-status=done]').count()).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
