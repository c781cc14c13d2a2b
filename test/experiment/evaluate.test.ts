import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../src/config/schema.js';
import type { DataTable } from '../../src/data/table.js';
import { COST_CURVE_POINTS, Evaluator } from '../../src/experiment/evaluate.js';
import { costCurve, rankDescending, roiScores } from '../../src/metrics/aucc.js';
import { policyMetrics } from '../../src/metrics/policy.js';
import { Rng } from '../../src/util/rng.js';

/** n logged rows over `arms` arms (round robin), cost rising with the arm, revenue with arm and a feature. */
function table(n: number, arms: number, seed = 1): DataTable {
  const rng = new Rng(seed);
  const t = Int32Array.from({ length: n }, (_, i) => i % arms);
  const x = Float32Array.from({ length: n }, () => rng.normal());
  const r = Float64Array.from({ length: n }, (_, i) => 1 + t[i] * (0.5 + x[i]) + 0.1 * rng.normal());
  const c = Float64Array.from({ length: n }, (_, i) => 0.05 + 0.3 * t[i] * (1 + 0.2 * rng.uniform()));
  return { file: 'mem.csv', n, d: 1, arms, featureNames: ['f0'], x, t, r, c, extra: [] };
}

/** Predictions that know the feature: r̂_ij = 1 + j(0.5 + x), ĉ_ij = 0.05 + 0.33 j. */
function oracleLike(test: DataTable): { r: Float32Array; c: Float32Array } {
  const r = new Float32Array(test.n * test.arms);
  const c = new Float32Array(test.n * test.arms);
  for (let i = 0; i < test.n; i++) {
    for (let j = 0; j < test.arms; j++) {
      r[i * test.arms + j] = 1 + j * (0.5 + test.x[i]);
      c[i * test.arms + j] = 0.05 + 0.33 * j;
    }
  }
  return { r, c };
}

describe('Evaluator', () => {
  it('sweeps the documented budget range: fractions 0.1 … 1.0 of [c_min, c_max] by default', () => {
    const fractions = ConfigSchema.parse({ name: 'x', data: { arms: 3, rct_train: 'a', rct_val: 'b', rct_test: 'c' }, methods: [{ kind: 'tsm-sl' }] }).evaluate.budgets;
    assert.deepEqual(fractions, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    const test = table(3000, 3);
    const ev = new Evaluator(test, { fraction: 0.3 }, fractions);
    // Per-arm mean logged cost: arm 0 → c_min, the largest → c_max.
    const mean = (arm: number): number => test.c.filter((_, i) => test.t[i] === arm).reduce((a, b) => a + b, 0) / 1000;
    const [cMin, cMax] = [mean(0), Math.max(mean(0), mean(1), mean(2))];
    assert.ok(Math.abs(ev.sweepBudgets[0].budget - (cMin + 0.1 * (cMax - cMin))) < 1e-12);
    assert.ok(Math.abs(ev.sweepBudgets[9].budget - cMax) < 1e-12);
    for (let k = 1; k < 10; k++) assert.ok(ev.sweepBudgets[k].budget > ev.sweepBudgets[k - 1].budget);
    const res = ev.evaluatePredictions(oracleLike(test));
    assert.deepEqual(res.sweep.map((s) => s.fraction), fractions);
    assert.equal(res.cost_curve, undefined, 'no cost curve for M > 2');
  });

  it('addMatches counts, per row, the budget levels whose policy picked the logged arm', () => {
    const test = table(2000, 3);
    const ev = new Evaluator(test, { fraction: [0.2, 0.6] }, [0.5]);
    const pred = oracleLike(test);
    const counts = new Uint16Array(test.n);
    ev.addMatches(pred, counts);
    // Σ_i w_i r_i (counts_i / levels) is the mean EOM revenue over the levels, as in the headline.
    const perArm = [0, 1, 2].map((j) => test.t.filter((t) => t === j).length);
    let value = 0;
    for (let i = 0; i < test.n; i++) value += (test.r[i] * counts[i]) / 2 / perArm[test.t[i]];
    const levels = ev.levelBudgets.map((b) => policyMetrics({ n: test.n, m: 3, rhat: pred.r, chat: pred.c }, test, b).eom_revenue);
    assert.ok(Math.abs(value - (levels[0] + levels[1]) / 2) < 1e-9);
    assert.ok(Math.abs(ev.evaluatePredictions(pred).headline.eom_revenue - value) < 1e-9);
  });

  it('armValues is the per-arm mean (or IPW with a propensity column)', () => {
    const test = table(300, 3);
    const values = new Evaluator(test, { fraction: 0.3 }, [0.5]).armValues();
    assert.deepEqual(values.map((v) => v.rows), [100, 100, 100]);
    const mean = test.r.filter((_, i) => test.t[i] === 2).reduce((a, b) => a + b, 0) / 100;
    assert.ok(Math.abs(values[2].revenue - mean) < 1e-12);
    const withP = new Evaluator({ ...test, p: new Float64Array(300).fill(0.5) }, { fraction: 0.3 }, [0.5]).armValues();
    assert.ok(Math.abs(withP[2].revenue - (mean * 100) / (300 * 0.5)) < 1e-12);
  });

  it('M = 2: samples the AUCC cost curve at rank fractions, from (0, 0) to (ΔC, ΔR)', () => {
    const test = table(1000, 2);
    const pred = oracleLike(test);
    const res = new Evaluator(test, { fraction: 0.3 }, [0.5]).evaluatePredictions(pred);
    const curve = res.cost_curve!;
    assert.equal(curve.cost.length, COST_CURVE_POINTS + 1);
    assert.deepEqual([curve.cost[0], curve.revenue[0]], [0, 0]);
    const full = costCurve(rankDescending(roiScores(pred.r, pred.c, test.n)), test.t, test.r, test.c);
    assert.ok(Math.abs(curve.revenue[COST_CURVE_POINTS] - full.deltaR) < 1e-12);
    assert.ok(Math.abs(curve.cost[50] - full.cost[499]) < 1e-12);
    assert.ok(res.aucc! > 0.5);
  });
});
