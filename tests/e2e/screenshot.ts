/**
 * npm run screenshot : train the default offline DPO run in the built app (after `npm run build`)
 * and capture the page for the README, then the same lesson on a phone (360 px), in the
 * presentation view (present=1, a 1280 x 720 projector) and five runs compared (1440 px), for
 * docs/. This machine has no GPU, so it asks for the WASM backend (SwiftShader's software WebGPU
 * would take far longer for the same 100 steps).
 * Usage: npm run screenshot [-- out.png [backend]]
 */
import type { PlaygroundConfig } from '../../src/core/settings/controls';
import { chartsSettled, startApp } from './browser';

const out = process.argv[2] ?? 'docs/playground.png';
const backend = process.argv[3] ?? 'wasm';
/** The five runs compared: offline at three betas, online and mixed (what the lessons compare). */
const COMPARED: { name: string; change: Partial<PlaygroundConfig> }[] = [
  { name: 'offline β=0.1', change: {} },
  { name: 'offline β=0.01', change: { beta: 0.01 } },
  { name: 'offline β=0.5', change: { beta: 0.5 } },
  { name: 'online β=0.1', change: { method: 'online', batchSize: 8 } },
  { name: 'mixed β=0.1', change: { method: 'mixed', batchSize: 8 } },
];

const app = await startApp();
try {
  const page = await app.open(`?backend=${backend}#v=1&seed=0&evalevery=20`);
  await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 240_000 });
  const started = Date.now();
  await page.getByTestId('train').click();
  await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 1_200_000 });
  await chartsSettled(page);
  await page.screenshot({ path: out, fullPage: true });
  const scores = await page.getByTestId('final-chair').first().textContent();
  console.log(
    `saved ${out} (backend: ${await page.getByTestId('backend-badge').textContent()}; CHAIR_i ${scores}; ${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  // A phone: the same page at 360 px (the first screens), and the presentation view of a lesson.
  await page.setViewportSize({ width: 360, height: 780 });
  await chartsSettled(page);
  await page.screenshot({ path: 'docs/phone.png', fullPage: false });
  const presentation = await app.open(`?backend=${backend}#v=1&lesson=offline-dpo&present=1&seed=0&evalevery=20`);
  await presentation.setViewportSize({ width: 1280, height: 720 });
  await presentation.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 240_000 });
  await presentation.getByTestId('train').click();
  await presentation.locator('[data-testid=chart-loss]:not([data-points="0"])').waitFor({ timeout: 240_000 });
  await presentation.waitForFunction(() => document.querySelector('[data-testid=train]')?.textContent?.includes('Train'), undefined, {
    timeout: 1_200_000,
  });
  await chartsSettled(presentation);
  await presentation.screenshot({ path: 'docs/presentation.png', fullPage: true });
  console.log('saved docs/phone.png and docs/presentation.png');

  // Five runs, queued one after another as the sweep builder queues them, then the charts.
  const compare = await app.open(`?backend=${backend}#v=1&seed=0&evalevery=20`);
  await compare.setViewportSize({ width: 1440, height: 900 });
  await compare.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 240_000 });
  type Handle = {
    dpoPlayground: {
      config: { values: PlaygroundConfig };
      trainer: { enqueue(items: { config: PlaygroundConfig; name: string; sweepId: string }[]): void };
    };
  };
  await compare.evaluate((runs) => {
    const { config, trainer } = (window as unknown as Handle).dpoPlayground;
    const base = JSON.parse(JSON.stringify(config.values)) as PlaygroundConfig;
    trainer.enqueue(runs.map((r) => ({ config: { ...base, ...r.change }, name: r.name, sweepId: 'compare-5-runs' })));
  }, COMPARED);
  await compare.waitForFunction(
    (n) => document.querySelectorAll('[data-testid=runs-table] tr[data-status=done]').length === n,
    COMPARED.length,
    { timeout: 3_600_000, polling: 2000 },
  );
  await chartsSettled(compare);
  // The charts cut out of the whole page: an element screenshot scrolls, and the sticky header would cover the first row.
  await compare.evaluate(() => window.scrollTo(0, 0));
  const { x, y, width, height } = (await compare.getByRole('region', { name: 'Training charts' }).boundingBox())!;
  await compare.screenshot({
    path: 'docs/compare-5-runs.png',
    fullPage: true,
    clip: { x: x - 8, y: y - 8, width: width + 16, height: height + 16 },
  });
  console.log('saved docs/compare-5-runs.png');
} finally {
  await app.close();
}
