import { describe, expect, it } from 'vitest';
import type { MetricName } from '../../src/core/dpo/metric-names';
import type { MetricPoint, EvalPoint } from '../../src/core/runs/run-record';
import type { PlaygroundConfig } from '../../src/core/settings/controls';
import { runCli } from '../integration/run-cli';
import { useApp } from './use-app';

interface RunData {
  config: PlaygroundConfig;
  history: MetricPoint[];
  evals: EvalPoint[];
  events: string[];
}

/** Short but real: offline DPO from the shipped model, evaluated at the start, midway and the end. */
const SETTINGS = { steps: 6, batch: 4, npairs: 16, evalevery: 3, evaln: 8, seed: 3, beta: 0.2 };

describe('a link and the command line with the same settings', () => {
  const app = useApp();

  it('train the same run: the same metric history, evaluations and events (page on WASM, CLI on WASM)', async () => {
    const hash = Object.entries(SETTINGS)
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
    const page = await app.open(`?backend=wasm#v=1&${hash}`);
    await page.getByTestId('gallery').getByTestId('caption').first().waitFor({ timeout: 120_000 });
    await page.getByTestId('train').click();
    await page.locator('[data-testid=runs-table] tr[data-status=done]').waitFor({ timeout: 300_000 });
    const inPage = await page.evaluate(() => {
      const runs = (window as unknown as { dpoPlayground: { runs: { list: (RunData & { status: string })[] } } }).dpoPlayground.runs.list;
      const run = runs.find((r) => r.status === 'done')!;
      return JSON.parse(JSON.stringify({ config: run.config, history: run.history, evals: run.evals, events: run.events })) as RunData;
    });

    const cli = runCli('train', [...Object.entries(SETTINGS).flatMap(([key, value]) => [`--${key}`, String(value)]), '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    // train --json prints one line holding a runs file, the page's export format.
    const line = cli.stdout.trim().split('\n').at(-1)!;
    const file = JSON.parse(line) as { format: string; runs: (RunData & { id: string; name: string })[] };
    expect(file.format).toBe('dpo-playground-runs');
    expect(file.runs).toHaveLength(1);
    const fromCli = file.runs[0]!;

    expect(fromCli.config).toEqual(inPage.config);
    expect(fromCli.events).toEqual(inPage.events);
    expect(fromCli.history.map((p) => p.step)).toEqual(inPage.history.map((p) => p.step));
    expect(fromCli.history.length).toBeGreaterThan(2);
    fromCli.history.forEach((point, i) => {
      const other = inPage.history[i]!.metrics;
      expect(Object.keys(point.metrics).sort()).toEqual(Object.keys(other).sort());
      // The same WebAssembly kernels in Node and in Chromium: equal up to float32 rounding.
      for (const [name, value] of Object.entries(point.metrics))
        expect(value, `${name} at step ${point.step}`).toBeCloseTo(other[name as MetricName]!, 4);
    });
    expect(fromCli.evals.map((e) => e.step)).toEqual([0, 3, 6]);
    expect(fromCli.evals).toEqual(inPage.evals);

    // ...and that line imports into the page as it is: a second row, with the CLI's name and numbers.
    await page.getByTestId('import-runs').setInputFiles({ name: 'train.json', mimeType: 'application/json', buffer: Buffer.from(line) });
    await page.getByText('Imported 1 run(s).').waitFor({ timeout: 10_000 });
    const imported = await page.evaluate((id) => {
      const runs = (window as unknown as { dpoPlayground: { runs: { list: (RunData & { id: string; name: string })[] } } }).dpoPlayground
        .runs.list;
      return JSON.parse(JSON.stringify(runs.find((r) => r.id === id))) as RunData & { name: string };
    }, fromCli.id);
    expect(imported.name).toBe(fromCli.name);
    expect(imported.evals).toEqual(inPage.evals);
    await page.locator('[data-testid=runs-table] tr[data-status=done]').nth(1).waitFor();
    expect(app.errors).toEqual([]);
  }, 420_000);
});
