import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { budgetAtFraction, costRange, perCapitaBudgets } from '../../src/metrics/budget.js';
import { policyMetrics } from '../../src/metrics/policy.js';
import { meanStd, normalisedArea } from '../../src/metrics/stats.js';

describe('costRange and budgets', () => {
  it('interpolates between the arm-0 cost and the most expensive arm', () => {
    // arm 0 mean cost 0.5, arm 1 mean 2, arm 2 mean 1.
    const range = costRange([0, 0, 1, 2], [0, 1, 2, 1], 3);
    assert.deepEqual(range, { cMin: 0.5, cMax: 2 });
    assert.equal(budgetAtFraction(range, 0.5), 1.25);
    assert.deepEqual(perCapitaBudgets({ fraction: [0, 1] }, range), [0.5, 2]);
    assert.deepEqual(perCapitaBudgets({ per_capita: 3 }, range), [3]);
  });
});

describe('policyMetrics', () => {
  // Two users, two arms; predictions equal the truth. User 0 gains 3 for cost 1, user 1 gains 1 for cost 1.
  const trueR = Float64Array.from([1, 4, 1, 2]);
  const trueC = Float64Array.from([0, 1, 0, 1]);
  const pred = { n: 2, m: 2, rhat: trueR, chat: trueC };
  // Logged RCT rows: user 0 got arm 1 (r 4, c 1), user 1 got arm 0 (r 1, c 0); p = 1/2 each.
  const logged = { t: Int32Array.from([1, 0]), r: Float64Array.from([4, 1]), c: Float64Array.from([1, 0]) };

  it('gives everyone their best arm with a budget above every spend, with zero regret', () => {
    const m = policyMetrics(pred, logged, 10, { trueR, trueC });
    assert.equal(m.true_revenue, 3); // (4 + 2) / 2
    assert.equal(m.true_cost, 1);
    assert.equal(m.oracle_revenue, 3);
    assert.equal(m.regret, 0);
    // IPW: both rows match the policy; weights 1/(2·½) = 1: revenue (4 + 0·…) → rows matched: user 0 only.
    assert.equal(m.eom_revenue, 4);
    assert.equal(m.eom_cost, 1);
  });

  it('treats only the better user at half the budget', () => {
    const m = policyMetrics(pred, logged, 0.5, { trueR, trueC });
    assert.equal(m.true_revenue, 2.5); // user 0 → 4, user 1 → 1
    assert.equal(m.oracle_revenue, 2.5);
    assert.ok(m.lambda > 1 && m.lambda < 3, `λ* ${m.lambda} separates the two ROIs`);
  });
});

describe('stats', () => {
  it('mean and sample std', () => {
    assert.deepEqual(meanStd([1, 2, 3]), { mean: 2, std: 1, n: 3 });
    assert.deepEqual(meanStd([5]), { mean: 5, std: 0, n: 1 });
  });
  it('normalised area of a sweep', () => {
    assert.equal(normalisedArea([0, 1], [1, 3]), 2);
    assert.equal(normalisedArea([0.1, 0.2, 0.3], [1, 1, 1]), 1);
  });
});
