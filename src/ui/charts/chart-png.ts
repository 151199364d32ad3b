/**
 * A chart as a PNG file for reports: drawn again off screen at 1200 x 750 on the panel's colour,
 * with its title and Chart.js's legend underneath (room enough there for every line's name).
 */
import { applyChartTheme, Chart, themeColour } from './chart-setup';
import { lineDataset, type LineSeries } from './series';

export function chartPng(title: string, lines: readonly LineSeries[]): string {
  applyChartTheme();
  const font = { size: 15 };
  const canvas = document.createElement('canvas');
  canvas.width = 1200;
  canvas.height = 750;
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      datasets: lines.map((l) => lineDataset(l, { line: 2.5, baseline: 1.5 })),
    },
    options: {
      responsive: false,
      devicePixelRatio: 1,
      parsing: false,
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: 'step', font }, ticks: { font } },
        y: { type: 'linear', ticks: { font } },
      },
      plugins: {
        title: { display: true, text: title, font: { size: 20 } },
        legend: {
          position: 'bottom',
          labels: { font, usePointStyle: true, boxHeight: 9, filter: (item) => !item.text.endsWith('(SFT start)') },
        },
      },
    },
    plugins: [
      {
        id: 'background',
        beforeDraw: (c) => {
          c.ctx.fillStyle = themeColour('--panel') || '#ffffff';
          c.ctx.fillRect(0, 0, c.width, c.height);
        },
      },
    ],
  });
  const png = chart.toBase64Image('image/png', 1);
  chart.destroy();
  return png;
}
