import { describe, expect, it } from 'vitest';
import { useApp } from './use-app';

const app = useApp({ dev: true });

describe('the dev server (npm start)', () => {
  it('opens the playground, trains a short run and raises no page error', async () => {
    const page = await app.openOnWebgpu('#v=1&seed=0&npairs=8&batch=2&steps=2&evaln=4&evalevery=0');
    await page.getByTestId('train').click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 300_000 });
    expect(await page.getByTestId('chart-loss').getAttribute('data-points')).toBe('2');
    // Before the fix, Svelte's dev mode called a method on the Comlink proxy and the worker threw.
    expect(app.errors).toEqual([]);
  });
});
