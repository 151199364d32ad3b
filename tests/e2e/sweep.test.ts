import { describe, expect, it } from 'vitest';
import { runsStored } from './browser';
import { useApp } from './use-app';

const app = useApp();

describe('sweeps', () => {
  it("a lesson that asks for a sweep fills the builder in: 'Offline vs online vs mixed' is three runs", async () => {
    const page = await app.open('#v=1&lesson=offline-online-mixed');
    await page.locator('[data-testid=sweep-lesson]', { hasText: 'Prepared by the lesson "Offline vs online vs mixed"' }).waitFor();
    expect(await page.getByTestId('sweep-count').textContent()).toContain('3 runs.');
    const ticked = await page
      .locator('[data-testid=sweep] input[type=checkbox]:checked')
      .evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
    expect(ticked).toEqual(['offline', 'online', 'mixed']);
    await page.close();
  });

  it('shows the count before queuing, counts n of N, keeps its results across a reload, and says where Stop left it', async () => {
    // On WASM: the builder, the queue and the results table are what is tested here, and software
    // WebGPU (trained on in training.test.ts) would only make the six runs slower.
    const page = await app.open('?backend=wasm#v=1&seed=0&npairs=8&batch=2&steps=2&evaln=4&evalevery=0');
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    const progress = page.getByTestId('sweep-progress');

    // Bad input: the control's own message as typed, nothing queued.
    await page.getByTestId('sweep-values-beta').fill('0.1, abc');
    await page.getByTestId('sweep-start').click();
    expect(await page.getByTestId('sweep-problems').textContent()).toContain('Beta must be a number (got "abc")');
    expect(await page.locator('[data-testid=runs-table] tbody tr').count()).toBe(0);

    // A temperature list changes nothing offline: merged, and said so, before anything is queued.
    await page.getByTestId('sweep-values-beta').fill('0.1');
    await page.getByTestId('sweep-add').click();
    await page.getByTestId('sweep-setting-2').selectOption('temp');
    await page.getByTestId('sweep-values-temp').fill('0.5, 1');
    expect(await page.getByTestId('sweep-count').textContent()).toContain('2 runs (4 combinations');
    expect(await page.getByTestId('sweep-notes').textContent()).toContain('Temperature changes nothing for offline runs');

    await page.getByTestId('sweep-start').click();
    expect(await progress.textContent()).toMatch(/[0-2] of 2 runs finished/);
    await page.locator('[data-testid=sweep-progress]', { hasText: '2 of 2 runs finished' }).waitFor({ timeout: 500_000 });

    const rows = page.locator('[data-testid=sweep-results] tbody tr');
    const expectResults = async () => {
      expect(await rows.count()).toBe(1);
      const cells = await rows.first().locator('td').allTextContents();
      expect(cells[0]).toBe('mode=offline');
      expect(cells[1]).toBe('2');
      expect(cells[2]).toMatch(/^\d+\.\d ± \d+\.\d$/); // CHAIR_i mean ± std over the two seeds
    };
    await expectResults();
    // The runs' names carry the seed, the one setting that differs, and no temperature.
    const names = await page
      .locator('[data-testid=runs-table] input.name')
      .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(names.sort()).toEqual(['offline s0', 'offline s1']);

    // A reload rebuilds the table and the count from the stored runs.
    await runsStored(page); // runs are written to IndexedDB at most every 500 ms
    await page.reload();
    await page.locator('[data-testid=sweep-progress]', { hasText: 'Latest sweep: 2 of 2 runs finished.' }).waitFor({ timeout: 60_000 });
    await expectResults();

    // Stop clears the queue: the sweep says how far it got.
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 240_000 });
    await page.getByTestId('sweep-values-beta').fill('0.1');
    await page.getByTestId('sweep-values-seed').fill('2, 3');
    await page.getByTestId('sweep-add').click();
    await page.getByTestId('sweep-setting-2').selectOption('steps');
    await page.getByTestId('sweep-values-steps').fill('500');
    await page.getByTestId('sweep-start').click();
    await page.locator('[data-testid=run-status]', { hasText: 'running' }).waitFor({ timeout: 300_000 });
    await page.getByTestId('stop').click();
    await page.locator('[data-testid=sweep-progress]', { hasText: 'Stopped after 0 of 2 runs.' }).waitFor({ timeout: 120_000 });
    expect(app.errors).toEqual([]);
  });

  it('trains runs at once in separate workers, with the numbers each has when the runs go one after another', async () => {
    const page = await app.open('?backend=wasm#v=1&seed=0&npairs=8&batch=4&steps=80&evaln=8&evalevery=40');
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    const atOnce = page.getByTestId('sweep-at-once');
    // Bad input is refused with the reason, and the value stays.
    await atOnce.fill('0');
    await atOnce.dispatchEvent('change');
    expect(await page.getByTestId('sweep-at-once-problem').textContent()).toContain('whole number from 1 to 8 (got "0")');
    await page.getByTestId('sweep-values-beta').fill('0.1');
    await page.getByTestId('sweep-values-seed').fill('0, 1');

    /** Queue the sweep, wait for it, and return each run's numbers by seed and the most runs seen training at once. */
    const sweep = async (runsAtOnce: number, finishedBefore: number) => {
      await atOnce.fill(String(runsAtOnce));
      await atOnce.dispatchEvent('change');
      await page.evaluate(() => {
        const w = window as unknown as { mostAtOnce: number; dpoPlayground: { runs: { list: { status: string }[] } } };
        w.mostAtOnce = 0;
        setInterval(() => {
          const training = w.dpoPlayground.runs.list.filter((r) => r.status === 'running').length;
          w.mostAtOnce = Math.max(w.mostAtOnce, training);
        }, 20);
      });
      await page.getByTestId('sweep-start').click();
      await page
        .locator('[data-testid=runs-table] tr[data-status=done]')
        .nth(finishedBefore + 1)
        .waitFor({ timeout: 300_000 });
      return page.evaluate(() => {
        const w = window as unknown as {
          mostAtOnce: number;
          dpoPlayground: {
            runs: { list: { sweepId?: string; config: { seed: number }; history: unknown; evals: unknown; status: string }[] };
          };
        };
        const runs = w.dpoPlayground.runs.list;
        const latest = runs.at(-1)!.sweepId;
        const numbers = Object.fromEntries(
          runs.filter((r) => r.sweepId === latest).map((r) => [r.config.seed, { status: r.status, history: r.history, evals: r.evals }]),
        );
        return { numbers, mostAtOnce: w.mostAtOnce };
      });
    };
    const oneByOne = await sweep(1, 0);
    expect(oneByOne.mostAtOnce).toBe(1);
    const together = await sweep(2, 2);
    expect(together.mostAtOnce).toBe(2);
    expect(Object.keys(together.numbers).sort()).toEqual(['0', '1']);
    for (const seed of ['0', '1']) {
      expect(together.numbers[seed]!.status).toBe('done');
      expect(together.numbers[seed]!.history).toEqual(oneByOne.numbers[seed]!.history);
      expect(together.numbers[seed]!.evals).toEqual(oneByOne.numbers[seed]!.evals);
    }
    expect(app.errors).toEqual([]);
    await page.close();
  });
});
