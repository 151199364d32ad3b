/**
 * npm run bench:browser : the built app in headless Chromium. Prints three tables:
 * 1. per backend (forced with ?backend=): the in-page benchmark (SFT, offline and online DPO
 *    steps/s, generated tokens/s), Train -> first chart point and the longest main-thread task
 *    during a short default run; WASM twice, cross-origin isolated (threads) and not;
 * 2. per backend: what a default DPO step and a generated token cost (wall time, also with tfjs's
 *    own kernels only where fused ones run; tfjs kernels; on WebGPU also GPU dispatches, blocking
 *    readbacks and bytes read back);
 * 3. the automatic choice with no ?backend=, for each model size: what it measured (offline DPO
 *    steps/s per backend at the default settings) and picked, and how long it took.
 * Usage: npm run build && npm run bench:browser [-- webgpu,wasm]
 */
import type { Page } from 'playwright-core';
import type { StepCost } from '../../src/core/checks/step-cost';
import { startApp, type AppSession } from './browser';

const backends = (process.argv[2] ?? 'webgpu,webgl,wasm').split(',');
// The default settings (256 offline pairs, 16 per step), shortened to 10 steps and a small eval.
const RUN = '#v=1&seed=0&steps=10&evaln=8&evalevery=0';

const throughput: string[] = [];
const costs: string[] = [];

const badgeText = async (page: Page) => (await page.getByTestId('backend-badge').textContent())!.trim().replace(/\s+/g, ' ');

async function measureBackend(app: AppSession, backend: string, label: string): Promise<void> {
  const page = await app.open(`?backend=${backend}${RUN}`);
  // Collect long main-thread tasks (> 50 ms) from the start.
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({
      type: 'longtask',
      buffered: true,
    });
  });
  await page.reload();
  await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 300_000 });
  const badge = await badgeText(page);
  if ((await page.getByTestId('backend-badge').getAttribute('data-backend')) !== backend) {
    throughput.push(`| ${label} | not available here (${badge}) | | | | | | |`);
    await page.close();
    return;
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
  throughput.push(
    `| ${label} | ${badge} | ${n(/([\d.]+) SFT steps/)} | ${n(/([\d.]+) offline/)} | ${n(/\/ ([\d.]+) online/)} | ${n(/(\d+) generated/)} | ${firstPoint.toFixed(1)} s | ${longest.toFixed(0)} ms |`,
  );
  if (label === backend) {
    const cost = await page.evaluate(() =>
      (
        window as unknown as { dpoPlayground: { trainer: { api: { stepCost(): Promise<StepCost> } } } }
      ).dpoPlayground.trainer.api.stepCost(),
    );
    const d = cost.device;
    const f = (x: number | undefined, digits = 0) => (x === undefined ? '–' : x.toFixed(digits));
    costs.push(
      `| ${label} | ${f(cost.msPerDpoStep)} | ${f(cost.plainMsPerDpoStep)} | ${f(cost.kernelsPerDpoStep)} | ${f(d?.perDpoStep.dispatches)} | ${f(d?.perDpoStep.readbacks, 1)} | ${f(d && d.perDpoStep.bytesRead / 1024, 1)} | ${f(cost.kernelsPerToken)} | ${f(d?.perToken.dispatches)} | ${f(d?.perToken.readbacks, 2)} | ${f(d && d.perToken.bytesRead / 1024, 2)} |`,
    );
  }
  await page.close();
}

const auto: string[] = [];
const isolatedApp = await startApp();
try {
  for (const backend of backends) await measureBackend(isolatedApp, backend, backend);
  for (const model of ['default', 'large']) {
    const started = Date.now();
    const page = await isolatedApp.open(`${RUN}&model=${model}`);
    await page.locator('[data-testid=backend-badge]:not([data-backend=""])').waitFor({ timeout: 600_000 });
    auto.push(`| ${model} | ${await page.getByTestId('backend-reason').textContent()} | ${((Date.now() - started) / 1000).toFixed(0)} s |`);
    await page.close();
  }
} finally {
  await isolatedApp.close();
}
if (backends.includes('wasm')) {
  const plainApp = await startApp({ isolated: false });
  try {
    await measureBackend(plainApp, 'wasm', 'wasm, not isolated');
  } finally {
    await plainApp.close();
  }
}

console.log(
  '| backend | adapter | SFT steps/s (batch 16) | offline DPO steps/s (8 pairs) | online DPO steps/s (8 prompts, K=4) | generated tokens/s | Train -> first chart point | longest main-thread task |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const row of throughput) console.log(row);
console.log('\nCost of one default offline DPO step (16 pairs, cached reference) and of one decoding step (16 captions):\n');
console.log(
  '| backend | ms / DPO step | ms / DPO step, tfjs kernels only | kernels / DPO step | GPU dispatches / DPO step | blocking readbacks / DPO step | KiB read back / DPO step | kernels / token | dispatches / token | readbacks / token | KiB read / token |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of costs) console.log(row);
console.log('\nAutomatic choice (no ?backend=), default settings:\n');
console.log('| model size | what the badge says | chosen after |');
console.log('|---|---|---|');
for (const row of auto) console.log(row);
