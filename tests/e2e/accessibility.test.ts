import { describe, expect, it } from 'vitest';
import { axeViolations as violations } from './browser';
import { useApp } from './use-app';

const app = useApp();

/**
 * The page on WASM with its model loaded (the gallery captions): what axe-core reads does not
 * depend on the backend, and software WebGPU would only make each page slower to reach.
 */
async function openReady(hash = '') {
  const page = await app.open(`?backend=wasm${hash}`);
  await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
  return page;
}

describe('accessibility and small screens', () => {
  it.each([
    [1440, 900, 'dark'],
    [360, 780, 'dark'],
    [360, 780, 'light'],
  ] as const)(
    'the idle page at %i x %i px, %s colours: no axe-core violations and no sideways scrolling',
    async (width, height, colorScheme) => {
      const page = await openReady();
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height });
      expect(await violations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.close();
    },
  );

  it('a finished run (charts, runs table, gallery comparison) has no violations either', async () => {
    const page = await openReady('#v=1&seed=0&npairs=8&batch=2&steps=2&evaln=4&evalevery=0');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('train').click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 300_000 });
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it.each([
    [1440, 900],
    [360, 780],
  ])('at %i px, light colours, a lesson open: no violations mid-training nor once the run is done', async (width, height) => {
    const page = await app.open('?backend=wasm#v=1&lesson=offline-dpo&steps=40&npairs=32&evaln=4&evalevery=20');
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('lesson-guide').textContent()).toMatch(/Offline DPO/);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(255, 255, 255)');
    await page.getByTestId('train').click();
    await page.locator('[data-testid=chart-loss]:not([data-points="0"])').waitFor({ timeout: 120_000 });
    expect(await violations(page)).toEqual([]);
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 120_000 });
    expect(await violations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.close();
  });

  it('the presentation view (present=1 in a lesson link): light, large type, charts and gallery only, no violations; the toggle leaves it', async () => {
    const page = await app.open('?backend=wasm#v=1&lesson=offline-dpo&present=1');
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    const look = () =>
      page.evaluate(() => ({
        present: document.documentElement.classList.contains('present'),
        background: getComputedStyle(document.documentElement).backgroundColor,
        fontSize: getComputedStyle(document.documentElement).fontSize,
        settings: document.querySelector('#control-beta') !== null,
        sweep: document.querySelector('[data-testid=sweep]') !== null,
      }));
    expect(await look()).toEqual({ present: true, background: 'rgb(255, 255, 255)', fontSize: '22px', settings: false, sweep: false });
    expect(await page.getByTestId('chart-loss').count()).toBe(1);
    expect(await page.getByTestId('lesson-guide').count()).toBe(1);
    expect(await violations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await page.getByTestId('present-toggle').click();
    expect(await look()).toMatchObject({ present: false, settings: true, sweep: true });
    expect(page.url()).not.toContain('present=1');
    await page.close();
  });

  it('on a touch phone: the settings fold away behind a button, and controls are big enough to hit', async () => {
    const context = await app.browser.newContext({ viewport: { width: 360, height: 780 }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto(new URL('?backend=wasm', app.baseUrl).href);
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    expect(await page.locator('#control-beta').isVisible()).toBe(false);
    const toggle = page.getByTestId('settings-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await page.locator('#control-beta').isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    for (const target of [page.getByTestId('train'), toggle, page.locator('#control-beta'), page.locator('#control-mode')]) {
      expect((await target.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    }
    expect(await violations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
