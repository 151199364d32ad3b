import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
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
  open(path?: string): Promise<Page>;
  /**
   * Open with WebGPU forced (?backend=webgpu: the automatic choice would pick WASM on
   * SwiftShader) and wait until the model is loaded (the gallery shows captions).
   */
  openOnWebgpu(path?: string): Promise<Page>;
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
  const open = async (path = '') => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
    async openOnWebgpu(path = '') {
      const page = await open(path.startsWith('?') ? path : `?backend=webgpu${path}`);
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
