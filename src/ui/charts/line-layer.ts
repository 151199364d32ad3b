/**
 * The page's line charts: Chart.js draws the axes, the grid and the ticks; the lines, their markers,
 * the hovered point and its tooltip are drawn here, in one pass over the canvas. Chart.js keeps a
 * controller, elements and resolved options for each dataset and recomputes them all on every
 * update, which with hundreds of runs overlaid (a line per run and metric, a chart of 200 runs has
 * up to 600) cost about a second per shown or hidden run. Here a chart holds a single invisible
 * dataset, the lines' bounding box, so Chart.js scales and lays out the plot exactly as it did from
 * the lines themselves (same tick range, same padding), and a redraw costs a path per line.
 * Long lines are thinned to the plot's width (thinPoints) when drawn; the stored points are not.
 * What it draws mirrors Chart.js's own line datasets: the same widths, dashes, caps and joins, the
 * same markers (markerPlan) and geometry, the same clipping, the last line under the first.
 */
import { Chart, type ChartDataset, type Plugin } from 'chart.js';
import { isBaseline, markerPlan, thinPoints, type LineSeries, type Marker, type Point } from './series';

/** The hovered point's radius (Chart.js's pointHoverRadius, which the page's charts set to 4). */
const HOVER_RADIUS = 4;
/** Chart.js lets a line dataset draw this far beyond the plot (its hover radius and point border), except below x = 0. */
const OVERFLOW = HOVER_RADIUS + 1;
/** A tooltip lists at most this many lines (with hundreds of runs, their baselines can share a point). */
const TOOLTIP_LINES = 10;

interface Extent {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

const extents = new WeakMap<readonly Point[], Extent | null>();

/** The finite bounds of a line's points (memoised per points array: an unchanged line is not read again). */
function extentOf(points: readonly Point[]): Extent | null {
  let known = extents.get(points);
  if (known !== undefined) return known;
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const { x, y } of points) {
    if (!Number.isFinite(x)) continue;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    if (!Number.isFinite(y)) continue;
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  known = xMin <= xMax && yMin <= yMax ? { xMin, xMax, yMin, yMax } : null;
  extents.set(points, known);
  return known;
}

const thinned = new WeakMap<readonly Point[], { buckets: number; points: readonly Point[] }>();

function pathPoints(points: readonly Point[], buckets: number): readonly Point[] {
  const known = thinned.get(points);
  if (known?.buckets === buckets) return known.points;
  const result = thinPoints(points, buckets);
  thinned.set(points, { buckets, points: result });
  return result;
}

const SIN_120 = Math.sin((2 * Math.PI) / 3);

function crossRot(ctx: CanvasRenderingContext2D, x: number, y: number, d: number): void {
  ctx.moveTo(x - d, y - d);
  ctx.lineTo(x + d, y + d);
  ctx.moveTo(x + d, y - d);
  ctx.lineTo(x - d, y + d);
}

/** A marker as a subpath at (x, y): Chart.js's drawPoint geometry (rotation 0), to fill and stroke many in one go. */
function markerPath(ctx: CanvasRenderingContext2D, style: Marker | undefined, x: number, y: number, r: number): void {
  const d = Math.SQRT1_2 * r;
  switch (style) {
    case 'triangle':
      ctx.moveTo(x, y - r);
      ctx.lineTo(x + SIN_120 * r, y + 0.5 * r);
      ctx.lineTo(x - SIN_120 * r, y + 0.5 * r);
      ctx.closePath();
      break;
    case 'rect':
      ctx.rect(x - d, y - d, 2 * d, 2 * d);
      break;
    case 'rectRot':
      ctx.moveTo(x - r, y);
      ctx.lineTo(x, y - r);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r);
      ctx.closePath();
      break;
    case 'star':
      // A cross and a rotated cross.
      ctx.moveTo(x - r, y);
      ctx.lineTo(x + r, y);
      ctx.moveTo(x, y - r);
      ctx.lineTo(x, y + r);
      crossRot(ctx, x, y, d);
      break;
    case 'crossRot':
      crossRot(ctx, x, y, d);
      break;
    default:
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.closePath();
  }
}

interface Hovered {
  line: LineSeries;
  point: Point;
}

/** The lines of one chart on its canvas (see the top of this file). */
export class LineLayer {
  readonly chart: Chart<'line'>;
  private lines: readonly LineSeries[] = [];
  private hovered: Hovered[] = [];
  private pointer: { x: number; y: number } | undefined;
  private pendingPointer = false;
  /** Near the viewport (an IntersectionObserver says), for lazy drawing (see show). */
  private inView = false;
  private stale = false;
  private readonly observer: IntersectionObserver | undefined;

  constructor(canvas: HTMLCanvasElement) {
    const frame: ChartDataset<'line', Point[]> = {
      label: '',
      data: [],
      showLine: false,
      borderWidth: 0,
      pointRadius: 0,
      // Only its size counts: Chart.js pads the plot by it, as it did for the lines.
      pointHoverRadius: HOVER_RADIUS,
      pointHitRadius: 0,
    };
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets: [frame] },
      options: {
        parsing: false,
        normalized: true,
        maintainAspectRatio: false,
        // The pointer is followed here (Chart.js would look for the nearest of its own elements).
        events: [],
        scales: {
          x: { type: 'linear', title: { display: true, text: 'step' }, min: 0 },
          y: { type: 'linear' },
        },
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
      },
      plugins: [lineLayerPlugin],
    });
    layers.set(this.chart, this);
    if (typeof IntersectionObserver === 'function') {
      this.observer = new IntersectionObserver(
        (entries) => {
          this.inView = entries.at(-1)!.isIntersecting;
          if (this.inView && this.stale) this.redraw();
        },
        // A little ahead: a chart is drawn as it scrolls into sight.
        { rootMargin: '200px 0px' },
      );
      this.observer.observe(canvas);
    } else this.inView = true;
    // pointerdown too: a tap on a touch screen shows the nearest point, as Chart.js's touchstart did.
    canvas.addEventListener('pointerdown', this.onPointer);
    canvas.addEventListener('pointermove', this.onPointer);
    canvas.addEventListener('pointerleave', this.onLeave);
  }

  /** The lines drawn now (the e2e probe reads them). */
  get drawn(): readonly LineSeries[] {
    return this.lines;
  }

  /**
   * Draw `lines` (the x axis reaching at least `xMax`): a Chart.js update of the one frame dataset,
   * then the lines. `lazy` (a chart of many runs): out of sight, the chart is drawn when the
   * browser is idle or when it scrolls into view, whichever comes first, so that showing or hiding
   * a run from the runs table is not held up by a dozen charts nobody sees at that moment (with
   * hundreds of runs each costs tens of milliseconds). The lines are taken at once either way.
   */
  show(lines: readonly LineSeries[], xMax: number, lazy = false): void {
    const x = this.chart.options.scales?.x;
    // The same lines (the same objects: series.ts keeps an unchanged run's) and axis: nothing to do.
    if (lines.length === this.lines.length && lines.every((l, i) => l === this.lines[i]) && x?.suggestedMax === xMax) return;
    this.lines = lines;
    let box: Extent | null = null;
    for (const line of lines) {
      const e = extentOf(line.points);
      if (!e) continue;
      box = box
        ? {
            xMin: Math.min(box.xMin, e.xMin),
            xMax: Math.max(box.xMax, e.xMax),
            yMin: Math.min(box.yMin, e.yMin),
            yMax: Math.max(box.yMax, e.yMax),
          }
        : e;
    }
    this.chart.data.datasets[0]!.data = box
      ? [
          { x: box.xMin, y: box.yMin },
          { x: box.xMax, y: box.yMax },
        ]
      : [];
    if (x) x.suggestedMax = xMax;
    if (this.pointer) this.hovered = this.nearest(this.pointer.x, this.pointer.y);
    if (!lazy || this.inView) this.redraw();
    else this.later();
  }

  /** Lay the chart out again and draw it (after a change of lines or of theme). */
  redraw(): void {
    this.stale = false;
    this.chart.update('none');
  }

  private later(): void {
    if (this.stale) return;
    this.stale = true;
    whenIdle(() => {
      if (this.stale && layers.has(this.chart)) this.redraw();
    });
  }

  destroy(): void {
    layers.delete(this.chart);
    this.observer?.disconnect();
    const canvas = this.chart.canvas;
    canvas.removeEventListener('pointerdown', this.onPointer);
    canvas.removeEventListener('pointermove', this.onPointer);
    canvas.removeEventListener('pointerleave', this.onLeave);
    this.chart.destroy();
  }

  private readonly onPointer = (event: PointerEvent) => {
    const box = this.chart.canvas.getBoundingClientRect();
    this.pointer = { x: event.clientX - box.left, y: event.clientY - box.top };
    // At most one search and redraw per frame, however fast the pointer moves.
    if (this.pendingPointer) return;
    this.pendingPointer = true;
    requestAnimationFrame(() => {
      this.pendingPointer = false;
      if (!layers.has(this.chart)) return; // destroyed meanwhile
      const { x, y } = this.pointer ?? { x: NaN, y: NaN };
      const area = this.chart.chartArea;
      // As Chart.js: outside the plot the last hovered point stays.
      if (!area || x < area.left || x > area.right || y < area.top || y > area.bottom) return;
      const next = this.nearest(x, y);
      if (next.length === this.hovered.length && next.every((h, i) => h.point === this.hovered[i]!.point)) return;
      this.hovered = next;
      this.chart.render();
    });
  };

  private readonly onLeave = () => {
    this.pointer = undefined;
    if (this.hovered.length === 0) return;
    this.hovered = [];
    this.chart.render();
  };

  /** The points nearest to (x, y) in pixels (Chart.js's 'nearest' mode without intersecting: all at the least distance). */
  private nearest(x: number, y: number): Hovered[] {
    const { x: xs, y: ys } = this.chart.scales;
    if (!xs || !ys) return [];
    let best = Infinity;
    let found: Hovered[] = [];
    for (const line of this.lines) {
      for (const point of line.points) {
        if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) continue;
        const d = Math.hypot(xs.getPixelForValue(point.x) - x, ys.getPixelForValue(point.y) - y);
        if (d < best - 1e-9) {
          best = d;
          found = [{ line, point }];
        } else if (Math.abs(d - best) <= 1e-9) found.push({ line, point });
      }
    }
    return found;
  }

  /** Every line, the last one first (Chart.js draws the first dataset on top), clipped as Chart.js clips a line dataset. */
  drawLines(): void {
    const { ctx, chartArea: area, scales } = this.chart;
    const xs = scales.x;
    const ys = scales.y;
    if (!area || !xs || !ys || this.lines.length === 0) return;
    const buckets = Math.max(1, Math.round(area.width));
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top - OVERFLOW, area.width + OVERFLOW, area.height + 2 * OVERFLOW);
    ctx.clip();
    ctx.lineCap = 'butt';
    ctx.lineJoin = 'miter';
    ctx.lineDashOffset = 0;
    // Runs that start from the same model share their baseline: one line of each colour is drawn,
    // not one per run on top of each other (with many runs, most of a chart's painting).
    const baselines = new Set<string>();
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const line = this.lines[i]!;
      if (isBaseline(line)) {
        const key = `${line.colour} ${line.dash.join()} ${line.points.map((p) => `${p.x},${p.y}`).join(' ')}`;
        if (baselines.has(key)) continue;
        baselines.add(key);
      }
      const path = pathPoints(line.points, buckets);
      ctx.strokeStyle = line.colour;
      ctx.fillStyle = line.colour;
      if (path.length > 1) {
        ctx.lineWidth = isBaseline(line) ? 1 : 2;
        ctx.setLineDash(line.dash);
        ctx.beginPath();
        let open = false;
        for (const p of path) {
          if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
            open = false;
            continue;
          }
          const px = xs.getPixelForValue(p.x);
          const py = ys.getPixelForValue(p.y);
          if (open) ctx.lineTo(px, py);
          else ctx.moveTo(px, py);
          open = true;
        }
        ctx.stroke();
      }
      const plan = markerPlan(line);
      if (!plan) continue;
      const n = line.points.length;
      ctx.setLineDash([]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      // Every `every`-th point and the last one.
      for (let j = 0; j < n; j = j === n - 1 ? n : Math.min(j + plan.every, n - 1)) {
        const p = line.points[j]!;
        if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
        markerPath(ctx, line.marker, xs.getPixelForValue(p.x), ys.getPixelForValue(p.y), plan.radius);
      }
      ctx.fill();
      ctx.stroke();
    }
    ctx.restore();
  }

  /** The hovered points, larger, and a tooltip as Chart.js draws one (its colours, padding, caret and colour boxes). */
  drawHover(): void {
    if (this.hovered.length === 0) return;
    const { ctx, scales, chartArea: area } = this.chart;
    const xs = scales.x;
    const ys = scales.y;
    if (!xs || !ys || !area) return;
    const at = this.hovered.map(({ point }) => ({ x: xs.getPixelForValue(point.x), y: ys.getPixelForValue(point.y) }));
    ctx.save();
    ctx.lineWidth = 1;
    for (const [i, { line }] of this.hovered.entries()) {
      ctx.beginPath();
      ctx.strokeStyle = line.colour;
      ctx.fillStyle = line.colour;
      markerPath(ctx, line.marker, at[i]!.x, at[i]!.y, HOVER_RADIUS);
      ctx.fill();
      ctx.stroke();
    }

    const defaults = Chart.defaults.font;
    const size = typeof defaults.size === 'number' ? defaults.size : 12;
    const family = defaults.family ?? 'sans-serif';
    const title = xs.getLabelForValue(this.hovered[0]!.point.x);
    const shown = this.hovered.slice(0, TOOLTIP_LINES);
    const body = shown.map(({ line, point }) => `${line.label}: ${ys.getLabelForValue(point.y)}`);
    if (this.hovered.length > shown.length) body.push(`and ${this.hovered.length - shown.length} more`);
    const padding = 6;
    const box = size;
    const lineHeight = size * 1.2;
    ctx.font = `bold ${size}px ${family}`;
    const titleWidth = ctx.measureText(title).width;
    ctx.font = `${size}px ${family}`;
    const bodyWidth = Math.max(...body.map((text, i) => ctx.measureText(text).width + (i < shown.length ? box + 2 : 0)));
    const width = Math.max(titleWidth, bodyWidth) + 2 * padding;
    const height = 2 * padding + lineHeight + 6 + body.length * lineHeight + (body.length - 1) * 2;
    const cx = at.reduce((s, p) => s + p.x, 0) / at.length;
    const cy = at.reduce((s, p) => s + p.y, 0) / at.length;
    const caret = 5;
    const right = cx <= (area.left + area.right) / 2;
    const left = right ? cx + caret + 2 : cx - caret - 2 - width;
    const top = Math.min(Math.max(cy - height / 2, 0), this.chart.height - height);

    ctx.fillStyle = 'rgba(0,0,0,0.8)';
    ctx.beginPath();
    ctx.roundRect(left, top, width, height, 6);
    ctx.fill();
    ctx.beginPath();
    const edge = right ? left : left + width;
    const tip = right ? edge - caret : edge + caret;
    const caretY = Math.min(Math.max(cy, top + 6 + caret), top + height - 6 - caret);
    ctx.moveTo(edge, caretY - caret);
    ctx.lineTo(tip, caretY);
    ctx.lineTo(edge, caretY + caret);
    ctx.fill();

    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillStyle = '#fff';
    ctx.font = `bold ${size}px ${family}`;
    ctx.fillText(title, left + padding, top + padding + lineHeight / 2);
    ctx.font = `${size}px ${family}`;
    body.forEach((text, i) => {
      const y = top + padding + lineHeight + 6 + i * (lineHeight + 2);
      let x = left + padding;
      const line = shown[i]?.line;
      if (line) {
        ctx.fillStyle = '#fff';
        ctx.fillRect(x, y + (lineHeight - box) / 2, box, box);
        ctx.fillStyle = line.colour;
        ctx.fillRect(x + 1, y + (lineHeight - box) / 2 + 1, box - 2, box - 2);
        x += box + 2;
      }
      ctx.fillStyle = '#fff';
      ctx.fillText(text, x, y + lineHeight / 2);
    });
    ctx.restore();
  }
}

/** Run `task` when the browser is idle, within a second at the latest. */
export function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(task, 200);
}

const layers = new WeakMap<Chart, LineLayer>();

/** The layer drawing a chart's lines, if it is one of the page's line charts. */
export function layerOf(chart: Chart): LineLayer | undefined {
  return layers.get(chart);
}

const lineLayerPlugin: Plugin<'line'> = {
  id: 'dpoLineLayer',
  afterDatasetsDraw: (chart) => layers.get(chart)?.drawLines(),
  afterDraw: (chart) => layers.get(chart)?.drawHover(),
};
