/** Chart.js with only what the playground draws (tree-shaken), coloured from the page's theme. */
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip } from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, Legend, Tooltip);
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

export { Chart };
