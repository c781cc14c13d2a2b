/** Table cells shared by the result-table scripts (grid-table, bilevel-diagnostics). */
import { meanStd } from '../src/metrics/stats.js';

/** Fixed decimals from 0.01 up, exponent form below (seed stds are often ~1e-3), with decimals − 2 exponent digits. */
export function num(v: number, decimals: number): string {
  return Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(decimals) : v.toExponential(decimals - 2);
}

/** "mean ± std" over seeds, or "–" when there is nothing to summarise. */
export function meanStdCell(xs: number[], decimals: number): string {
  if (xs.length === 0) return '–';
  const { mean, std } = meanStd(xs);
  return `${num(mean, decimals)} ± ${num(std, decimals)}`;
}
