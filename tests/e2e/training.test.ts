import { readFile } from 'node:fs/promises';
import { unzipSync, strFromU8 } from 'fflate';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runsStored } from './browser';
import { useApp } from './use-app';

/** A run small enough for SwiftShader: 8 offline pairs, batch 2, 4 steps, 4 eval scenes. */
const TINY = '#v=1&seed=0&npairs=8&batch=2&steps=4&evaln=4&evalevery=0';

const app = useApp();

/**
 * The TINY run trained to the end on a page of its own, made by the first test that needs it. The
 * tests only read it (the reload happens in a second tab of the page's browser context, and the
 * pause test trains on a page of its own), so each passes alone and in any order.
 */
let finished: Promise<{ page: Page; lossPointsBefore: number }> | undefined;
function finishedRun(): Promise<{ page: Page; lossPointsBefore: number }> {
  finished ??= (async () => {
    // In a browser context of its own, where a second tab shares its storage.
    const page = await app.openOnWebgpu(TINY, await app.browser.newContext({ viewport: { width: 1280, height: 900 } }));
    const lossPointsBefore = await points(page, 'loss');
    await page.getByTestId('train').click();
    await page.locator('[data-testid=chart-loss]:not([data-points="0"])').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 400_000 });
    return { page, lossPointsBefore };
  })();
  return finished;
}

const points = async (page: Page, chart: string) => Number(await page.getByTestId(`chart-${chart}`).getAttribute('data-points'));
const step = async (page: Page) => Number((await page.getByTestId('step-counter').textContent())!.match(/step (\d+)/)![1]);

/** RFC 4180 rows (quoted fields may hold commas, e.g. the loss "sigmoid,sft:1"). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      rows.at(-1)!.push(field);
      field = '';
    } else if (c === '\n') {
      rows.at(-1)!.push(field);
      field = '';
      rows.push([]);
    } else field += c;
  }
  if (rows.at(-1)!.length === 0 && field === '') rows.pop();
  return rows;
}

async function download(page: Page, testId: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 300_000 }), page.getByTestId(testId).click()]);
  return readFile(await file.path());
}

describe('training in the browser on WebGPU', () => {
  it('a short offline DPO run draws points on the loss and margin charts and fills the runs table', async () => {
    const { page, lossPointsBefore } = await finishedRun();
    expect(lossPointsBefore).toBe(0);
    // Logged steps 1..4 (log interval 1 for a 4-step run): loss, and margins/chosen/rejected.
    expect(await points(page, 'loss')).toBe(4);
    expect(await points(page, 'rewards')).toBe(12);
    // The hallucination panel: the SFT start (step 0) and the final eval (step 4) for 3 metrics.
    expect(await points(page, 'hallucination')).toBe(6);
    expect(await step(page)).toBe(4);
    expect(await page.getByTestId('final-chair').textContent()).toMatch(/\d+\.\d% → \d+\.\d%/);
    // Screen readers hear how the run ended, and each chart's latest values.
    expect(await page.getByTestId('progress-announcer').textContent()).toMatch(/^Run .* done at step 4: CHAIR_i \d+\.\d% to \d+\.\d%\.$/);
    expect(await page.getByTestId('chart-loss-text').getAttribute('aria-label')).toMatch(/^Loss chart, latest: loss -?[\d.e-]+ at step 4$/);
    const png = await download(page, 'chart-loss-png');
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // a PNG of the loss chart
    // The gallery now compares the policy with the reference.
    expect(await page.getByText('Policy vs reference on held-out scenes').count()).toBe(1);
    expect(app.errors).toEqual([]);
  });

  it('exports the runs as CSV and the pairs as a TRL dataset zip', async () => {
    const { page } = await finishedRun();
    const csv = parseCsv((await download(page, 'export-csv')).toString('utf8'));
    const header = csv[0]!;
    expect(header.slice(0, 4)).toEqual(['id', 'name', 'status', 'step']);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toHaveLength(header.length);
    const row = Object.fromEntries(header.map((h, i) => [h, csv[1]![i]]));
    expect(row.loss).toBe('sigmoid,sft:1');
    expect(row.status).toBe('done');
    expect(row.step).toBe('4');
    expect(row.npairs).toBe('8');
    expect(Number(row.final_chair_i)).toBeGreaterThanOrEqual(0);
    expect(Number(row.start_cover)).toBeGreaterThan(0.5);

    const zip = unzipSync(new Uint8Array(await download(page, 'export-trl')));
    const lines = strFromU8(zip['data.jsonl']!).trim().split('\n');
    expect(lines).toHaveLength(8);
    const first = JSON.parse(lines[0]!);
    expect(first.prompt[0].content[0]).toEqual({ type: 'image' });
    expect(first.prompt[0].content[1].text).toBe('describe the image');
    expect(first.chosen[0].role).toBe('assistant');
    expect(first.chosen[0].content[0].text).not.toBe(first.rejected[0].content[0].text);
    // Both sides written by the one detokenizer: the full stop against the last word.
    expect(first.chosen[0].content[0].text).toMatch(/[a-z]\.$/);
    expect(first.rejected[0].content[0].text).toMatch(/[a-z]\.$/);
    const png = zip[first.images[0]]!;
    expect(Array.from(png.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    expect(strFromU8(zip['README.md']!)).toContain('load_dataset');
  });

  it('keeps the runs across a reload', async () => {
    const { page } = await finishedRun();
    const name = await page.locator('[data-testid=runs-table] input.name').first().inputValue();
    await runsStored(page);
    // The page opened again in the same browser (a reload, in a tab of its own so the run's page stays as it is).
    const again = await app.open(page.url(), page.context());
    await again.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 60_000 });
    expect(await again.locator('[data-testid=runs-table] input.name').first().inputValue()).toBe(name);
    expect(await points(again, 'loss')).toBe(4);
    await again.close();
    expect(app.errors).toEqual([]);
  });

  it('pauses, takes single steps and resumes', async () => {
    const page = await app.openOnWebgpu(TINY);
    await page.locator('#control-steps').fill('40');
    await page.locator('#control-steps').press('Enter');
    await page.locator('#control-steps').blur();
    await page.getByTestId('train').click();
    await page.waitForFunction(() => /step ([2-9]|\d\d)/.test(document.querySelector('[data-testid=step-counter]')!.textContent), null, {
      timeout: 120_000,
    });
    await page.getByTestId('train').click(); // Pause
    await page.locator('[data-testid=run-status]', { hasText: 'paused' }).waitFor({ timeout: 60_000 });
    const pausedAt = await step(page);
    expect(await page.getByTestId('train').textContent()).toContain('Resume');

    // One step, and only one: the loop trains it, then says "paused" again at the next step. Had
    // the pause not held, the run would have gone on during that step and never be paused there.
    await page.getByTestId('step').click();
    await page.waitForFunction(
      (s) =>
        document.querySelector('[data-testid=step-counter]')!.textContent.startsWith(`step ${s + 1} `) &&
        document.querySelector('[data-testid=run-status]')!.textContent.startsWith('paused'),
      pausedAt,
      { timeout: 60_000 },
    );
    expect(await step(page)).toBe(pausedAt + 1);

    await page.getByTestId('train').click(); // Resume
    await page.waitForFunction(
      (s) => Number(document.querySelector('[data-testid=step-counter]')!.textContent.match(/step (\d+)/)![1]) > s + 1,
      pausedAt,
      { timeout: 120_000 },
    );
    await page.getByTestId('stop').click();
    await page.locator('[data-testid=runs-table] tr[data-status=stopped]').waitFor({ timeout: 300_000 });
    expect(app.errors).toEqual([]);
  });
});
