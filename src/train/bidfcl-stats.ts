/**
 * Diagnostics of the bi-level steps (issue: report steps taken, CG iterations and residuals,
 * hypergradient norm and gate statistics): one record per upper step, summarised per epoch for the log
 * and for the loop history that train.json stores.
 */
import type { CgStop } from './cg.js';

export interface UpperStepRecord {
  /** λ* (mean over the training budgets), in the data's units. */
  lambda: number;
  upperLoss: number;
  /** CG iterations and final relative residual; null for the explicit ablation. */
  cgIterations: number | null;
  cgResidual: number | null;
  cgStop: CgStop | null;
  /** CG directions with pᵀ(H+δI)p ≤ 0. */
  negativeDirections: number;
  damping: number;
  hypergradNorm: number;
  seconds: number;
  cgSeconds: number;
}

/** Gate statistics of one batch. */
export interface GateRecord {
  /** Mean revenue and cost gate over the entries that enter the lower loss. */
  r: number;
  c: number;
  /** Share of those gates below 0.05 or above 0.95. */
  saturated: number;
}

export interface BidfclEpochSummary {
  upper_steps: number;
  lambda: number | null;
  upper_loss: number | null;
  cg_iterations_mean: number | null;
  cg_iterations_max: number | null;
  cg_residual_mean: number | null;
  cg_residual_max: number | null;
  /** Upper steps whose CG met a direction of negative curvature. */
  cg_negative_curvature: number;
  damping: number | null;
  hypergradient_norm: number | null;
  gate_r: number | null;
  gate_c: number | null;
  gate_saturated: number | null;
  upper_seconds: number;
  cg_seconds: number;
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const max = (xs: number[]): number | null => (xs.length ? Math.max(...xs) : null);

/** Collects one epoch's records. */
export class EpochStats {
  private upper: UpperStepRecord[] = [];
  private gates: GateRecord[] = [];

  addUpper(rec: UpperStepRecord): void {
    this.upper.push(rec);
  }

  addGates(rec: GateRecord): void {
    this.gates.push(rec);
  }

  /** The epoch's summary; then starts a new epoch. */
  take(): BidfclEpochSummary {
    const u = this.upper;
    const cg = u.filter((r) => r.cgIterations !== null);
    const s: BidfclEpochSummary = {
      upper_steps: u.length,
      lambda: mean(u.map((r) => r.lambda)),
      upper_loss: mean(u.map((r) => r.upperLoss)),
      cg_iterations_mean: mean(cg.map((r) => r.cgIterations!)),
      cg_iterations_max: max(cg.map((r) => r.cgIterations!)),
      cg_residual_mean: mean(cg.map((r) => r.cgResidual!)),
      cg_residual_max: max(cg.map((r) => r.cgResidual!)),
      cg_negative_curvature: cg.filter((r) => r.negativeDirections > 0).length,
      damping: mean(u.map((r) => r.damping)),
      hypergradient_norm: mean(u.map((r) => r.hypergradNorm)),
      gate_r: mean(this.gates.map((g) => g.r)),
      gate_c: mean(this.gates.map((g) => g.c)),
      gate_saturated: mean(this.gates.map((g) => g.saturated)),
      upper_seconds: u.reduce((a, r) => a + r.seconds, 0),
      cg_seconds: u.reduce((a, r) => a + r.cgSeconds, 0),
    };
    this.upper = [];
    this.gates = [];
    return s;
  }
}
