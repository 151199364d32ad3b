import { describe, expect, it } from 'vitest';
import { useApp } from './use-app';

const app = useApp();

// ?backend=wasm: what these tests check is the link and the form; the automatic backend choice is
// tested in gallery.test.ts, and measuring it again here would only add its probe to each page.
describe('links and settings', () => {
  it('a tampered link keeps its good parts, says what it dropped, and bad form values get a message next to the field', async () => {
    const page = await app.open('?backend=wasm#v=1&seed=3&beta=-1&mode=sideways&steps=12&bogus=1');
    const problems = page.getByTestId('link-problems');
    await problems.waitFor({ timeout: 60_000 });
    const text = await problems.textContent();
    expect(text).toContain('Beta must be greater than 0 (got -1); using 0.1 instead');
    expect(text).toContain('Method must be one of sft, offline, online, mixed (got "sideways")');
    expect(text).toContain('unknown setting "bogus"');
    expect(await page.locator('#control-beta').inputValue()).toBe('0.1');
    expect(await page.locator('#control-steps').inputValue()).toBe('12');
    expect(await page.locator('#control-seed').inputValue()).toBe('3');

    await page.getByTestId('train').and(page.locator(':not([disabled])')).waitFor({ timeout: 240_000 });
    await page.locator('#control-lr').fill('abc');
    await page.locator('#control-lr').press('Enter');
    expect(await page.getByTestId('problem-lr').textContent()).toBe('Learning rate must be a number (got "abc")');
    expect(await page.getByTestId('train').isDisabled()).toBe(true);
    // The address keeps the last valid value, so a shared link never carries a broken one.
    expect(await page.evaluate(() => location.hash)).not.toContain('lr=');
    await page.locator('#control-lr').fill('0.001');
    await page.locator('#control-lr').press('Enter');
    expect(await page.getByTestId('problem-lr').count()).toBe(0);
    expect(await page.evaluate(() => location.hash)).toContain('lr=0.001');
    expect(await page.getByTestId('train').isDisabled()).toBe(false);
  });

  it('a lesson link opens the lesson with its settings and hides what the instructor chose', async () => {
    const page = await app.open('#v=1&lesson=beta-too-small&seed=0&hide=judge,noise');
    await page.getByTestId('lesson-guide').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('lesson-guide').textContent()).toContain('beta too small');
    expect(await page.locator('#control-beta').inputValue()).toBe('0.01');
    expect(await page.locator('#control-loss').inputValue()).toBe('sigmoid');
    expect(await page.locator('#control-judge').count()).toBe(0);
    expect(await page.locator('#control-noise').count()).toBe(0);
    expect(await page.getByTestId('link-problems').count()).toBe(0);
  });

  it('the injection and counting lessons open from their links and train in the page, filling the injection and category charts', async () => {
    // Both lessons train the page's default offline run; the second link is checked to open with its guide.
    const counting = await app.open('#v=1&lesson=counting-relations');
    await counting.getByTestId('lesson-guide').waitFor({ timeout: 60_000 });
    expect(await counting.getByTestId('lesson-guide').textContent()).toMatch(/Counting and relations/);
    await counting.close();
    const page = await app.open('?backend=wasm#v=1&lesson=image-prompt-injection&steps=4&evaln=12&evalevery=4');
    await page.getByTestId('lesson-guide').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('lesson-guide').textContent()).toMatch(/Image prompt injection/);
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    await page.getByTestId('train').click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 300_000 });
    // Start and end evaluations: both charts have a point per evaluation, the table an injection cell.
    expect(Number(await page.getByTestId('chart-injection').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('chart-categories').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await page.getByTestId('final-injection').first().textContent()).toMatch(/%.*→.*%/);
    expect(await page.getByTestId('diagnostics').textContent()).not.toMatch(/refused|non-finite/);
    expect(app.errors).toEqual([]);
  }, 420_000);
});
