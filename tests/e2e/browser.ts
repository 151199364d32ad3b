import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createServer, preview } from 'vite';

/** Debian's Chromium: real WebGPU (SwiftShader when there is no GPU) with --enable-unsafe-webgpu. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface AppSession {
  browser: Browser;
  server: { close(): Promise<void> };
  baseUrl: string;
  /** Messages the page or its worker printed as errors. */
  errors: string[];
  /** A page of its own browser context (its own storage), or a new tab of `context` (shared storage, as tabs share it). */
  open(path?: string, context?: BrowserContext): Promise<Page>;
  /**
   * Open with WebGPU forced (?backend=webgpu: the automatic choice would pick WASM on
   * SwiftShader) and wait until the model is loaded (the gallery shows captions).
   */
  openOnWebgpu(path?: string, context?: BrowserContext): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Serve the built app (dist/, from `npm run build`) and drive it in headless Chromium. The server
 * sends vite.config.ts's cross-origin isolation headers unless `isolated` is false (the bench uses
 * that to measure WASM without threads). `dev` serves the sources with Vite's dev server instead,
 * as `npm start` does.
 */
export async function startApp(options: { isolated?: boolean; dev?: boolean } = {}): Promise<AppSession> {
  const headers =
    options.isolated === false ? { 'Cross-Origin-Opener-Policy': 'unsafe-none', 'Cross-Origin-Embedder-Policy': 'unsafe-none' } : undefined;
  const server = options.dev
    ? await (await createServer({ server: { port: 0, strictPort: false, open: false }, logLevel: 'error' })).listen()
    : await preview({ preview: { port: 0, strictPort: false, open: false, headers }, logLevel: 'error' });
  const baseUrl = server.resolvedUrls?.local[0];
  if (!baseUrl) throw new Error('vite preview did not report a URL');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const errors: string[] = [];
  const open = async (path = '', context?: BrowserContext) => {
    const page = context ? await context.newPage() : await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Scripts run by tsx (npm run screenshot, bench:browser) compile with esbuild's keepNames, which
    // wraps named functions in page.evaluate callbacks in a __name helper the page lacks.
    await page.addInitScript('globalThis.__name ??= (fn) => fn;');
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL(path, baseUrl).href);
    return page;
  };
  return {
    browser,
    server,
    baseUrl,
    errors,
    open,
    async openOnWebgpu(path = '', context?: BrowserContext) {
      const page = await open(path.startsWith('?') ? path : `?backend=webgpu${path}`, context);
      await page.locator('[data-testid=backend-badge][data-backend=webgpu]').waitFor({ timeout: 120_000 });
      await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 240_000 });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's violations on the page as it is now: "rule (impact): first offending elements". */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  type Result = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  const result = await page.evaluate(() => (window as unknown as { axe: { run(context: Document): Promise<Result> } }).axe.run(document));
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ')}`,
  );
}

/**
 * Wait until IndexedDB holds every run the page shows, as it shows it (id, status and step): the
 * page writes changed runs at most every 500 ms, so a reload right after a change could miss it.
 * The database is only read once the page has made it (opening it first would make it without
 * the page's object store).
 */
export async function runsStored(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    async () => {
      const shown = (window as unknown as { dpoPlayground: { runs: { list: { id: string; status: string; step: number }[] } } })
        .dpoPlayground.runs.list;
      const databases = await indexedDB.databases();
      if (shown.length === 0 || !databases.some((d) => d.name === 'dpo-playground-runs')) return false;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('dpo-playground-runs');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('could not open the runs database'));
      });
      try {
        if (!db.objectStoreNames.contains('runs')) return false;
        const stored = await new Promise<{ id: string; status: string; step: number }[]>((resolve, reject) => {
          const request = db.transaction('runs').objectStore('runs').getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error ?? new Error('could not read the stored runs'));
        });
        const key = (r: { id: string; status: string; step: number }) => `${r.id} ${r.status} ${r.step}`;
        return JSON.stringify(shown.map(key).sort()) === JSON.stringify(stored.map(key).sort());
      } finally {
        db.close();
      }
    },
    null,
    { polling: 100, timeout },
  );
}

/**
 * Wait until the charts are drawn as they will stay: Chart.js resizes on a ResizeObserver and
 * draws on a later frame, so wait until every canvas, its box and its plot area, stays as it is
 * for five frames in a row.
 */
export async function chartsSettled(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((done) => {
        let last = '';
        let same = 0;
        const frame = () => {
          const now = JSON.stringify(
            [...document.querySelectorAll('canvas')].map((canvas) => {
              const { width, height, left, top } = canvas.getBoundingClientRect();
              return [width, height, left, top, canvas.width, canvas.height, window.dpoChartProbe?.(canvas)?.area];
            }),
          );
          same = now === last ? same + 1 : 0;
          last = now;
          if (same >= 5) done();
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
  );
}
