import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { argmaxRows, makeRctBatch, trueDecisionLoss, type Heads, type RctBatch } from '../../src/losses/common.js';
import { pifdDirection, pifdLoss } from '../../src/losses/pifd.js';
import { Rng } from '../../src/util/rng.js';

before(async () => {
  await initBackend('cpu');
});

const close = (a: number, b: number, tol = 1e-5): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

// 3 rows, 3 arms, t = [0, 1, 2], p = ⅓ each → u = 1; r = [2, 1, 3], c = [1, 1, 1]; scores at λ = 0 are r̂:
//   row0 r̂ = [3, 1, 2]      π = 0 = t (matched): h_00 = 2 − 3 = −1 → d_00 = −2/−1 = 2;
//                            h_01 = 3 − 1 = 2 → d_01 = −1;  h_02 = 3 − 2 = 1 → d_02 = −2
//   row1 r̂ = [0, 0.5, 2]    π = 2 ≠ t = 1: h_11 = 2 − 0.5 = 1.5 → d_11 = 1/1.5, d_12 = −1/1.5, d_10 = 0
//   row2 r̂ = [1, 1.1, 1.05] π = 1 ≠ t = 2: h = 0.05, clipped to h_min = 0.25 → d_22 = 3/0.25 = 12, d_21 = −12
const T = [0, 1, 2];
const RHAT = [[3, 1, 2], [0, 0.5, 2], [1, 1.1, 1.05]];
function handBatch(): RctBatch {
  return makeRctBatch(T, Float32Array.from([2, 1, 3]), Float32Array.from([1, 1, 1]), Float32Array.from([1, 1, 1]), 3);
}

describe('pifdDirection', () => {
  it('follows the matched / mismatched formulas with h_min clipping', () => {
    const d = pifdDirection(RHAT.flat(), 3, 3, T, [2, 1, 3], 0.25);
    const want = [2, -1, -2, 0, 1 / 1.5, -1 / 1.5, 0, -12, 12];
    want.forEach((w, k) => close(d[k], w));
  });

  it('treats a tie with the sign of its case and clips it to h_min', () => {
    // scores [1, 1], t = 0: π = 0 (tie → lower index), matched; h_00 = 0 → −h_min; h_01 = 0 → +h_min
    const d = pifdDirection([1, 1], 1, 2, [0], [1], 0.5);
    assert.deepEqual(Array.from(d), [2, -2]);
  });

  it('rejects h_min ≤ 0', () => {
    assert.throws(() => pifdDirection([1, 2], 1, 2, [0], [1], 0), RangeError);
  });
});

describe('pifdLoss', () => {
  it('matches a hand-computed batch', () => {
    // z' = softmax(r̂) (τ = 1):
    //   row0 [0.6652410, 0.0900306, 0.2447285]: Σ −d z' = −2·0.6652410 + 0.0900306 + 2·0.2447285 = −0.7509944
    //   row1 [0.0996237, 0.1642516, 0.7361247]: (0.7361247 − 0.1642516)/1.5 = 0.3812487
    //   row2 [0.3168124, 0.3501319, 0.3330557]: 12·(0.3501319 − 0.3330557) = 0.2049136
    //   L = −0.1648321
    const v = tf.tidy(() => pifdLoss({ r: tf.tensor2d(RHAT), c: tf.ones([3, 3]) }, handBatch(), { lambda: 0, tau: 1, hMin: 0.25 }).dataSync()[0]);
    close(v, -0.1648321);
  });

  it('has gradient −d w.r.t. z′, i.e. the softmax VJP of −d w.r.t. the scores', () => {
    const tau = 0.8;
    const [g, z] = tf.tidy(() => {
      const c = tf.ones([3, 3]) as tf.Tensor2D;
      const grad = tf.grad((r: tf.Tensor) => pifdLoss({ r: r as tf.Tensor2D, c }, handBatch(), { lambda: 0, tau, hMin: 0.25 }))(tf.tensor2d(RHAT));
      return [grad.dataSync(), tf.softmax(tf.div(tf.tensor2d(RHAT), tau)).dataSync()];
    });
    const d = pifdDirection(RHAT.flat(), 3, 3, T, [2, 1, 3], 0.25);
    for (let i = 0; i < 3; i++) {
      let zd = 0;
      for (let j = 0; j < 3; j++) zd += z[3 * i + j] * -d[3 * i + j];
      for (let j = 0; j < 3; j++) close(g[3 * i + j], (z[3 * i + j] * (-d[3 * i + j] - zd)) / tau, 1e-5);
    }
  });

  it('uses the Lagrangian reward and averages over λ*', () => {
    // ĉ = 1 everywhere: at λ = 1 the scores shift by −1 (same decisions, same z') and g = u(r − c) = [1, 0, 2]:
    //   row0 −0.7509944/2 = −0.3754972, row1 0, row2 (2/3)·0.2049136 = 0.1366091 → L(λ=1) = −0.2388881
    // mean over λ ∈ {0, 1} (λ = 0: g = u(r − 0) = r → −0.1648321) = −0.2018601
    const v = tf.tidy(() =>
      pifdLoss({ r: tf.tensor2d(RHAT), c: tf.ones([3, 3]) }, handBatch(), { lambda: [0, 1], tau: 1, hMin: 0.25, reward: 'lagrangian' }).dataSync()[0],
    );
    close(v, (-0.1648321 - 0.2388881) / 2);
  });
});

/**
 * Brute force: move score a_ij alone by s·δ (s = ±1) and find by bisection the smallest δ at which row i's
 * decision changes; return δ and the change in −L_DL just past the flip (NaN when it never flips within
 * `range`). Moving only the scores keeps λ fixed, so no λ* change is involved.
 */
function flip(a: Float64Array, n: number, arms: number, t: Int32Array, g: Float32Array, i: number, j: number, s: 1 | -1, range: number) {
  const before = argmaxRows(a, n, arms)[i];
  const base = -trueDecisionLoss(a, n, arms, t, g);
  const moved = (delta: number): Float64Array => {
    const b = Float64Array.from(a);
    b[i * arms + j] += s * delta;
    return b;
  };
  if (argmaxRows(moved(range), n, arms)[i] === before) return { delta: NaN, change: NaN };
  let lo = 0;
  let hi = range;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (argmaxRows(moved(mid), n, arms)[i] === before) lo = mid;
    else hi = mid;
  }
  return { delta: hi, change: -trueDecisionLoss(moved(hi), n, arms, t, g) - base };
}

describe('PIFD direction vs brute-force finite differences of the true decision loss', () => {
  for (const arms of [2, 3]) {
    it(`d_ij equals the change of −L_DL across the flip divided by the flip distance (M = ${arms})`, () => {
      const rng = new Rng(100 + arms);
      let checked = 0;
      let runnerUpCases = 0;
      for (let trial = 0; trial < 20; trial++) {
        const n = 4;
        const lambda = 0.7;
        // Random scores at a fixed λ; batches with two scores of a row closer than 0.05 are skipped (no ties).
        const rh = Float32Array.from({ length: n * arms }, () => 4 * rng.uniform());
        const ch = Float32Array.from({ length: n * arms }, () => rng.uniform());
        const a = Float64Array.from(rh, (v, k) => v - lambda * ch[k]);
        let tooClose = false;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < arms; j++)
            for (let k = j + 1; k < arms; k++) if (Math.abs(a[i * arms + j] - a[i * arms + k]) < 0.05) tooClose = true;
        if (tooClose) continue;
        const t = Int32Array.from({ length: n }, () => rng.int(arms));
        const batch = makeRctBatch(t, Float32Array.from({ length: n }, () => 0.5 + rng.int(4)), new Float32Array(n).fill(1), new Float32Array(n).fill(1 / n), arms);
        const g = Float32Array.from(batch.host.r, (r, i) => batch.host.u[i] * r);
        const d = pifdDirection(a, n, arms, t, g, 1e-6);
        const pi = argmaxRows(a, n, arms);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < arms; j++) {
            // Moves of a_ij (signed step h) whose first flip changes −L_DL, with that change.
            const moves = ([1, -1] as const)
              .map((sgn) => ({ sgn, ...flip(a, n, arms, t, g, i, j, sgn, 100) }))
              .filter((m) => Number.isFinite(m.delta) && m.change !== 0)
              .map((m) => ({ h: m.sgn * m.delta, change: m.change }));
            const dij = d[i * arms + j];
            if (pi[i] !== t[i] && j === pi[i]) {
              // Mismatched row, chosen arm: lowering it flips to the runner-up. The formula's d = g/(a_π − a_t)
              // is that secant slope only when the runner-up is the logged arm (always true for M = 2).
              const masked = Float64Array.from(a);
              masked[i * arms + j] = -1e9;
              if (argmaxRows(masked, n, arms)[i] !== t[i]) {
                assert.deepEqual(moves, []);
                runnerUpCases++;
                continue;
              }
            }
            if (moves.length === 0) {
              assert.equal(dij, 0, `row ${i} arm ${j}: no flip changes the loss, d should be 0`);
            } else {
              assert.equal(moves.length, 1, `row ${i} arm ${j}: only one direction can change the loss`);
              const { h, change } = moves[0];
              // d_ij is the secant slope of −L_DL across the flip, and d·h the whole change (±g_i).
              assert.ok(Math.abs(dij - change / h) < 1e-6 * (1 + Math.abs(dij)), `row ${i} arm ${j}: d = ${dij}, FD = ${change / h}`);
              assert.ok(Math.abs(dij * h - change) < 1e-6, `row ${i} arm ${j}: d·h = ${dij * h}, Δ(−L_DL) = ${change}`);
              assert.ok(Math.abs(Math.abs(change) - g[i]) < 1e-9, 'a flip gains or loses exactly the row\'s g');
            }
            checked++;
          }
        }
        tf.dispose([batch.onehot, batch.r, batch.c, batch.u]);
      }
      assert.ok(checked > 40, `only ${checked} entries checked`);
      if (arms === 2) assert.equal(runnerUpCases, 0);
    });
  }
});

describe('pifdLoss bookkeeping', () => {
  it('does not leak tensors', () => {
    const heads: Heads = { r: tf.tensor2d(RHAT), c: tf.ones([3, 3]) };
    const b = handBatch();
    const before = tf.memory().numTensors;
    for (let k = 0; k < 5; k++)
      tf.tidy(() => {
        tf.grad((r: tf.Tensor) => pifdLoss({ r: r as tf.Tensor2D, c: heads.c }, b, { lambda: 0.3, tau: 1, hMin: 0.1 }))(heads.r);
      });
    assert.equal(tf.memory().numTensors, before);
  });
});
