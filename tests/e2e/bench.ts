/**
 * npm run bench:browser : the built app in headless Chromium, once per backend. Prints, for each:
 * the in-page benchmark (SFT, offline and online DPO steps/s, generated tokens/s), the time from
 * pressing Train to the first chart point, and the longest main-thread task during a short run.
 * Usage: npm run build && npm run bench:browser [-- webgpu,wasm]
 */
import { startApp } from './browser';

const backends = (process.argv[2] ?? 'webgpu,webgl,wasm').split(',');
// The default settings (256 offline pairs, 16 per step), shortened to 10 steps and a small eval.
const RUN = '#v=1&seed=0&steps=10&evaln=8&evalevery=0';
const app = await startApp();
const rows: string[] = [];
try {
  for (const backend of backends) {
    const page = await app.open(`?backend=${backend}${RUN}`);
    // Collect long main-thread tasks (> 50 ms) from the start.
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
    });
    await page.reload();
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 300_000 });
    const badge = (await page.getByTestId('backend-badge').textContent())!.trim().replace(/\s+/g, ' ');
    if ((await page.getByTestId('backend-badge').getAttribute('data-backend')) !== backend) {
      rows.push(`| ${backend} | not available here (${badge}) | | | | | | |`);
      await page.close();
      continue;
    }
    await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));
    const pressed = Date.now();
    await page.getByTestId('train').click();
    await page.locator('[data-testid=chart-loss]:not([data-points="0"])').waitFor({ timeout: 300_000 });
    const firstPoint = (Date.now() - pressed) / 1000;
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 600_000 });
    const longest = await page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));
    await page.getByTestId('benchmark').click();
    const bench = (await page.getByTestId('bench').textContent({ timeout: 600_000 }))!;
    const n = (re: RegExp) => bench.match(re)?.[1] ?? '?';
    rows.push(
      `| ${backend} | ${badge} | ${n(/([\d.]+) SFT steps/)} | ${n(/([\d.]+) offline/)} | ${n(/\/ ([\d.]+) online/)} | ${n(/(\d+) generated/)} | ${firstPoint.toFixed(1)} s | ${longest.toFixed(0)} ms |`,
    );
    await page.close();
  }
} finally {
  await app.close();
}
console.log('| backend | adapter | SFT steps/s (batch 16) | offline DPO steps/s (8 pairs) | online DPO steps/s (8 prompts, K=4) | generated tokens/s | Train -> first chart point | longest main-thread task |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
