/**
 * One optimiser step per method kind: gather the batch, build its tensors, and minimise
 *   tsm-sl                  L_PL (IPW-weighted on RCT rows)
 *   dfcl-ppl / dfcl-pifd    L_PPL or L_PIFD at the batch's λ* (one per training budget) + α·L_PL
 *   dfcl-dpl / dfcl-difd    L_DPL or L_DIFD over the configured λ list + α·L_PL
 * λ* comes from Algorithm A (the one solver) on the batch's own predictions and logged rows.
 */
import { tf } from '../backend/index.js';
import { isBidfclMethod, type MethodConfig } from '../config/schema.js';
import { difdLoss } from '../losses/difd.js';
import { dplLoss } from '../losses/dpl.js';
import { makeLoggedBatch, makeRctBatch, type Heads, type RctBatch } from '../losses/common.js';
import { pifdLoss } from '../losses/pifd.js';
import { pplLoss } from '../losses/ppl.js';
import { predictionLoss } from '../losses/prediction.js';
import { splitHeads, type Mlp } from '../nn/mlp.js';
import type { OutputScale } from '../nn/predictor.js';
import { bisectionEps } from '../metrics/policy.js';
import { algorithmA } from '../solver/bisection.js';
import type { TrainSet } from './prepare.js';

/** Batch rows copied out of the TrainSet into reusable buffers. */
class BatchBuffers {
  readonly x: Float32Array;
  readonly t: Int32Array;
  readonly r: Float32Array;
  readonly c: Float32Array;
  readonly w: Float32Array;
  readonly invP: Float32Array;
  constructor(
    readonly set: TrainSet,
    maxRows: number,
  ) {
    this.x = new Float32Array(maxRows * set.d);
    this.t = new Int32Array(maxRows);
    this.r = new Float32Array(maxRows);
    this.c = new Float32Array(maxRows);
    this.w = new Float32Array(maxRows);
    this.invP = new Float32Array(maxRows);
  }
  fill(idx: Uint32Array): number {
    const { set } = this;
    const d = set.d;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      this.x.set(set.x.subarray(i * d, i * d + d), k * d);
      this.t[k] = set.t[i];
      this.r[k] = set.r[i];
      this.c[k] = set.c[i];
      this.w[k] = set.w[i];
      this.invP[k] = set.invP[i];
    }
    return idx.length;
  }
}

export interface StepContext {
  model: Mlp;
  optimizer: tf.Optimizer;
  set: TrainSet;
  batchSize: number;
  /** Per-capita training budgets in the data's cost units. */
  budgets: number[];
  scale: OutputScale;
}

/** λ* of Algorithm A on this batch for each training budget (in scaled units). */
function batchLambdas(heads: Heads, b: BatchBuffers, n: number, budgets: number[]): number[] {
  const rhat = heads.r.dataSync() as Float32Array;
  const chat = heads.c.dataSync() as Float32Array;
  const scores = { n, m: heads.r.shape[1], rhat, chat };
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) p[i] = 1 / b.invP[i];
  const logged = { t: b.t.subarray(0, n), r: b.r.subarray(0, n), c: b.c.subarray(0, n), p };
  return budgets.map((budget) => algorithmA(scores, logged, budget, bisectionEps(budget)).lambda);
}

/** Builds the step function of a method; returns the loss of each step. */
export function makeStep(method: MethodConfig, ctx: StepContext): (idx: Uint32Array) => number {
  if (isBidfclMethod(method)) throw new Error(`${method.kind} trains in bidfcl.ts, not through makeStep`);
  const { model, optimizer, set } = ctx;
  const arms = set.arms;
  const buf = new BatchBuffers(set, ctx.batchSize);
  // Budgets and user-given prices in the network's scaled units: c' = c / s_c, λ' = λ·s_c / s_r.
  const budgets = ctx.budgets.map((b) => b / ctx.scale.cost);
  const priceScale = ctx.scale.cost / ctx.scale.revenue;

  const decisionLoss = (heads: Heads, batch: RctBatch, n: number): tf.Scalar => {
    switch (method.kind) {
      case 'dfcl-ppl':
        return pplLoss(heads, batch, { lambda: batchLambdas(heads, buf, n, budgets), tau: method.tau, reward: method.reward });
      case 'dfcl-pifd':
        return pifdLoss(heads, batch, {
          lambda: batchLambdas(heads, buf, n, budgets),
          tau: method.tau,
          hMin: method.h_min,
          reward: method.reward,
        });
      case 'dfcl-dpl':
        return dplLoss(heads, batch, { lambdas: method.lambdas.map((l) => l * priceScale), tau: method.tau });
      case 'dfcl-difd':
        return difdLoss(heads, batch, { lambdas: method.lambdas.map((l) => l * priceScale), tau: method.tau, hMin: method.h_min });
      default:
        throw new Error(`no decision loss for ${method.kind}`);
    }
  };

  return (idx: Uint32Array): number => {
    const n = buf.fill(idx);
    const value = tf.tidy(() => {
      const x = tf.tensor2d(buf.x.subarray(0, n * set.d), [n, set.d]);
      const w = tf.tensor1d(buf.w.subarray(0, n));
      const lossFn = (): tf.Scalar => {
        const heads = splitHeads(model.apply(x), arms);
        if (method.kind === 'tsm-sl') {
          return predictionLoss(heads, makeLoggedBatch(buf.t.subarray(0, n), buf.r.subarray(0, n), buf.c.subarray(0, n), arms), { weights: w });
        }
        const u = new Float32Array(n);
        for (let i = 0; i < n; i++) u[i] = buf.invP[i] / n;
        const batch = makeRctBatch(buf.t.subarray(0, n), buf.r.slice(0, n), buf.c.slice(0, n), u, arms);
        const dl = decisionLoss(heads, batch, n);
        return method.alpha > 0 ? tf.add(dl, tf.mul(method.alpha, predictionLoss(heads, batch, { weights: w }))) : dl;
      };
      const cost = optimizer.minimize(lossFn, true, model.vars);
      return cost!.dataSync()[0];
    });
    return value;
  };
}
