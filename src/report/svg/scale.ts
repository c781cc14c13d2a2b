/** Axis arithmetic: data domains, "nice" round tick steps and their labels. */

export interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  /** Decimals that show every tick distinctly. */
  decimals: number;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw`. */
function niceStep(raw: number): number {
  const base = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * base >= raw * (1 - 1e-9)) return m * base;
  return 10 * base;
}

/**
 * An axis covering [min, max] with about `count` ticks at a round step, the ends moved out to ticks.
 * A degenerate range (one value, or no finite values) is widened so the axis still has a scale.
 */
export function niceAxis(min: number, max: number, count = 5): Axis {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    min = 0;
    max = 1;
  }
  if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
    const pad = Math.abs(max) > 0 ? Math.abs(max) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const step = niceStep((max - min) / count);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let k = 0; lo + k * step <= hi + step * 1e-9; k++) ticks.push(lo + k * step);
  const exponent = Math.floor(Math.log10(step) + 1e-9);
  // 2.5 × 10^k needs one more decimal than its exponent suggests.
  const extra = Math.abs(step / 10 ** exponent - 2.5) < 1e-9 ? 1 : 0;
  const decimals = Math.max(0, extra - exponent);
  return { lo, hi, ticks, decimals };
}

/** A tick label: fixed decimals for ordinary magnitudes, exponent form for very large or small steps. */
export function tickLabel(v: number, axis: Axis): string {
  if (Math.abs(v) < 1e-12 * Math.max(1, Math.abs(axis.hi - axis.lo))) return '0';
  if (axis.decimals > 6 || Math.max(Math.abs(axis.lo), Math.abs(axis.hi)) >= 1e6) return v.toExponential(2);
  return v.toFixed(axis.decimals);
}

/** Maps [lo, hi] linearly onto [a, b] (b < a for a y axis that grows upwards). */
export function linear(axis: Axis, a: number, b: number): (v: number) => number {
  const k = (b - a) / (axis.hi - axis.lo);
  return (v) => a + (v - axis.lo) * k;
}
