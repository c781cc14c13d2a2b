/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0, n };
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/** Trapezoid area under y(x) divided by the x range: the average height of a budget-sweep curve. */
export function normalisedArea(x: readonly number[], y: readonly number[]): number {
  if (x.length === 1) return y[0];
  let area = 0;
  for (let k = 1; k < x.length; k++) area += ((y[k] + y[k - 1]) / 2) * (x[k] - x[k - 1]);
  return area / (x[x.length - 1] - x[0]);
}
