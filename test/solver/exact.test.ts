import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import { AllocationError } from '../../src/errors.js';
import { solveExact } from '../../src/solver/exact.js';
import { choiceAt } from '../../src/solver/hull.js';
import { ScoreValueError, type Scores } from '../../src/solver/scores.js';
import { bruteForceOptimum, randomScores, referencePrice, scoresOf, spendOf } from './fixtures.js';

const TOL = 1e-9;

/** Spend of the right-limit Lagrangian choice (cheaper arm on ties) at price λ. */
function spendAt(s: Scores, lambda: number): number {
  let spend = 0;
  for (let i = 0; i < s.n; i++) spend += s.chat[i * s.m + choiceAt(s, i * s.m, lambda)];
  return spend;
}

function maxRhat(s: Scores): number {
  let max = -Infinity;
  for (const r of s.rhat) max = Math.max(max, r);
  return max;
}

describe('solveExact', () => {
  it('is feasible, within max r̂ of the brute-force optimum and below the dual bound on random tiny instances', () => {
    const rng = new Rng(7);
    let checked = 0;
    for (let trial = 0; trial < 600; trial++) {
      const n = 1 + rng.int(8);
      const m = 1 + rng.int(3);
      const ties = trial % 3 === 0;
      const s = randomScores(rng, n, m, ties ? 3 : 0);
      const minSpend = spendAt(s, Infinity);
      const maxSpend = spendOf(s, Array.from({ length: n }, (_, i) => choiceAt(s, i * m, 0))).spend;
      const budget = minSpend + rng.uniform() * (maxSpend - minSpend) * 1.1;
      const opt = bruteForceOptimum(s, budget);
      for (const fill of [true, false]) {
        const res = solveExact(s, budget, { fill });
        const actual = spendOf(s, res.allocation);
        assert.ok(actual.spend <= budget + TOL, `trial ${trial}: spend ${actual.spend} > budget ${budget}`);
        assert.ok(Math.abs(actual.spend - res.spend) < TOL && Math.abs(actual.revenue - res.revenue) < TOL);
        assert.ok(res.revenue <= res.dualBound + TOL && opt <= res.dualBound + TOL, `trial ${trial}: dual bound`);
        assert.ok(res.gap >= -TOL);
        // Without fill, several users tied at λ* can all be left on their cheaper arm.
        if (fill || !ties) {
          assert.ok(res.revenue >= opt - maxRhat(s) - TOL, `trial ${trial}: revenue ${res.revenue} vs optimum ${opt}`);
          assert.ok(res.gap <= maxRhat(s) + TOL, `trial ${trial}: gap ${res.gap} > max r̂`);
        }
      }
      checked++;
    }
    assert.equal(checked, 600);
  });

  it('finds the smallest price whose Lagrangian spend fits the budget', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 300; trial++) {
      const s = randomScores(rng, 1 + rng.int(8), 1 + rng.int(3), trial % 2 === 0 ? 4 : 0);
      const lo = spendAt(s, Infinity);
      const hi = spendAt(s, 0);
      const budget = lo + rng.uniform() * (hi - lo);
      const { lambda } = solveExact(s, budget, { fill: false });
      assert.equal(lambda, referencePrice(s, budget), `trial ${trial}`);
      assert.ok(spendAt(s, lambda * (1 + 1e-9)) <= budget + TOL);
      if (lambda > 0) assert.ok(spendAt(s, lambda * (1 - 1e-9)) > budget - TOL, `trial ${trial}: λ* not minimal`);
    }
  });

  it('matches the full-hull reference price on sampled instances, with and without ties', () => {
    const rng = new Rng(3);
    for (const grid of [0, 5]) {
      const s = randomScores(rng, 150_000, 4, grid);
      for (const frac of [0.05, 0.4, 0.9]) {
        const lo = spendAt(s, Infinity);
        const budget = lo + frac * (spendAt(s, 0) - lo);
        const res = solveExact(s, budget);
        assert.equal(res.lambda, referencePrice(s, budget), `grid ${grid}, fraction ${frac}`);
        assert.ok(spendOf(s, res.allocation).spend <= budget + 1e-6);
        assert.ok(res.gap >= -1e-6 && res.gap <= maxRhat(s), `gap ${res.gap}`);
      }
    }
  });

  it('widens the bracket and sweeps again when the sample misleads it', () => {
    // Stride-2 sampling sees only even users; odd users have steeper (or flatter) upgrades.
    const n = 131_072;
    for (const [oddSlope, frac, expected] of [
      [3, 0.25, 3],
      [0.5, 0.75, 0.5],
    ] as const) {
      const rows = Array.from({ length: n }, (_, i): [number, number][] => [
        [0, 0],
        [i % 2 === 1 ? oddSlope : 1, 1],
      ]);
      const s = scoresOf(rows, 'f32');
      const res = solveExact(s, frac * n);
      assert.ok(res.sweeps > 1, `sweeps ${res.sweeps}`);
      assert.equal(res.lambda, expected);
      assert.equal(res.spend, frac * n);
      assert.equal(res.revenue, referenceRevenue(oddSlope, frac, n));
    }
  });

  it('returns the same result for the same input', () => {
    const s = randomScores(new Rng(5), 100_000, 8);
    const a = solveExact(s, 0.3 * s.n * 3);
    const b = solveExact(s, 0.3 * s.n * 3);
    assert.deepEqual(b, a);
  });

  it('fails below the cheapest possible spend, naming the minimum budget', () => {
    const s = scoresOf([
      [
        [1, 2],
        [2, 3],
      ],
      [
        [0, 1.5],
        [1, 4],
      ],
    ]);
    assert.throws(
      () => solveExact(s, 3),
      (e: unknown) => e instanceof AllocationError && /minimum possible spend 3\.5 \(1\.75 per user\)/.test(e.message),
    );
    assert.equal(solveExact(s, 3.5).spend, 3.5);
  });

  it('gives everyone their best-revenue arm, lowest index on ties, once the budget allows the most expensive spend', () => {
    const s = scoresOf([
      [
        [1, 0],
        [3, 2],
        [3, 1],
      ],
      [
        [2, 5],
        [2, 0],
        [1, 1],
      ],
    ]);
    const res = solveExact(s, 5 + 2);
    assert.deepEqual([...res.allocation], [1, 0]);
    assert.equal(res.lambda, 0);
    assert.equal(res.gap, 0);
  });

  it('handles zero and equal costs', () => {
    const free = scoresOf([
      [
        [1, 0],
        [2, 0],
      ],
      [
        [3, 0],
        [1, 0],
      ],
    ]);
    const res = solveExact(free, 0);
    assert.deepEqual([...res.allocation], [1, 0]);
    assert.equal(res.revenue, 5);
    const equal = scoresOf([
      [
        [1, 2],
        [4, 2],
        [4, 2],
      ],
    ]);
    assert.deepEqual([...solveExact(equal, 2).allocation], [1]);
  });

  it('never picks an arm with negative uplift that costs more', () => {
    const s = scoresOf([
      [
        [2, 0],
        [1, 1],
        [3, 2],
      ],
      [
        [2, 0],
        [0.5, 3],
        [2.5, 1],
      ],
    ]);
    for (const budget of [0, 1, 2, 3, 10]) {
      const res = solveExact(s, budget);
      assert.notEqual(res.allocation[0], 1);
      assert.notEqual(res.allocation[1], 1);
      assert.equal(res.revenue, bruteForceOptimum(s, budget), `budget ${budget}`);
    }
  });

  it('takes tied upgrades in user order and keeps the gap below one step', () => {
    // Ten identical users, upgrade cost 2 for revenue 2: budget 7 fits three upgrades.
    const s = scoresOf(Array.from({ length: 10 }, (): [number, number][] => [
      [0, 0],
      [2, 2],
    ]));
    const res = solveExact(s, 7);
    assert.deepEqual([...res.allocation], [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(res.lambda, 1);
    assert.equal(res.dualBound, 7);
    assert.equal(res.gap, 1);
    assert.deepEqual([...solveExact(s, 7, { fill: false }).allocation], new Array(10).fill(0));
  });

  it('rejects NaN, infinite and negative inputs, naming the data row and arm', () => {
    const bad = (r: number, c: number): Scores =>
      scoresOf([
        [
          [1, 0],
          [2, 1],
        ],
        [
          [1, 0],
          [r, c],
        ],
      ]);
    const cases: [Scores, RegExp][] = [
      [bad(NaN, 1), /data row 2, arm 1: revenue is not a finite number/],
      [bad(2, -1), /data row 2, arm 1: cost is negative/],
      [bad(2, Infinity), /data row 2, arm 1: cost is not a finite number/],
    ];
    for (const [s, message] of cases) {
      assert.throws(
        () => solveExact(s, 10),
        (e: unknown) => e instanceof ScoreValueError && e.row === 2 && e.arm === 1 && message.test(e.message),
      );
    }
    assert.throws(() => solveExact(bad(2, 1), NaN), AllocationError);
  });

  it('solves an empty problem', () => {
    const res = solveExact({ n: 0, m: 3, rhat: new Float32Array(0), chat: new Float32Array(0) }, 0);
    assert.equal(res.allocation.length, 0);
    assert.equal(res.spend, 0);
  });
});

/** Optimal revenue of the bracket-miss instances: upgrades go to the steeper half first. */
function referenceRevenue(oddSlope: number, frac: number, n: number): number {
  const half = n / 2;
  const budget = frac * n;
  const [steep, flat] = oddSlope > 1 ? [oddSlope, 1] : [1, oddSlope];
  const first = Math.min(half, budget);
  return steep * first + flat * Math.min(half, budget - first);
}
