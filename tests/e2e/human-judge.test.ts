import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, startApp, type AppSession } from './browser';

let app: AppSession;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.close();
});

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
      await page.keyboard.press('1'); // keyboard choice: the first caption
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    }
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 400_000 });
    // The pair inspector shows the last step's pair, made from the human's pick (score 1 vs 0).
    expect(await page.getByTestId('pair-inspector').locator('tbody td').nth(4).textContent()).toBe('online (human: 1 vs 0)');
    expect(app.errors).toEqual([]);
  });
});
