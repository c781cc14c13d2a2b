import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { CgError, conjugateGradient } from '../../src/train/cg.js';
import { Rng } from '../../src/util/rng.js';

before(async () => {
  await initBackend('cpu');
});

/** A random SPD matrix A = QᵀQ/n + shift·I (float64, row-major), split over a 2-tensor parameter list. */
function spd(n: number, seed: number, shift: number): Float64Array {
  const rng = new Rng(seed);
  const q = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k * n + i] * q[k * n + j];
      a[i * n + j] = s / n + (i === j ? shift : 0);
    }
  return a;
}

// Parameters as a list [3×2 matrix, 4-vector]: 10 unknowns, like a tiny network's θ.
const SHAPES = [[3, 2], [4]];
const N = 10;
const toList = (x: ArrayLike<number>): tf.Tensor[] => [tf.tensor(Array.from(x).slice(0, 6), SHAPES[0]), tf.tensor(Array.from(x).slice(6), SHAPES[1])];
const fromList = (xs: tf.Tensor[]): number[] => xs.flatMap((t) => Array.from(t.dataSync()));
const matVec = (a: Float64Array, x: ArrayLike<number>): number[] =>
  Array.from({ length: N }, (_, i) => Array.from(x).reduce((s, xj, j) => s + a[i * N + j] * xj, 0));
const applier = (a: Float64Array) => (p: readonly tf.Tensor[]) => toList(matVec(a, fromList(p as tf.Tensor[])));

/** Gaussian elimination (float64), the reference solution. */
function solve(a: Float64Array, b: number[]): number[] {
  const m = Array.from({ length: N }, (_, i) => [...Array.from(a.subarray(i * N, i * N + N)), b[i]]);
  for (let c = 0; c < N; c++) {
    const piv = m.reduce((best, row, r) => (r >= c && Math.abs(row[c]) > Math.abs(m[best][c]) ? r : best), c);
    [m[c], m[piv]] = [m[piv], m[c]];
    for (let r = 0; r < N; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= N; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[N] / m[i][i]);
}

const relDiff = (x: number[], y: number[]): number =>
  Math.sqrt(x.reduce((s, xi, i) => s + (xi - y[i]) ** 2, 0) / y.reduce((s, yi) => s + yi * yi, 0));

describe('conjugateGradient', () => {
  const a = spd(N, 1, 0.1);
  const bArr = Array.from({ length: N }, (_, i) => Math.sin(i + 1));

  it('solves a known SPD system to float32 precision', () => {
    const res = conjugateGradient(applier(a), toList(bArr), { maxIter: 50, tol: 1e-6, damping: 0 });
    assert.equal(res.stop, 'tolerance');
    assert.ok(res.iterations <= N + 3, `${res.iterations} iterations`);
    const err = relDiff(fromList(res.x), solve(a, bArr));
    assert.ok(err < 1e-4, `relative error ${err}`);
    tf.dispose(res.x);
  });

  it('adds the damping δI', () => {
    const damped = Float64Array.from(a, (v, k) => (k % (N + 1) === 0 ? v + 0.5 : v));
    const res = conjugateGradient(applier(a), toList(bArr), { maxIter: 50, tol: 1e-6, damping: 0.5 });
    assert.ok(relDiff(fromList(res.x), solve(damped, bArr)) < 1e-4);
    tf.dispose(res.x);
  });

  it('stops at the relative-residual tolerance or the iteration cap, and reports the residual', () => {
    const loose = conjugateGradient(applier(a), toList(bArr), { maxIter: 50, tol: 1e-1, damping: 0 });
    assert.equal(loose.stop, 'tolerance');
    assert.ok(loose.relResidual < 1e-1);
    const tight = conjugateGradient(applier(a), toList(bArr), { maxIter: 50, tol: 1e-6, damping: 0 });
    assert.ok(loose.iterations < tight.iterations, `${loose.iterations} < ${tight.iterations}`);
    // the reported residual is the true one
    const x = fromList(loose.x);
    const r = matVec(a, x).map((v, i) => bArr[i] - v);
    assert.ok(Math.abs(Math.hypot(...r) / Math.hypot(...bArr) - loose.relResidual) < 1e-4);
    const capped = conjugateGradient(applier(a), toList(bArr), { maxIter: 2, tol: 1e-9, damping: 0 });
    assert.equal(capped.stop, 'max-iterations');
    assert.equal(capped.iterations, 2);
    tf.dispose([...loose.x, ...tight.x, ...capped.x]);
  });

  it('a warm start at the solution needs no iterations; a bad one is dropped', () => {
    const first = conjugateGradient(applier(a), toList(bArr), { maxIter: 50, tol: 1e-5, damping: 0 });
    const again = conjugateGradient(applier(a), toList(bArr), { maxIter: 50, tol: 1e-3, damping: 0, x0: first.x });
    assert.ok(again.warm);
    assert.equal(again.iterations, 0);
    const bad = toList(bArr.map((v) => -100 * v));
    const cold = conjugateGradient(applier(a), toList(bArr), { maxIter: 50, tol: 1e-5, damping: 0, x0: bad });
    assert.ok(!cold.warm);
    assert.ok(relDiff(fromList(cold.x), solve(a, bArr)) < 1e-3);
    tf.dispose([...first.x, ...again.x, ...bad, ...cold.x]);
  });

  it('stops on negative curvature and returns b when nothing was solved', () => {
    const neg = Float64Array.from(a, (v) => -v);
    const res = conjugateGradient(applier(neg), toList(bArr), { maxIter: 50, tol: 1e-6, damping: 0 });
    assert.equal(res.stop, 'negative-curvature');
    assert.deepEqual(fromList(res.x).map((v) => +v.toFixed(5)), bArr.map((v) => +v.toFixed(5)));
    tf.dispose(res.x);
  });

  it('throws a clear error on NaN, and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const nanApply = (p: readonly tf.Tensor[]) => p.map((t) => tf.mul(t, NaN));
    const b = toList(bArr);
    assert.throws(() => conjugateGradient(nanApply, b, { maxIter: 5, tol: 1e-6, damping: 0 }), (e: unknown) => e instanceof CgError && /not finite/.test(e.message));
    const nanB = toList(bArr.map(() => NaN));
    assert.throws(() => conjugateGradient(applier(a), nanB, { maxIter: 5, tol: 1e-6, damping: 0 }), /right-hand side/);
    tf.dispose([...b, ...nanB]);
    assert.equal(tf.memory().numTensors, before);
    const zero = conjugateGradient(applier(a), toList(new Array(N).fill(0)), { maxIter: 5, tol: 1e-6, damping: 0 });
    assert.equal(zero.stop, 'zero-rhs');
  });
});
