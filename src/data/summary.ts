/** Per-split descriptive statistics: row counts, arm shares, per-arm mean revenue and cost. */
import { armCounts, type DataTable } from './table.js';

export interface ArmStats {
  arm: number;
  rows: number;
  share: number;
  meanRevenue: number;
  meanCost: number;
  /** Mean of the true expected outcome of this arm over all rows (synthetic data only). */
  trueRevenue?: number;
  trueCost?: number;
}

export interface SplitSummary {
  file: string;
  rows: number;
  features: number;
  arms: ArmStats[];
  extraColumns: string[];
}

/** Naive per-arm means of the factual outcomes (biased on OBS; unbiased on an RCT). */
export function summarize(table: DataTable): SplitSummary {
  const M = table.arms;
  const counts = armCounts(table.t, M);
  const sumR = new Float64Array(M);
  const sumC = new Float64Array(M);
  for (let i = 0; i < table.n; i++) {
    sumR[table.t[i]] += table.r[i];
    sumC[table.t[i]] += table.c[i];
  }
  const arms: ArmStats[] = [];
  for (let j = 0; j < M; j++) {
    const s: ArmStats = {
      arm: j,
      rows: counts[j],
      share: counts[j] / table.n,
      meanRevenue: counts[j] > 0 ? sumR[j] / counts[j] : NaN,
      meanCost: counts[j] > 0 ? sumC[j] / counts[j] : NaN,
    };
    if (table.trueR && table.trueC) {
      let tr = 0;
      let tc = 0;
      for (let i = 0; i < table.n; i++) {
        tr += table.trueR[i * M + j];
        tc += table.trueC[i * M + j];
      }
      s.trueRevenue = tr / table.n;
      s.trueCost = tc / table.n;
    }
    arms.push(s);
  }
  return { file: table.file, rows: table.n, features: table.d, arms, extraColumns: table.extra };
}
