/**
 * Line charts as SVG strings: one or more panels on a grid (small multiples share the legend), each with
 * round-numbered axes, grid lines, optional ±std bands, reference guides and vertical markers.
 * No DOM and no browser: the output is plain markup, valid XML, with no external references.
 *
 * Markup contract (tests and readers rely on it): every data series is one `<g class="series"
 * data-name="…">` per panel, reference lines are `<g class="guide" …>`, and the legend is `<g class="legend">`.
 */
import { linear, niceAxis, tickLabel, type Axis } from './scale.js';
import { esc, num, tag } from './xml.js';

export type Point = readonly [number, number];

export interface Series {
  name: string;
  colour: string;
  /** stroke-dasharray, to tell series apart beyond the palette. */
  dash?: string;
  /** One or more polylines (e.g. one per seed); non-finite points are dropped. */
  lines: Point[][];
  /** A shaded band (mean ± std) drawn under the lines. */
  band?: { x: number; lo: number; hi: number }[];
  /** Line width in px (default 2). */
  width?: number;
}

export interface Panel {
  title?: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Reference lines (the random policy): drawn first, listed in the legend, not counted as series. */
  guides?: Series[];
  /** Vertical dashed markers, e.g. the training budget. */
  markers?: { x: number; label: string }[];
}

export interface Chart {
  title: string;
  panels: Panel[];
  /** Panels per row (default 1). */
  columns?: number;
  /** Height of one panel in px (default 320). */
  panelHeight?: number;
  /** Total width in px (default 860). */
  width?: number;
  /** One y axis for every panel, so small multiples compare at a glance (default false). */
  sharedY?: boolean;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
const MARGIN = { left: 64, right: 14, top: 26, bottom: 44 };
const TITLE_HEIGHT = 34;

/** Okabe–Ito colours (distinguishable with colour-vision deficiencies), then a few darker extras. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#8C6D00', '#000000', '#7F3C8D', '#11A579'];
/** Dash patterns cycled once the palette is used up, so every method stays distinguishable. */
const DASHES = [undefined, '6 3', '2 3', '8 3 2 3'];

/** Colour and dash of the k-th series. */
export function seriesStyle(k: number): { colour: string; dash?: string } {
  return { colour: PALETTE[k % PALETTE.length], dash: DASHES[Math.floor(k / PALETTE.length) % DASHES.length] };
}

function finite(p: Point): boolean {
  return Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

/** Axes covering every line, band, guide and marker of the panels. */
function axesOf(panels: readonly Panel[]): { x: Axis; y: Axis } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of panels) {
    for (const s of [...p.series, ...(p.guides ?? [])]) {
      for (const pt of s.lines.flat().filter(finite)) {
        xs.push(pt[0]);
        ys.push(pt[1]);
      }
      for (const b of s.band ?? []) if (Number.isFinite(b.lo) && Number.isFinite(b.hi)) ys.push(b.lo, b.hi);
    }
    for (const m of p.markers ?? []) xs.push(m.x);
  }
  const min = (v: number[]): number => v.reduce((a, b) => Math.min(a, b), Infinity);
  const max = (v: number[]): number => v.reduce((a, b) => Math.max(a, b), -Infinity);
  return { x: niceAxis(min(xs), max(xs), 6), y: niceAxis(min(ys), max(ys), 5) };
}

function polyline(points: Point[], sx: (v: number) => number, sy: (v: number) => number, s: Series): string {
  const pts = points.filter(finite).map(([x, y]) => `${num(sx(x))},${num(sy(y))}`);
  if (pts.length === 0) return '';
  return tag('polyline', {
    points: pts.join(' '),
    fill: 'none',
    stroke: s.colour,
    'stroke-width': s.width ?? 2,
    'stroke-dasharray': s.dash,
    'stroke-linejoin': 'round',
  });
}

function band(s: Series, sx: (v: number) => number, sy: (v: number) => number): string {
  const b = (s.band ?? []).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.lo) && Number.isFinite(p.hi));
  if (b.length < 2) return '';
  const upper = b.map((p) => `${num(sx(p.x))},${num(sy(p.hi))}`);
  const lower = b.map((p) => `${num(sx(p.x))},${num(sy(p.lo))}`).reverse();
  return tag('path', { d: `M${upper.join('L')}L${lower.join('L')}Z`, fill: s.colour, 'fill-opacity': 0.15, stroke: 'none' });
}

/** One panel inside the box (x0, y0, w, h); `sharedY` replaces the panel's own y axis. */
function renderPanel(p: Panel, x0: number, y0: number, w: number, h: number, sharedY?: Axis): string {
  const own = axesOf([p]);
  const x = own.x;
  const y = sharedY ?? own.y;
  const left = x0 + MARGIN.left;
  const right = x0 + w - MARGIN.right;
  const top = y0 + MARGIN.top;
  const bottom = y0 + h - MARGIN.bottom;
  const sx = linear(x, left, right);
  const sy = linear(y, bottom, top);
  const parts: string[] = [tag('rect', { x: num(left), y: num(top), width: num(right - left), height: num(bottom - top), fill: '#ffffff', stroke: '#cccccc' })];
  for (const t of x.ticks) {
    const px = num(sx(t));
    parts.push(tag('line', { x1: px, x2: px, y1: num(top), y2: num(bottom), stroke: '#ececec' }));
    parts.push(tag('text', { x: px, y: num(bottom + 16), 'text-anchor': 'middle' }, esc(tickLabel(t, x))));
  }
  for (const t of y.ticks) {
    const py = num(sy(t));
    parts.push(tag('line', { x1: num(left), x2: num(right), y1: py, y2: py, stroke: '#ececec' }));
    parts.push(tag('text', { x: num(left - 6), y: py, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, esc(tickLabel(t, y))));
  }
  parts.push(tag('text', { x: num((left + right) / 2), y: num(bottom + 34), 'text-anchor': 'middle', 'font-size': 12 }, esc(p.xLabel)));
  const ly = (top + bottom) / 2;
  parts.push(tag('text', { x: num(x0 + 14), y: num(ly), 'text-anchor': 'middle', 'font-size': 12, transform: `rotate(-90 ${num(x0 + 14)} ${num(ly)})` }, esc(p.yLabel)));
  if (p.title) parts.push(tag('text', { x: num(left), y: num(top - 8), 'font-size': 13, 'font-weight': 'bold' }, esc(p.title)));
  for (const m of p.markers ?? []) {
    const px = num(sx(m.x));
    parts.push(
      tag('g', { class: 'marker' }, [
        tag('line', { x1: px, x2: px, y1: num(top), y2: num(bottom), stroke: '#555555', 'stroke-dasharray': '3 3' }),
        tag('text', { x: num(sx(m.x) + 4), y: num(top + 12), 'font-size': 10, fill: '#555555' }, esc(m.label)),
      ]),
    );
  }
  for (const g of p.guides ?? []) {
    parts.push(tag('g', { class: 'guide', 'data-name': g.name }, g.lines.map((l) => polyline(l, sx, sy, g))));
  }
  for (const s of p.series) {
    parts.push(tag('g', { class: 'series', 'data-name': s.name }, [band(s, sx, sy), ...s.lines.map((l) => polyline(l, sx, sy, s))]));
  }
  return tag('g', { class: 'panel' }, parts);
}

/** Legend entries: every distinct series name (first style wins), then the guides. */
function legend(c: Chart, x0: number, y0: number): { markup: string; width: number } {
  const seen = new Map<string, Series>();
  for (const p of c.panels) for (const s of [...p.series, ...(p.guides ?? [])]) if (!seen.has(s.name)) seen.set(s.name, s);
  const entries = [...seen.values()];
  const width = Math.max(120, 40 + 7 * Math.max(0, ...entries.map((s) => s.name.length)));
  const items = entries.map((s, k) => {
    const y = y0 + 10 + k * 20;
    return tag('g', { class: 'legend-item' }, [
      tag('line', { x1: x0, x2: x0 + 24, y1: y, y2: y, stroke: s.colour, 'stroke-width': 3, 'stroke-dasharray': s.dash }),
      tag('text', { x: x0 + 30, y, 'dominant-baseline': 'middle' }, esc(s.name)),
    ]);
  });
  return { markup: tag('g', { class: 'legend' }, items), width };
}

/**
 * The chart as an `<svg>` element. `standalone` adds the XML namespace a .svg file needs; markup inlined
 * in HTML leaves it out (HTML supplies it), so the report contains no URL at all.
 */
export function renderChart(c: Chart, opts: { standalone: boolean }): string {
  const columns = Math.max(1, c.columns ?? 1);
  const rows = Math.ceil(c.panels.length / columns);
  const width = c.width ?? 860;
  const panelHeight = c.panelHeight ?? 320;
  const probe = legend(c, 0, 0);
  const cellWidth = (width - probe.width - 16) / columns;
  const height = TITLE_HEIGHT + rows * panelHeight + 8;
  const sharedY = c.sharedY ? axesOf(c.panels).y : undefined;
  const panels = c.panels.map((p, k) =>
    renderPanel(p, (k % columns) * cellWidth, TITLE_HEIGHT + Math.floor(k / columns) * panelHeight, cellWidth, panelHeight, sharedY),
  );
  const body = [
    tag('title', {}, esc(c.title)),
    tag('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    tag('text', { x: 12, y: 22, 'font-size': 15, 'font-weight': 'bold' }, esc(c.title)),
    ...panels,
    legend(c, columns * cellWidth + 12, TITLE_HEIGHT + MARGIN.top).markup,
  ];
  return tag(
    'svg',
    {
      xmlns: opts.standalone ? 'http://www.w3.org/2000/svg' : undefined,
      width,
      height: num(height),
      viewBox: `0 0 ${width} ${num(height)}`,
      role: 'img',
      'aria-label': c.title,
      'font-family': FONT,
      'font-size': 11,
      fill: '#222222',
    },
    body,
  );
}
