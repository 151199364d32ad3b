/**
 * npm run bench:lesson : how long the default lesson (offline DPO, 100 steps, evaluations at 0, 25,
 * 50, 75 and 100) takes in the built app from Train to done, on one backend (WASM by default).
 * Usage: npm run build && npm run bench:lesson [-- backend]
 */
import { startApp } from './browser';

const backend = process.argv[2] ?? 'wasm';
const app = await startApp();
try {
  const page = await app.open(`?backend=${backend}#v=1&lesson=offline-dpo&seed=0`);
  await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 300_000 });
  const badge = (await page.getByTestId('backend-badge').textContent())!.trim().replace(/\s+/g, ' ');
  const pressed = Date.now();
  await page.getByTestId('train').click();
  await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 1_200_000 });
  console.log(`default lesson, Train to done: ${((Date.now() - pressed) / 1000).toFixed(1)} s (${badge})`);
} finally {
  await app.close();
}
