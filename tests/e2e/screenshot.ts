/** npm run screenshot : capture the built page (after `npm run build`) for the README. */
import { startApp } from './browser';

const out = process.argv[2] ?? 'docs/first-page.png';
const app = await startApp();
try {
  const page = await app.open();
  await page.getByTestId('caption').nth(5).waitFor({ timeout: 240_000 });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`saved ${out} (backend: ${await page.getByTestId('backend-badge').textContent()})`);
} finally {
  await app.close();
}
