/**
 * The upper level of Bi-DFCL (method.md §5): the decision loss L_PPL or L_PIFD on an RCT mini-batch at
 * given target parameters θ, with λ* from Algorithm A on that batch's predictions (held constant, as in
 * the single-level DFCL step of objectives.ts), and its gradient ∇_θ L_upper.
 */
import { tf } from '../backend/index.js';
import { makeRctBatch, type Heads, type Reward } from '../losses/common.js';
import { pifdLoss } from '../losses/pifd.js';
import { pplLoss } from '../losses/ppl.js';
import { forward, splitHeads, type MlpSpec } from '../nn/mlp.js';
import { valueAndGradients } from '../nn/secondorder.js';
import type { Rng } from '../util/rng.js';
import { batchLambdas, gatherRows, unitWeights } from './batch.js';
import type { TrainSet } from './prepare.js';

export interface UpperSpec {
  loss: 'ppl' | 'pifd';
  tau: number;
  reward: Reward;
  /** PIFD's |h| floor. */
  hMin: number;
  /** Per-capita training budgets in the network's scaled cost units. */
  budgets: number[];
}

/** RCT mini-batches for the upper steps: a fresh seeded permutation each time the rows run out. */
export class RctSampler {
  private order: Uint32Array;
  private at = 0;
  constructor(
    private readonly rows: number,
    private readonly batch: number,
    private readonly rng: Rng,
  ) {
    this.order = rng.permutation(rows);
  }

  next(): Uint32Array {
    const size = Math.min(this.batch, this.rows);
    if (this.at + size > this.rows) {
      this.order = this.rng.permutation(this.rows);
      this.at = 0;
    }
    const idx = this.order.slice(this.at, this.at + size);
    this.at += size;
    return idx;
  }
}

export interface UpperResult {
  /** ∇_θ L_upper, owned by the caller. */
  grads: tf.Tensor[];
  loss: number;
  /** λ* per training budget, scaled units. */
  lambdas: number[];
}

/** L_upper at θ on the RCT rows `idx` of `set` and its θ-gradient. */
export function upperGradient(spec: UpperSpec, mlp: MlpSpec, theta: readonly tf.Tensor[], set: TrainSet, idx: Uint32Array): UpperResult {
  const rows = gatherRows(set, idx);
  const { n, x, t, r, c } = rows;
  const { d, arms } = set;
  let loss = NaN;
  let lambdas: number[] = [];
  const grads = tf.tidy(() => {
    const xs = tf.tensor2d(x, [n, d]);
    const heads = (ps: readonly tf.Tensor[]): Heads => splitHeads(forward(mlp, ps, xs), arms);
    const h = heads(theta);
    lambdas = batchLambdas(h.r.dataSync() as Float32Array, h.c.dataSync() as Float32Array, rows, spec.budgets);
    const batch = makeRctBatch(t, r, c, unitWeights(rows), arms);
    const upper = (ps: readonly tf.Tensor[]): tf.Scalar =>
      spec.loss === 'ppl'
        ? pplLoss(heads(ps), batch, { lambda: lambdas, tau: spec.tau, reward: spec.reward })
        : pifdLoss(heads(ps), batch, { lambda: lambdas, tau: spec.tau, hMin: spec.hMin, reward: spec.reward });
    const vg = valueAndGradients(upper, theta);
    loss = vg.value.dataSync()[0];
    return vg.grads;
  });
  return { grads, loss, lambdas };
}
