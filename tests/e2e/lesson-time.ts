/**
 * npm run bench:lesson : how long the default lesson (offline DPO, 100 steps, evaluations at 0, 25,
 * 50, 75 and 100) takes in the built app from Train to done, on one backend (WASM by default):
 * once with Train pressed as soon as the gallery shows, and once after a reader's pause (5 s, the
 * guide read), in which the idle page evaluates the starting model ahead of the run.
 * Usage: npm run build && npm run bench:lesson [-- backend]
 */
import { startApp } from './browser';

const backend = process.argv[2] ?? 'wasm';
const app = await startApp();
try {
  for (const pauseMs of [0, 5000]) {
    const page = await app.open(`?backend=${backend}#v=1&lesson=offline-dpo&seed=0`);
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 300_000 });
    const badge = (await page.getByTestId('backend-badge').textContent())!.trim().replace(/\s+/g, ' ');
    await page.waitForTimeout(pauseMs);
    const pressed = Date.now();
    await page.getByTestId('train').click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').first().waitFor({ timeout: 1_200_000 });
    const when = pauseMs === 0 ? 'as soon as the gallery shows' : `after a ${pauseMs / 1000} s pause`;
    console.log(`default lesson, Train (pressed ${when}) to done: ${((Date.now() - pressed) / 1000).toFixed(1)} s (${badge})`);
    await page.close();
  }
} finally {
  await app.close();
}
