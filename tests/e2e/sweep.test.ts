import { describe, expect, it } from 'vitest';
import { useApp } from './use-app';

const app = useApp();

describe('sweeps', () => {
  it('a two-run sweep (one grid point, two seeds) queues both runs and fills the results table', async () => {
    const page = await app.openOnWebgpu('#v=1&seed=0&npairs=8&batch=2&steps=2&evaln=4&evalevery=0');

    // Bad input first: a clear message, nothing queued.
    await page.getByTestId('sweep-beta').fill('0.1, abc');
    await page.getByTestId('sweep-start').click();
    expect(await page.getByTestId('sweep-problems').textContent()).toContain('Beta: "abc" is not a number');
    expect(await page.locator('[data-testid=runs-table] tbody tr').count()).toBe(0);

    await page.getByTestId('sweep-beta').fill('0.1');
    await page.getByTestId('sweep-seeds').fill('0, 1');
    await page.getByTestId('sweep-start').click();
    await page.locator('[data-testid=sweep-progress]', { hasText: '2 of 2 runs finished' }).waitFor({ timeout: 500_000 });

    const rows = page.locator('[data-testid=sweep-results] tbody tr');
    expect(await rows.count()).toBe(1);
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells[0]).toBe('beta=0.1 temp=0.7 k=4 mode=offline');
    expect(cells[1]).toBe('2');
    expect(cells[2]).toMatch(/^\d+\.\d ± \d+\.\d$/); // CHAIR_i mean ± std over the two seeds
    // Both runs are in the runs table, and the table shows the seed, the one setting that differs.
    expect(await page.locator('[data-testid=runs-table] tr[data-status=done]').count()).toBe(2);
    expect(await page.locator('[data-testid=runs-table] thead th', { hasText: /^seed$/ }).count()).toBe(1);
    expect(app.errors).toEqual([]);
  });
});
