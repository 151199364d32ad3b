/** Chart.js with only what the playground draws (tree-shaken), coloured from the page's theme. */
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Title, Tooltip } from 'chart.js';
import { layerOf } from './line-layer';
import { isBaseline } from './series';

// Legend and Title: the sweep's scatter plot and the PNG files (the page's line charts have an HTML legend).
Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, Legend, Title, Tooltip);
// Live charts redraw several times a second: animation would only cost main-thread time.
Chart.defaults.animation = false;

/** A colour of the page's theme (global.css), e.g. '--muted'. */
export function themeColour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * Axis text and grid lines in the theme's muted and border colours, larger in the presentation view. Charts read Chart.defaults
 * when they draw, so after a theme change `chart.update()` repaints them in the new colours.
 */
export function applyChartTheme(): void {
  Chart.defaults.color = themeColour('--muted') || '#9aa3b5';
  Chart.defaults.borderColor = themeColour('--border') || '#2a3040';
  // The presentation view is read from across a classroom.
  Chart.defaults.font.size = document.documentElement.classList.contains('present') ? 16 : 11;
}

/** What tests can read of a drawn chart: its plot area (canvas pixels), whether Chart.js draws a legend in the canvas, its lines. */
export interface ChartProbe {
  area: { left: number; top: number; right: number; bottom: number };
  canvasLegend: boolean;
  lines: { label: string; colour: string; baseline: boolean }[];
}

declare global {
  interface Window {
    /** Chart.js is bundled, so the page has no `Chart.getChart` of its own: the e2e tests ask this. */
    dpoChartProbe?: (canvas: HTMLCanvasElement) => ChartProbe | undefined;
  }
}

if (typeof window !== 'undefined') {
  window.dpoChartProbe = (canvas) => {
    const chart = Chart.getChart(canvas);
    if (!chart) return undefined;
    const { left, top, right, bottom } = chart.chartArea;
    // The page's line charts draw their lines themselves (line-layer.ts); the sweep's scatter plot has datasets.
    const layer = layerOf(chart);
    return {
      area: { left, top, right, bottom },
      canvasLegend: chart.options.plugins?.legend?.display !== false,
      lines: layer
        ? layer.drawn.map((l) => ({ label: l.label, colour: l.colour, baseline: isBaseline(l) }))
        : chart.data.datasets.map((d) => ({
            label: d.label ?? '',
            // The page's lines are drawn in plain CSS colours (lineDataset); a dataset with none reads as ''.
            colour: typeof d.borderColor === 'string' ? d.borderColor : '',
            baseline: (d.label ?? '').endsWith('(SFT start)'),
          })),
    };
  };
}

export { Chart };
