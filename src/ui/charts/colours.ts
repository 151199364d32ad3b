/**
 * Line colours, DOM-free. Several runs: each run keeps its hue (the runs table's swatch) and its
 * metrics get lighter or darker shades of it. One run: each metric gets its own hue. Shades stay in
 * a lightness band that reads on the theme's background (dark lines on light, light lines on dark).
 */
import { RUN_COLOURS } from '../../core/runs/run-record';

type Hsl = [h: number, s: number, l: number];

function toHsl(hex: string): Hsl {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return [0, 0, l];
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [h * 60, s, l];
}

function toHex([h, s, l]: Hsl): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** Lightness that stays visible on the panel: dark enough on the light theme, light enough on the dark one. */
const BAND = { light: [0.25, 0.62], dark: [0.42, 0.85] } as const;
const STEP = 0.13;

/**
 * The `index`-th shade of a run's colour: index 0 is the colour itself, then one step away from
 * the background (more contrast), one step towards it, then two steps, whichever stay in the band.
 */
export function shade(hex: string, index: number, light: boolean): string {
  if (index === 0) return hex;
  const [h, s, l] = toHsl(hex);
  const [lo, hi] = light ? BAND.light : BAND.dark;
  const base = Math.min(hi, Math.max(lo, l));
  const away = light ? -STEP : STEP;
  const candidates = [base + away, base - away, base + 2 * away, base - 2 * away].filter((c) => c >= lo && c <= hi);
  const target = candidates[index - 1] ?? Math.min(hi, Math.max(lo, base + index * away));
  return toHex([h, s, target]);
}

/** Hues for one run's metrics, after the run's own colour (pale grey, pink and yellow fade on a light panel). */
const METRIC_HUES = RUN_COLOURS.filter((c) => !['#bab0ac', '#ff9da7', '#edc948'].includes(c));

/** The `index`-th metric's colour when one run is shown: the run's colour, then distinct hues. */
export function metricHue(runColour: string, index: number, light: boolean): string {
  if (index === 0) return runColour;
  const hue = METRIC_HUES.filter((c) => c !== runColour)[(index - 1) % (METRIC_HUES.length - 1)]!;
  const [h, s, l] = toHsl(hue);
  const [lo, hi] = light ? BAND.light : BAND.dark;
  return toHex([h, s, Math.min(hi, Math.max(lo, l))]);
}
