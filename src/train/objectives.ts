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
import { allocBatchRows, batchLambdas, gatherRows, unitWeights } from './batch.js';
import type { TrainSet } from './prepare.js';

export interface StepContext {
  model: Mlp;
  optimizer: tf.Optimizer;
  set: TrainSet;
  batchSize: number;
  /** Per-capita training budgets in the data's cost units. */
  budgets: number[];
  scale: OutputScale;
}

/** Builds the step function of a method; returns the loss of each step. */
export function makeStep(method: MethodConfig, ctx: StepContext): (idx: Uint32Array) => number {
  if (isBidfclMethod(method)) throw new Error(`${method.kind} trains in bidfcl.ts, not through makeStep`);
  const { model, optimizer, set } = ctx;
  const arms = set.arms;
  const buf = allocBatchRows(set.d, ctx.batchSize);
  // Budgets and user-given prices in the network's scaled units: c' = c / s_c, λ' = λ·s_c / s_r.
  const budgets = ctx.budgets.map((b) => b / ctx.scale.cost);
  const priceScale = ctx.scale.cost / ctx.scale.revenue;

  const lambdasOf = (heads: Heads): number[] =>
    batchLambdas(heads.r.dataSync() as Float32Array, heads.c.dataSync() as Float32Array, buf, budgets);
  const decisionLoss = (heads: Heads, batch: RctBatch): tf.Scalar => {
    switch (method.kind) {
      case 'dfcl-ppl':
        return pplLoss(heads, batch, { lambda: lambdasOf(heads), tau: method.tau, reward: method.reward });
      case 'dfcl-pifd':
        return pifdLoss(heads, batch, {
          lambda: lambdasOf(heads),
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
    const n = gatherRows(set, idx, buf).n;
    const value = tf.tidy(() => {
      const x = tf.tensor2d(buf.x.subarray(0, n * set.d), [n, set.d]);
      const w = tf.tensor1d(buf.w.subarray(0, n));
      const lossFn = (): tf.Scalar => {
        const heads = splitHeads(model.apply(x), arms);
        if (method.kind === 'tsm-sl') {
          return predictionLoss(heads, makeLoggedBatch(buf.t.subarray(0, n), buf.r.subarray(0, n), buf.c.subarray(0, n), arms), { weights: w });
        }
        const batch = makeRctBatch(buf.t.subarray(0, n), buf.r.slice(0, n), buf.c.slice(0, n), unitWeights(buf), arms);
        const dl = decisionLoss(heads, batch);
        return method.alpha > 0 ? tf.add(dl, tf.mul(method.alpha, predictionLoss(heads, batch, { weights: w }))) : dl;
      };
      const cost = optimizer.minimize(lossFn, true, model.vars);
      return cost!.dataSync()[0];
    });
    return value;
  };
}
