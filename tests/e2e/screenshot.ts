/**
 * npm run screenshot : train the default offline DPO run in the built app (after `npm run build`)
 * and capture the page for the README, then the same lesson on a phone (360 px) and in the
 * presentation view (present=1) for docs/. This machine has no GPU, so it asks for the WASM
 * backend (SwiftShader's software WebGPU would take far longer for the same 100 steps).
 * Usage: npm run screenshot [-- out.png [backend]]
 */
import { startApp } from './browser';

const out = process.argv[2] ?? 'docs/playground.png';
const backend = process.argv[3] ?? 'wasm';
const app = await startApp();
try {
  const page = await app.open(`?backend=${backend}#v=1&seed=0&evalevery=20`);
  await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 240_000 });
  const started = Date.now();
  await page.getByTestId('train').click();
  await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 1_200_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: out, fullPage: true });
  const scores = await page.getByTestId('final-chair').first().textContent();
  console.log(
    `saved ${out} (backend: ${await page.getByTestId('backend-badge').textContent()}; CHAIR_i ${scores}; ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  // A phone: the same page at 360 px (the first screens), and the presentation view of a lesson.
  await page.setViewportSize({ width: 360, height: 780 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/phone.png', fullPage: false });
  const presentation = await app.open(`?backend=${backend}#v=1&lesson=offline-dpo&present=1&seed=0&evalevery=20`);
  await presentation.setViewportSize({ width: 1600, height: 1000 });
  await presentation.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 240_000 });
  await presentation.getByTestId('train').click();
  await presentation.locator('[data-testid=chart-loss]:not([data-points="0"])').waitFor({ timeout: 240_000 });
  await presentation.waitForFunction(() => document.querySelector('[data-testid=train]')?.textContent?.includes('Train'), undefined, {
    timeout: 1_200_000,
  });
  await presentation.waitForTimeout(500);
  await presentation.screenshot({ path: 'docs/presentation.png', fullPage: true });
  console.log('saved docs/phone.png and docs/presentation.png');
} finally {
  await app.close();
}
