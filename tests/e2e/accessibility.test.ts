import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations as violations, startApp, type AppSession } from './browser';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

describe('accessibility and small screens', () => {
  it.each([
    [1440, 900],
    [360, 780],
  ])('the idle page at %i px: no axe-core violations and no sideways scrolling', async (width, height) => {
    const page = await app.openOnWebgpu();
    await page.setViewportSize({ width, height });
    expect(await violations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.close();
  });

  it('a finished run (charts, runs table, gallery comparison) has no violations either', async () => {
    const page = await app.openOnWebgpu('#v=1&seed=0&npairs=8&batch=2&steps=2&evaln=4&evalevery=0');
    await page.getByTestId('train').click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 300_000 });
    expect(await violations(page)).toEqual([]);
    await page.close();
  });
});
