/**
 * npm run bench:lesson : how soon a newcomer can train, and how soon the default lesson (offline
 * DPO, 100 steps, evaluations at 0, 25, 50, 75 and 100) is done, both from page load (navigation
 * start), with Train pressed as soon as it is enabled. Twice: a first visit (fresh storage; after
 * the lesson the page stays open until the backends were measured in the background, as a reader's
 * would) and a second visit (same browser profile: it starts on what the first visit measured).
 * Usage: npm run build && npm run bench:lesson [-- --backend wasm|webgpu|webgl|cpu] (default: the page's own choice)
 */
import { startApp } from './browser';

if (process.argv.includes('--help')) {
  console.log('Usage: npm run build && npm run bench:lesson [-- --backend wasm|webgpu|webgl|cpu]');
  console.log('Page load -> Train enabled and page load -> default lesson done, on a first and a second visit.');
  process.exit(0);
}
const at = process.argv.indexOf('--backend');
const backend = at > 0 ? process.argv[at + 1] : undefined;
const app = await startApp();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
try {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  for (const visit of ['first', 'second'] as const) {
    const page = await app.open(`${backend ? `?backend=${backend}` : ''}#v=1&lesson=offline-dpo&seed=0`, context);
    await page.locator('[data-testid=train]:not([disabled])').waitFor({ timeout: 300_000 });
    const enabledMs = await page.evaluate(() => performance.now());
    const badge = page.getByTestId('backend-badge');
    const badgeText = async () => (await badge.textContent())!.trim().replace(/\s+/g, ' ');
    const atTrain = await badgeText();
    const done = page.locator('[data-testid=runs-table] tr[data-status=done]');
    const doneBefore = await done.count();
    await page.getByTestId('train').click();
    await done.nth(doneBefore).waitFor({ timeout: 1_200_000 });
    const doneMs = await page.evaluate(() => performance.now());
    console.log(`${visit} visit: load -> Train enabled ${seconds(enabledMs)}, load -> default lesson done ${seconds(doneMs)}`);
    console.log(`  badge at Train: ${atTrain}`);
    if (!backend) {
      await page.locator('[data-testid=backend-badge][data-measuring=off]').waitFor({ timeout: 600_000 });
      const measuredMs = await page.evaluate(() => performance.now());
      if ((await badge.getAttribute('data-basis')) === 'measured')
        console.log(`  measured in the background after the lesson, by ${seconds(measuredMs)} from load: ${await badgeText()}`);
    }
    await page.close();
  }
} finally {
  await app.close();
}
