/**
 * npm run bench:runs : what showing or hiding one run costs with many runs kept. For 200 and for 50
 * stored runs (30-step runs from many-runs.ts, imported through the page's "Import JSON"), it
 * clicks one run's show/hide checkbox in the runs table with the mouse (scrolled into sight first,
 * as a student would) and reads how long the click took to the next frame painted: the browser's
 * Event Timing entry for the click (what INP measures: input delay, the handlers with Svelte's
 * update, the charts' redraw in that frame's requestAnimationFrame, style, layout and paint;
 * rounded by the browser to 8 ms). Each figure is the median of TOGGLES clicks (hide, show,
 * hide, ...) on runs spread through the table, with a pause between them for the deferred save
 * and the charts out of sight, which catch up when the browser is idle. Last column: a new metric
 * point for one run (as the trainer adds them) with the charts in sight, to the next frame.
 *
 * `--before DIR` also serves another build (e.g. `npx vite build --outDir /tmp/before` of the code
 * before a change) and measures both builds in the same run, click by click in turn, so the ratio
 * holds under the same load.
 * `--height 6000` makes the window tall enough to show every chart and the runs table at once, so
 * no chart can wait: the worst case.
 * Usage: npm run build && npm run bench:runs [-- --before DIR] [-- --counts 200,50] [-- --toggles 12] [-- --height 900]
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview } from 'vite';
import { CHROMIUM } from './browser';
import { importManyRuns } from './many-runs';

if (process.argv.includes('--help')) {
  console.log('Usage: npm run build && npm run bench:runs [-- --before DIR] [--counts 200,50] [--toggles 12] [--height 900]');
  console.log('Show/hide one run -> next frame, with 200 and 50 runs stored, in the built app (the median of --toggles clicks).');
  process.exit(0);
}
const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const counts = (arg('counts') ?? '200,50').split(',').map(Number);
const TOGGLES = Number(arg('toggles') ?? 12);
/** The window's height: `--height 6000` puts every chart and the top of the runs table in sight at once (the worst case). */
const HEIGHT = Number(arg('height') ?? 900);
const builds: { label: string; outDir: string }[] = [{ label: 'this build (dist)', outDir: 'dist' }];
const before = arg('before');
if (before) builds.unshift({ label: `before (${before})`, outDir: before });

async function serve(outDir: string) {
  const server = await preview({ build: { outDir }, preview: { port: 0, strictPort: false, open: false }, logLevel: 'error' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { server, url };
}

/** A page of its own (own storage) with `count` runs imported, the model loaded and the charts drawn. */
async function openWithRuns(browser: Browser, url: string, count: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: HEIGHT } });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  // Every click's Event Timing entry (the browser reports those over 16 ms).
  await page.addInitScript(() => {
    const w = window as unknown as { clicks: { duration: number; processing: number }[] };
    w.clicks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as PerformanceEventTiming[])
        if (e.name === 'click') w.clicks.push({ duration: e.duration, processing: e.processingEnd - e.processingStart });
    }).observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);
  });
  // WASM: the backend does not matter here, and forcing it skips the automatic choice's probe.
  await page.goto(new URL('?backend=wasm', url).href);
  await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 240_000 });
  await importManyRuns(page, count);
  await page.waitForTimeout(1500); // the imported runs' save, the charts out of sight
  return page;
}

/** Click run `index`'s show/hide checkbox; the click's Event Timing (ms to the next frame, and of it in handlers). */
async function toggle(page: Page, index: number): Promise<{ duration: number; processing: number }> {
  await page.bringToFront();
  const box = page.locator('[data-testid=runs-table] tr[data-run-id] input[type=checkbox]').nth(index);
  await box.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  const { x, y, width, height } = (await box.boundingBox())!;
  await page.evaluate(() => ((window as unknown as { clicks: unknown[] }).clicks = []));
  await page.mouse.click(x + width / 2, y + height / 2);
  // The frame after the click, however long it takes; then its entry (the browser reports only
  // clicks over 16 ms: none within 3 s of that frame was a quicker one).
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
  const timing = await page
    .waitForFunction(() => (window as unknown as { clicks: { duration: number; processing: number }[] }).clicks[0], null, {
      polling: 50,
      timeout: 3_000,
    })
    .then(async (handle) => (await handle.jsonValue())!)
    .catch(() => ({ duration: 16, processing: 0 }));
  await page.waitForTimeout(1500); // the deferred save (500 ms), the charts out of sight (idle, 1 s at most)
  return timing;
}

/**
 * A new metric point for the newest run (as the trainer's update adds one) with the page at the
 * top, the charts in sight as while training: ms from the update to the end of the next frame
 * (measured in the page: no input event, so no Event Timing entry).
 */
async function newPoint(page: Page, step: number): Promise<number> {
  await page.bringToFront();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  const ms = await page.evaluate(async (step) => {
    type Handle = { dpoPlayground: { runs: { list: { id: string }[]; apply(id: string, update: unknown): void } } };
    const runs = (window as unknown as Handle).dpoPlayground.runs;
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    const start = performance.now();
    const point = { step, metrics: { loss: 0.3, 'rewards/margins': 2, 'rewards/chosen': -0.2, 'rewards/rejected': -2.2, grad_norm: 1 } };
    runs.apply(runs.list.at(-1)!.id, { status: 'done', step, points: [point], evals: [], events: [] });
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    return performance.now() - start;
  }, step);
  await page.waitForTimeout(1500);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const servers = await Promise.all(builds.map((b) => serve(b.outDir)));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--enable-unsafe-webgpu',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-dev-shm-usage',
  ],
});
const rows: string[] = [];
try {
  for (const count of counts) {
    const pages: Page[] = [];
    for (const { url } of servers) pages.push(await openWithRuns(browser, url, count));
    const times: { duration: number; processing: number }[][] = pages.map(() => []);
    for (let t = 0; t < TOGGLES; t++) {
      // Runs spread through the table; each is clicked twice (hidden, then shown again).
      const index = Math.floor((((t >> 1) * 0.37) % 1) * count);
      for (let b = 0; b < pages.length; b++) times[b]!.push(await toggle(pages[b]!, index));
    }
    const points: number[][] = pages.map(() => []);
    for (let t = 0; t < Math.ceil(TOGGLES / 2); t++) for (let b = 0; b < pages.length; b++) points[b]!.push(await newPoint(pages[b]!, 30));
    const medians = times.map((ts) => median(ts.map((t) => t.duration)));
    builds.forEach((b, i) => {
      const ts = times[i]!.map((t) => t.duration);
      const handlers = median(times[i]!.map((t) => t.processing));
      const ratio = i > 0 ? ` | ${(medians[0]! / medians[i]!).toFixed(1)}x faster` : builds.length > 1 ? ' | –' : '';
      rows.push(
        `| ${count} | ${b.label} | ${medians[i]!.toFixed(0)} ms | ${Math.min(...ts).toFixed(0)}-${Math.max(...ts).toFixed(0)} ms | ${handlers.toFixed(0)} ms${ratio} | ${median(points[i]!).toFixed(0)} ms |`,
      );
    });
    for (const page of pages) await page.close();
  }
} finally {
  await browser.close();
  for (const { server } of servers) await server.close();
}
console.log(
  `\nShow/hide one run: click -> next frame (Event Timing), median of ${TOGGLES} clicks, range, and the median time in handlers\n`,
);
console.log(
  `| runs stored | build | click -> next frame | range | in handlers |${builds.length > 1 ? ' before / after |' : ''} new point -> next frame (charts in sight) |`,
);
console.log(`|---|---|---|---|---|${builds.length > 1 ? '---|' : ''}---|`);
for (const row of rows) console.log(row);
