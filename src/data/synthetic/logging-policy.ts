import type { Rng } from '../../util/rng.js';
import type { BiasKind } from './knobs.js';
import type { Individual, World } from './world.js';

/** Chooses the logged arm of one row. */
export type ArmPolicy = (ind: Individual, rng: Rng) => number;

/** Noise sd of the rank policy's view of the hidden trait u (relative to u's sd of 1). */
const RANK_VIEW_NOISE = 0.5;

/**
 * The past targeting policy that produced OBS. Every kind scores each individual with a standard-normal
 * view e_i and logs arm j with probability ∝ exp(2 · S · s · e_i · a_j) (S = --bias, s = --bias-sign,
 * a_j = j/(M-1)): a high score pushes towards large incentives, S = 0 logs uniformly at random.
 *   observed: e_i = the world's score of observed features (ignorable given x, like the paper's Criteo
 *             construction; naive per-arm means are still biased because the score predicts revenue);
 *   hidden:   e_i = h_i, the hidden trait that raises revenue and uplift (not ignorable);
 *   rank:     inside the subgroup G, e_i = a noisy view of u_i, the trait that spreads G's uplift; outside
 *             G, e_i = 0 (uniform). With s = +1 the big incentives go to those in G who gain most, with
 *             s = −1 to those who gain least, so naive OBS estimates move G's ROI relative to everyone else's.
 */
export function loggingPolicy(
  world: World,
  kind: BiasKind,
  bias: number,
  sign: 1 | -1,
): ArmPolicy {
  const slope = 2 * bias * sign;
  const logits = new Float64Array(world.arms);
  const view: (ind: Individual, rng: Rng) => number =
    kind === 'observed'
      ? (ind) => world.observedScore(ind)
      : kind === 'hidden'
        ? (ind) => ind.h
        : (ind, rng) =>
            world.inSubgroup(ind)
              ? (ind.u + RANK_VIEW_NOISE * rng.normal()) / Math.sqrt(1 + RANK_VIEW_NOISE * RANK_VIEW_NOISE)
              : 0;
  return (ind, rng) => {
    const e = view(ind, rng);
    for (let j = 0; j < world.arms; j++) logits[j] = slope * e * world.level[j];
    return softmaxDraw(logits, rng);
  };
}

/** The RCT's randomisation: uniform over arms, or the given propensities (length M, sum 1). */
export function randomizedPolicy(arms: number, propensities: readonly number[] | null): ArmPolicy {
  if (propensities === null) return (_ind, rng) => rng.int(arms);
  const cumulative = new Float64Array(arms);
  let acc = 0;
  for (let j = 0; j < arms; j++) cumulative[j] = acc += propensities[j];
  return (_ind, rng) => {
    const v = rng.uniform() * acc;
    let j = 0;
    while (j < arms - 1 && v >= cumulative[j]) j++;
    return j;
  };
}

/** Draws j with probability softmax(logits)_j; `logits` is overwritten. */
function softmaxDraw(logits: Float64Array, rng: Rng): number {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let total = 0;
  for (let j = 0; j < logits.length; j++) total += logits[j] = Math.exp(logits[j] - max);
  let v = rng.uniform() * total;
  for (let j = 0; j < logits.length - 1; j++) {
    v -= logits[j];
    if (v < 0) return j;
  }
  return logits.length - 1;
}
