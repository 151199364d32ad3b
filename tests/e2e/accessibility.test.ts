import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppSession } from './browser';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

/** axe-core's WCAG violations on the page as it is now: "rule (impact): first offending elements". */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  type Result = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  const result = await page.evaluate(() => (window as unknown as { axe: { run(context: Document): Promise<Result> } }).axe.run(document));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

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
