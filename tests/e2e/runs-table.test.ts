/**
 * Many runs kept: 200 imported 30-step runs in sweeps of eight (many-runs.ts). Showing or hiding
 * one from the runs table takes its lines out of the charts and puts them back; the table sorts by
 * a header (from the keyboard too), filters by name or setting, folds a sweep under its row and
 * shows or hides it whole; a renamed or deleted run changes the charts; axe-core finds nothing
 * wrong. How long a click takes is the benchmark's business (npm run bench:runs), not this test's.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './browser';
import { importManyRuns, MANY_RUN_STEPS } from './many-runs';
import { useApp } from './use-app';

const COUNT = 200;
const app = useApp();
let page: Page;

beforeAll(async () => {
  // WASM: the quickest backend to start; the model is not needed here.
  page = await app.open('?backend=wasm');
  await importManyRuns(page, COUNT);
}, 120_000);

afterEach(() => expect(app.errors).toEqual([]));

const rows = () => page.locator('[data-testid=runs-table] tr[data-run-id]');
/** Run `index` of many-runs.ts (sweep index / 8 + 1, β 0.1 for even indices and 0.5 for odd, seed (index % 8) / 2). */
const row = (index: number) => page.locator(`[data-testid=runs-table] tr[data-run-id="run-many-${String(index).padStart(4, '0')}"]`);

/** Wait until a chart plots `points` points (its data-points: a chart out of sight catches up when the browser is idle). */
const plotted = (chart: string, points: number) =>
  page.locator(`[data-testid=chart-${chart}][data-points="${points}"]`).waitFor({ timeout: 10_000 });

/** The labels of a chart's lines as drawn (window.dpoChartProbe), once they satisfy `ok`. */
async function linesOf(chart: string, ok: (labels: string[]) => boolean): Promise<string[]> {
  let labels: string[] = [];
  await expect
    .poll(
      async () => {
        labels = await page.evaluate(
          (id) =>
            window
              .dpoChartProbe?.(document.querySelector<HTMLCanvasElement>(`[data-testid=chart-${id}] .canvas canvas`)!)
              ?.lines.map((l) => l.label) ?? [],
          chart,
        );
        return ok(labels);
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  return labels;
}

describe(`the runs table with ${COUNT} runs`, () => {
  it('hiding a run takes its lines out of every chart and its legend; showing it puts them back', async () => {
    const name = 'sweep 5 β=0.1 s1';
    expect(await row(34).locator('input.name').inputValue()).toBe(name);
    const box = row(34).locator('input[type=checkbox]');
    await box.click();
    expect(await box.isChecked()).toBe(false);
    await plotted('loss', (COUNT - 1) * MANY_RUN_STEPS);
    await linesOf('loss', (labels) => labels.length === COUNT - 1 && !labels.includes(`${name} loss`));
    // An evaluation chart: three scores and their baselines per run.
    await linesOf('hallucination', (labels) => !labels.some((l) => l.startsWith(`${name} `)));
    expect(await page.locator(`[data-testid=chart-loss-legend] [title="${name} loss"]`).count()).toBe(0);

    await box.click();
    await plotted('loss', COUNT * MANY_RUN_STEPS);
    await linesOf('loss', (labels) => labels.includes(`${name} loss`));
    await linesOf('hallucination', (labels) => labels.includes(`${name} CHAIR_i`));
    expect(await page.locator(`[data-testid=chart-loss-legend] [title="${name} loss"]`).count()).toBe(1);
  });

  it('sorts by a column from its header, by mouse or keyboard, and back to the runs’ own order', async () => {
    const header = page.locator('[data-testid=runs-table] th', { has: page.getByTestId('sort-chair_i') });
    /** CHAIR_i now of each run, in the table's order, in lists by sweep (a sweep's runs stay under its row). */
    const chairNow = () =>
      page.evaluate(() => {
        const groups: number[][] = [];
        for (const tr of document.querySelectorAll('[data-testid=runs-table] tbody tr')) {
          if (tr.matches('[data-testid=runs-group]')) groups.push([]);
          const cell = tr.querySelector('[data-testid=final-chair]');
          if (cell) groups.at(-1)!.push(Number((cell.textContent ?? '').split('→')[1]!.trim().replace('%', '')));
        }
        return groups;
      });
    /** Sorted: within each sweep, and the sweeps by their first run. */
    const sorted = (groups: number[][], sign: number) =>
      [...groups, groups.map((g) => g[0]!)].every((list) => list.every((x, i) => i === 0 || sign * (x - list[i - 1]!) >= 0));
    await page.getByTestId('sort-chair_i').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    expect(sorted(await chairNow(), 1)).toBe(true);
    await page.getByTestId('sort-chair_i').focus();
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(sorted(await chairNow(), -1)).toBe(true);
    expect(sorted(await chairNow(), 1)).toBe(false);
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBeNull();
    expect(await rows().first().locator('input.name').inputValue()).toBe('sweep 1 β=0.1 s0');
  });

  it('filters by name and by a setting that differs, and says how many match', async () => {
    const filter = page.getByLabel('Filter runs');
    // Every word must match, anywhere in the name or the differing settings.
    await filter.fill('sweep 12');
    expect(await rows().count()).toBe(8);
    expect(await page.getByTestId('runs-count').textContent()).toBe(`8 of ${COUNT} runs`);
    await filter.fill('SWEEP 12 beta=0.5');
    expect(await rows().count()).toBe(4);
    await filter.fill('no such run');
    expect(await rows().count()).toBe(0);
    expect(await page.getByTestId('runs-table').textContent()).toContain('No run matches "no such run"');
    await filter.fill('');
    expect(await rows().count()).toBe(COUNT);
  });

  it("folds a sweep's runs under its row and shows or hides them all from it", async () => {
    const group = page.getByTestId('runs-group').first();
    expect(await group.textContent()).toContain('sweep 1 (over beta × seed)');
    expect(await group.textContent()).toContain('8 runs');
    const fold = group.getByTestId('runs-group-toggle');
    expect(await fold.getAttribute('aria-expanded')).toBe('true');
    await fold.click();
    expect(await fold.getAttribute('aria-expanded')).toBe('false');
    expect(await rows().count()).toBe(COUNT - 8);
    await fold.press('Enter');
    expect(await fold.getAttribute('aria-expanded')).toBe('true');
    expect(await rows().count()).toBe(COUNT);

    const all = group.getByTestId('runs-group-show');
    await all.click();
    expect(await all.isChecked()).toBe(false);
    await plotted('loss', (COUNT - 8) * MANY_RUN_STEPS);
    // One of the sweep's runs shown again: the sweep's box is mixed.
    await row(1).locator('input[type=checkbox]').click(); // sweep 1 β=0.5 s0
    await plotted('loss', (COUNT - 7) * MANY_RUN_STEPS);
    expect(await all.evaluate((input: HTMLInputElement) => input.indeterminate)).toBe(true);
    await all.click();
    await plotted('loss', COUNT * MANY_RUN_STEPS);
    expect(await all.isChecked()).toBe(true);
  });

  it('a renamed run is relabelled in the charts, a deleted one leaves them', async () => {
    const name = row(53).locator('input.name');
    expect(await name.inputValue()).toBe('sweep 7 β=0.5 s2');
    await name.fill('the renamed run');
    await name.press('Enter');
    await linesOf('loss', (labels) => labels.includes('the renamed run loss') && !labels.includes('sweep 7 β=0.5 s2 loss'));
    await page.getByRole('button', { name: 'delete the renamed run' }).click();
    await plotted('loss', (COUNT - 1) * MANY_RUN_STEPS);
    await linesOf('loss', (labels) => labels.length === COUNT - 1 && !labels.includes('the renamed run loss'));
    expect(await rows().count()).toBe(COUNT - 1);
  });
});

// axe-core reads every element: on 200 runs' legends that takes a minute, so it reads 24 (three
// sweeps; more runs than colours, so the legends scroll in their boxes).
describe('the runs table and charts with 24 runs', () => {
  it('have no axe-core violations at 1440 px dark and 360 px light, with a sweep folded and a column sorted, and no sideways scrolling', async () => {
    const small = await app.open('?backend=wasm');
    await importManyRuns(small, 24);
    await small.getByTestId('runs-group-toggle').nth(1).click();
    await small.getByTestId('sort-cover').click();
    for (const [width, colorScheme] of [
      [1440, 'dark'],
      [360, 'light'],
    ] as const) {
      await small.setViewportSize({ width, height: 900 });
      await small.emulateMedia({ colorScheme });
      expect(await axeViolations(small)).toEqual([]);
      expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    }
    await small.close();
  });
});
