import type { Rng } from '../../util/rng.js';
import type { OutcomeKind } from './knobs.js';

/**
 * Outcome kinds: how the world's revenue and cost intensities (m_ij, q_ij, mean m_i0 ≈ 1 + κ) become expected
 * potential outcomes r_ij, c_ij and how the factual r, c of the logged arm are drawn around them.
 * β = --base-rate / (1 + κ), so the population mean of r_i0 is ≈ --base-rate whatever the base complexity.
 *   gaussian: r_ij = β m_ij, c_ij = β q_ij; r = r_it + N(0, noise²) (may dip below 0, like refunds);
 *             c = c_it · LogNormal with mean 1 and coefficient of variation --cost-noise, so costs stay ≥ 0.
 *   poisson:  same expectations; r ~ Poisson(r_it), c ~ Poisson(c_it) (counts of purchases and redemptions).
 *   binary:   r_ij = 1 − exp(−β m_ij), c_ij = 1 − exp(−β q_ij) (probabilities, the chance of at least one
 *             event of a Poisson process, so diminishing returns survive); r ~ Bernoulli(r_it) and, independently,
 *             c ~ Bernoulli(c_it): Criteo-like rare conversions, with a rarer cost event (a redeemed coupon).
 * Expectations are rounded to 6 significant digits before drawing, so the file's r_j, c_j are exactly the
 * means of its r, c.
 */
export interface OutcomeModel {
  /** Maps one individual's intensities m, q (length M) to expected potential outcomes r, c (length M). */
  expect(m: Float64Array, q: Float64Array, r: Float64Array, c: Float64Array): void;
  /** Draws the factual revenue around `rMean` into out[0] and the factual cost around `cMean` into out[1]. */
  draw(rMean: number, cMean: number, rng: Rng, out: Float64Array): void;
}

export interface OutcomeKnobs {
  outcome: OutcomeKind;
  baseRate: number;
  baseComplexity: number;
  noise: number;
  costNoise: number;
}

export function outcomeModel(k: OutcomeKnobs): OutcomeModel {
  const beta = k.baseRate / (1 + k.baseComplexity);
  const link = k.outcome === 'binary' ? (v: number) => -Math.expm1(-beta * v) : (v: number) => beta * v;
  const expect = (m: Float64Array, q: Float64Array, r: Float64Array, c: Float64Array): void => {
    for (let j = 0; j < m.length; j++) {
      r[j] = sig6(link(m[j]));
      c[j] = sig6(link(q[j]));
    }
  };
  switch (k.outcome) {
    case 'gaussian': {
      const logSd = Math.sqrt(Math.log1p(k.costNoise * k.costNoise));
      return {
        expect,
        draw(rMean, cMean, rng, out) {
          out[0] = sig6(rMean + k.noise * rng.normal());
          out[1] = sig6(cMean * Math.exp(logSd * rng.normal() - (logSd * logSd) / 2));
        },
      };
    }
    case 'poisson':
      return {
        expect,
        draw(rMean, cMean, rng, out) {
          out[0] = rng.poisson(rMean);
          out[1] = rng.poisson(cMean);
        },
      };
    case 'binary':
      return {
        expect,
        draw(rMean, cMean, rng, out) {
          out[0] = rng.uniform() < rMean ? 1 : 0;
          out[1] = rng.uniform() < cMean ? 1 : 0;
        },
      };
  }
}

/** Six significant digits: plenty for benchmark truth, and it keeps the CSV files small. */
function sig6(v: number): number {
  return Number(v.toPrecision(6));
}
