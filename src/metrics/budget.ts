/**
 * Budget levels. `fraction f` means b = c_min + f·(c_max − c_min) per capita, where c_min is the RCT
 * per-capita cost of giving everyone arm 0 and c_max the largest per-capita cost of giving everyone one
 * arm — both estimated on the logged RCT rows as per-arm means (each arm's mean is its IPW estimate of
 * "everyone gets this arm").
 */
export interface BudgetSpec {
  fraction?: number | number[];
  per_capita?: number | number[];
}

export interface CostRange {
  cMin: number;
  cMax: number;
}

/** Per-arm mean logged cost → the range [c_min, c_max] that budget fractions interpolate. */
export function costRange(t: ArrayLike<number>, c: ArrayLike<number>, arms: number): CostRange {
  const sum = new Float64Array(arms);
  const count = new Float64Array(arms);
  for (let i = 0; i < t.length; i++) {
    sum[t[i]] += c[i];
    count[t[i]]++;
  }
  const mean = Array.from(sum, (s, j) => (count[j] > 0 ? s / count[j] : 0));
  return { cMin: mean[0], cMax: Math.max(...mean) };
}

/** Per-capita budget of a fraction of the cost range. */
export function budgetAtFraction(range: CostRange, f: number): number {
  return range.cMin + f * (range.cMax - range.cMin);
}

/** The configured budget levels as per-capita budgets (a list, even for one value). */
export function perCapitaBudgets(spec: BudgetSpec, range: CostRange): number[] {
  const list = (v: number | number[]): number[] => (Array.isArray(v) ? v : [v]);
  if (spec.per_capita !== undefined) return list(spec.per_capita);
  return list(spec.fraction ?? 0.3).map((f) => budgetAtFraction(range, f));
}
