/**
 * The lower level of Bi-DFCL on OBS batches (method.md §5): the bridge gates, the loss the θ steps
 * minimise, and the same problem as weighted least squares in the outputs for the second-order work.
 *
 *   bridge: pseudo-labels   L = mean_i [ factual errors + Σ_{j≠t_i} ((r^cf_ij − r̂_ij)² + (c^cf_ij − ĉ_ij)²) ],
 *                           r^cf = w^r·r̂^ψ + (1 − w^r)·sg(r̂^θ)   (`pseudoLabelLoss`)
 *   bridge: row-weights     L = Σ_i w^r_{i,t_i}(r_i − r̂_{i,t_i})² / Σ_i w^r_{i,t_i} + (cost likewise)
 *                           (Table 3 row 3: the bridge re-weights factual OBS rows, no pseudo-labels)
 *   gates: learned          w = G_φ(x) (sigmoid outputs); frozen-0.5 / teacher-only: w ≡ 0.5 / 1.
 *
 * Both bridges have the same θ-gradient as P(θ) = Σ_ij Ω_ij (Y_ij − F_θ(x)_ij)² (curvature.ts) with
 *   pseudo-labels  Ω = (1[j = t_i] + 1[j ≠ t_i]·ω_ij)/n,  Y = factual on the logged arm, teacher elsewhere,
 *                  ω = w (target part detached) or w² (not detached) — this P is `pseudoLabelPotential`;
 *   row-weights    Ω = 1[j = t_i]·w_{i,t_i}/Σ_k w_{k,t_k},  Y = factual.
 * Revenue heads are columns 0..M−1 of Ω and Y, cost heads M..2M−1, as in the network's output.
 */
import { tf } from '../backend/index.js';
import type { BRIDGE_MODES, GATE_MODES } from '../config/schema.js';
import { loggedColumn, makeLoggedBatch, type Heads, type LoggedBatch } from '../losses/common.js';
import { predictionLoss, pseudoLabelLoss, pseudoLabelPotential } from '../losses/prediction.js';
import { forward, splitHeads, type MlpSpec } from '../nn/mlp.js';
import { gatherRows } from './batch.js';
import type { TrainSet } from './prepare.js';

export type BridgeMode = (typeof BRIDGE_MODES)[number];
export type GateMode = (typeof GATE_MODES)[number];

export interface LowerSpec {
  bridge: BridgeMode;
  gates: GateMode;
  detachTarget: boolean;
}

/** OBS training rows with the frozen teacher's predictions (n×M, the target's scaled units). */
export interface ObsRows {
  set: TrainSet;
  teacher: { r: Float32Array; c: Float32Array } | null;
}

/** One OBS batch as tensors. */
export interface ObsBatch {
  n: number;
  x: tf.Tensor2D;
  logged: LoggedBatch;
  /** Teacher predictions r̂^ψ, ĉ^ψ [n, M]; null with row-weights. */
  teacher: Heads | null;
}

/** Copies the rows `idx` into tensors (owned by the caller: `disposeObsBatch`). */
export function gatherObsBatch(rows: ObsRows, idx: Uint32Array): ObsBatch {
  const { set, teacher } = rows;
  const { d, arms } = set;
  const n = idx.length;
  const { x, t, r, c } = gatherRows(set, idx);
  const tr = teacher ? new Float32Array(n * arms) : null;
  const tc = teacher ? new Float32Array(n * arms) : null;
  if (teacher) {
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      tr!.set(teacher.r.subarray(i * arms, (i + 1) * arms), k * arms);
      tc!.set(teacher.c.subarray(i * arms, (i + 1) * arms), k * arms);
    }
  }
  return {
    n,
    x: tf.tensor2d(x, [n, d]),
    logged: makeLoggedBatch(t, r, c, arms),
    teacher: tr && tc ? { r: tf.tensor2d(tr, [n, arms]), c: tf.tensor2d(tc, [n, arms]) } : null,
  };
}

export function disposeObsBatch(b: ObsBatch): void {
  tf.dispose([b.x, b.logged.onehot, b.logged.r, b.logged.c, ...(b.teacher ? [b.teacher.r, b.teacher.c] : [])]);
}

/** The constant gate value of a control, or null for learned gates. */
export function fixedGate(mode: GateMode): number | null {
  return mode === 'frozen-0.5' ? 0.5 : mode === 'teacher-only' ? 1 : null;
}

/**
 * Gates w^r, w^c [n, M]: the bridge's sigmoid outputs G_φ(x) at parameters `phi` (differentiable in φ),
 * or the control's constant.
 */
export function gatesOf(spec: LowerSpec, bridge: MlpSpec | null, phi: readonly tf.Tensor[] | null, batch: ObsBatch, arms: number): Heads {
  const fixed = fixedGate(spec.gates);
  if (fixed !== null) return { r: tf.fill([batch.n, arms], fixed), c: tf.fill([batch.n, arms], fixed) };
  if (!bridge || !phi) throw new Error('learned gates need the bridge network');
  return splitHeads(forward(bridge, phi, batch.x), arms);
}

function rowWeights(gates: Heads, onehot: tf.Tensor2D): { wr: tf.Tensor1D; wc: tf.Tensor1D } {
  return { wr: loggedColumn(gates.r, onehot), wc: loggedColumn(gates.c, onehot) };
}

function requireTeacher(batch: ObsBatch): Heads {
  if (!batch.teacher) throw new Error('pseudo-labels need the teacher predictions');
  return batch.teacher;
}

/** The lower loss the θ steps minimise (and that is logged). pred: target heads [n, M]. */
export function lowerLoss(spec: LowerSpec, pred: Heads, batch: ObsBatch, gates: Heads): tf.Scalar {
  if (spec.bridge === 'row-weights') {
    return tf.tidy(() => {
      const { wr, wc } = rowWeights(gates, batch.logged.onehot);
      return predictionLoss(pred, batch.logged, { weights: wr, costWeights: wc });
    });
  }
  return pseudoLabelLoss(pred, requireTeacher(batch), gates, batch.logged, { detachTarget: spec.detachTarget });
}

/**
 * A function of (φ, θ) with the θ-gradient of `lowerLoss` whose second derivatives are the ones implicit
 * differentiation needs (for the double-backprop and finite-difference modes). Row-weights: the loss
 * itself (nothing is detached); pseudo-labels: `pseudoLabelPotential`.
 */
export function lowerPotential(spec: LowerSpec, pred: Heads, batch: ObsBatch, gates: Heads): tf.Scalar {
  if (spec.bridge === 'row-weights') return lowerLoss(spec, pred, batch, gates);
  return pseudoLabelPotential(pred, requireTeacher(batch), gates, batch.logged, { detachTarget: spec.detachTarget });
}

/** Ω and Y, [n, 2M] each, of the weighted-least-squares form; differentiable in the gates. */
export function wlsTargets(spec: LowerSpec, batch: ObsBatch, gates: Heads): { omega: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const { onehot, r, c } = batch.logged;
    const factual = (v: tf.Tensor1D): tf.Tensor2D => tf.mul(onehot, tf.expandDims(v, 1));
    if (spec.bridge === 'row-weights') {
      const { wr, wc } = rowWeights(gates, onehot);
      const weigh = (w: tf.Tensor1D): tf.Tensor2D => tf.mul(onehot, tf.expandDims(tf.div(w, tf.sum(w)), 1));
      return { omega: tf.concat([weigh(wr), weigh(wc)], 1), y: tf.concat([factual(r), factual(c)], 1) };
    }
    const teacher = requireTeacher(batch);
    const other = tf.sub(1, onehot);
    const weigh = (w: tf.Tensor2D): tf.Tensor2D =>
      tf.div(tf.add(onehot, tf.mul(other, spec.detachTarget ? w : tf.square(w))), batch.n) as tf.Tensor2D;
    const label = (v: tf.Tensor1D, t: tf.Tensor2D): tf.Tensor2D => tf.add(factual(v), tf.mul(other, t));
    return {
      omega: tf.concat([weigh(gates.r), weigh(gates.c)], 1),
      y: tf.concat([label(r, teacher.r), label(c, teacher.c)], 1),
    };
  });
}

/** Mean gates and saturated share over the entries that enter the lower loss (non-logged arms, or logged with row-weights). */
export function gateStats(spec: LowerSpec, gates: Heads, onehot: tf.Tensor2D): { r: number; c: number; saturated: number } {
  const [r, c, saturated] = tf.tidy(() => {
    const mask = spec.bridge === 'row-weights' ? onehot : tf.sub(1, onehot);
    const count = tf.maximum(tf.sum(mask), 1);
    const avg = (w: tf.Tensor2D): tf.Tensor => tf.div(tf.sum(tf.mul(mask, w)), count);
    const sat = (w: tf.Tensor2D): tf.Tensor => tf.sum(tf.mul(mask, tf.cast(tf.logicalOr(tf.less(w, 0.05), tf.greater(w, 0.95)), 'float32')));
    return tf.stack([avg(gates.r), avg(gates.c), tf.div(tf.add(sat(gates.r), sat(gates.c)), tf.mul(2, count))]).dataSync();
  });
  return { r, c, saturated };
}
