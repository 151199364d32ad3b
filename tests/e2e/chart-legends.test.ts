/**
 * Charts stay readable with five runs overlaid: at 1440 px (dark), on a phone (390 px, light) and in
 * the presentation view (1280 x 720), no legend covers a plot, the plot keeps most of its canvas,
 * every line is in the legend, and every line of a chart has its own colour. Runs are made up
 * (five-runs.ts) and put in the page directly: no training.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChartProbe } from '../../src/ui/charts/chart-setup';
import { chartsSettled } from './browser';
import { fiveRuns, showRuns } from './five-runs';
import { useApp } from './use-app';

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface ChartReport {
  id: string;
  canvas: Box;
  probe: ChartProbe | undefined;
  legend: Box | null;
  entries: { colour: string; box: Box }[];
  figure: Box;
  background: string;
}

const app = useApp();
let page: Page;

beforeAll(async () => {
  // WASM: the quickest backend to start; the model is not needed here.
  page = await app.open('?backend=wasm');
  await showRuns(page, fiveRuns());
  await page.locator('[data-testid=chart-categories]:not([data-points="0"])').waitFor();
});

// Nothing the page printed as an error (a Svelte each-block key clash for runs of one name, say).
afterEach(() => expect(app.errors).toEqual([]));

/** Chart.js resizes on a ResizeObserver and draws on a later frame. */
const settle = () => chartsSettled(page);

/** Every chart under `scope`: its canvas, plot area and lines (window.dpoChartProbe), its HTML legend and entries, in page pixels. */
function inspect(scope = 'main'): Promise<ChartReport[]> {
  return page.evaluate((scope) => {
    const box = (r: DOMRect): Box => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const container = document.querySelector<HTMLElement>(scope)!;
    const charts = container.matches('dialog')
      ? [container]
      : [...container.querySelectorAll<HTMLElement>('figure[data-testid^="chart-"]')];
    return charts.map((el) => {
      const canvas = el.querySelector<HTMLCanvasElement>('.canvas canvas')!;
      const legend = el.querySelector<HTMLElement>('[data-testid$="-legend"]');
      return {
        id: el.dataset.testid!,
        canvas: box(canvas.getBoundingClientRect()),
        probe: window.dpoChartProbe?.(canvas),
        legend: legend ? box(legend.getBoundingClientRect()) : null,
        entries: [...(legend?.querySelectorAll<HTMLElement>('[data-testid=legend-entry]') ?? [])].map((e) => ({
          colour: e.dataset.colour!,
          box: box(e.getBoundingClientRect()),
        })),
        figure: box(el.getBoundingClientRect()),
        background: getComputedStyle(el).backgroundColor,
      };
    });
  }, scope);
}

const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const inside = (a: Box, b: Box) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;

/** WCAG relative luminance of '#rrggbb' or 'rgb(r, g, b)'. */
function luminance(colour: string): number {
  const channels = colour.startsWith('#') ? [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)) : colour.match(/\d+/g)!.map(Number);
  const [r, g, b] = channels.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/** What is wrong with the charts, in words (empty when every chart is readable). */
function problems(reports: ChartReport[], viewportWidth: number): string[] {
  const found: string[] = [];
  for (const r of reports) {
    const say = (what: string) => found.push(`${r.id}: ${what}`);
    if (!r.probe) {
      say('no Chart.js chart on its canvas');
      continue;
    }
    const a = r.probe.area;
    const plot = {
      left: r.canvas.left + a.left,
      top: r.canvas.top + a.top,
      right: r.canvas.left + a.right,
      bottom: r.canvas.top + a.bottom,
    };
    const [height, width] = [r.canvas.bottom - r.canvas.top, r.canvas.right - r.canvas.left];
    // A legend drawn in the canvas takes the plot's room (three rows left 40 px of plot).
    if (plot.bottom - plot.top < Math.max(100, 0.6 * height))
      say(`plot ${Math.round(plot.bottom - plot.top)} px high in a ${height} px canvas`);
    if (plot.right - plot.left < 0.6 * width) say(`plot ${Math.round(plot.right - plot.left)} px wide in a ${width} px canvas`);
    if (r.canvas.right > viewportWidth + 1) say('canvas runs off the screen');
    const lines = r.probe.lines.filter((l) => !l.baseline);
    if (lines.length === 0) continue;
    if (!r.legend) {
      say('no legend');
      continue;
    }
    if (overlap(r.legend, plot)) say('legend covers the plot');
    if (r.entries.length !== lines.length) say(`${r.entries.length} legend entries for ${lines.length} lines`);
    const cut = r.entries.filter((e) => !inside(e.box, r.figure) || e.box.right > viewportWidth + 1 || e.box.right - e.box.left < 20);
    if (cut.length > 0) say(`${cut.length} legend entries cut off`);
    const colours = lines.map((l) => l.colour);
    if (new Set(colours).size !== colours.length) say(`lines share colours: ${colours.join(' ')}`);
    if ([...r.entries.map((e) => e.colour)].sort().join() !== [...colours].sort().join()) say('legend colours differ from the lines');
    const faint = colours.filter((c) => contrast(c, r.background) < 1.8);
    if (faint.length > 0) say(`lines too faint on ${r.background}: ${faint.join(' ')}`);
  }
  return found;
}

const linesOf = (reports: ChartReport[], id: string) =>
  reports.find((r) => r.id === `chart-${id}`)?.probe?.lines.filter((l) => !l.baseline) ?? [];

describe('chart legends and colours with five runs', () => {
  it('at 1440 px in dark colours: every chart readable, one colour per line, a category selector for the accuracies', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await settle();
    const reports = await inspect();
    expect(reports.map((r) => r.id)).toContain('chart-judge-scores'); // online runs bring the online charts
    expect(problems(reports, 1440)).toEqual([]);
    expect(linesOf(reports, 'loss')).toHaveLength(5);
    expect(linesOf(reports, 'rewards')).toHaveLength(15);
    // Six categories x five runs would be thirty lines: one category at a time, one line per run.
    expect(linesOf(reports, 'categories').map((l) => l.label)).toEqual(fiveRuns().map((r) => `${r.name} existence`));
    await page.getByTestId('chart-categories-pick').selectOption('eval:acc_counting');
    await settle();
    expect(linesOf(await inspect(), 'categories').every((l) => l.label.endsWith(' counting'))).toBe(true);
  });

  it('a chart opens large in a dialog, readable too, and Escape closes it', async () => {
    const enlarge = page.getByTestId('chart-rewards-enlarge');
    await enlarge.click();
    const dialog = page.getByTestId('chart-rewards-dialog');
    await dialog.waitFor();
    await settle();
    const [large] = await inspect('[data-testid=chart-rewards-dialog]');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(large!.canvas.bottom - large!.canvas.top).toBeGreaterThan(400);
    expect(problems([large!], 1440)).toEqual([]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('chart-rewards-enlarge');
  });

  it('on a phone (390 px) in light colours: every chart readable, nothing wider than the screen', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 390, height: 844 });
    await settle();
    expect(problems(await inspect(), 390)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it("in the presentation view at 1280 x 720: the lesson's key charts first and large, all readable", async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('lesson').selectOption('counting-relations');
    await page.getByTestId('present-toggle').click();
    await settle();
    const key = await inspect('[data-testid=key-charts]');
    expect(key.map((r) => r.id)).toEqual(['chart-categories', 'chart-hallucination']);
    for (const r of key) expect(r.canvas.bottom - r.canvas.top).toBeGreaterThanOrEqual(300);
    expect(problems(await inspect(), 1280)).toEqual([]);
  });

  it('with one run shown: each metric in its own colour, the accuracies all on one chart', async () => {
    await page.getByTestId('present-toggle').click();
    type Handle = { dpoPlayground: { runs: { update(id: string, change: { visible: boolean }): void } } };
    await page.evaluate(
      (ids) => ids.forEach((id) => (window as unknown as Handle).dpoPlayground.runs.update(id, { visible: false })),
      fiveRuns()
        .slice(1)
        .map((r) => r.id),
    );
    await page.getByTestId('chart-categories-pick').selectOption('all');
    await settle();
    const reports = await inspect();
    expect(problems(reports, 1280)).toEqual([]);
    expect(linesOf(reports, 'categories')).toHaveLength(6);
    expect(linesOf(reports, 'rewards')).toHaveLength(3);
  });
});
