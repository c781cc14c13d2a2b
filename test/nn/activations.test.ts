import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { relu, sigmoid, softmax, softplus, stopGradient, tanh } from '../../src/nn/activations.js';

before(async () => {
  await initBackend('cpu');
});

const X = [-2.5, -0.7, 0.3, 1.9];
const sig = (x: number): number => 1 / (1 + Math.exp(-x));

/** Elementwise first and second derivatives of Σ f(x), the second by nested tf.grad. */
function derivatives(f: (x: tf.Tensor) => tf.Tensor): { d1: number[]; d2: number[] } {
  return tf.tidy(() => {
    const x = tf.tensor1d(X);
    const g = (y: tf.Tensor): tf.Tensor => tf.grad((z: tf.Tensor) => tf.sum(f(z)))(y);
    return { d1: Array.from(g(x).dataSync()), d2: Array.from(tf.grad((y: tf.Tensor) => tf.sum(g(y)))(x).dataSync()) };
  });
}

function assertClose(got: number[], want: number[], tol: number, what: string): void {
  got.forEach((v, k) => assert.ok(Math.abs(v - want[k]) <= tol * (1 + Math.abs(want[k])), `${what}[${k}]: ${v} vs ${want[k]}`));
}

describe('exact-gradient activations', () => {
  const cases: Array<[string, (x: tf.Tensor) => tf.Tensor, (x: number) => number, (x: number) => number, (x: number) => number]> = [
    ['sigmoid', sigmoid, sig, (x) => sig(x) * (1 - sig(x)), (x) => sig(x) * (1 - sig(x)) * (1 - 2 * sig(x))],
    ['tanh', tanh, Math.tanh, (x) => 1 - Math.tanh(x) ** 2, (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)],
    ['softplus', softplus, (x) => Math.log1p(Math.exp(x)), sig, (x) => sig(x) * (1 - sig(x))],
    ['relu', relu, (x) => Math.max(x, 0), (x) => (x > 0 ? 1 : 0), () => 0],
  ];
  for (const [name, f, value, first, second] of cases) {
    it(`${name}: value, first and second derivative are exact`, () => {
      const v = tf.tidy(() => Array.from(f(tf.tensor1d(X)).dataSync()));
      assertClose(v, X.map(value), 1e-6, 'value');
      const { d1, d2 } = derivatives(f);
      assertClose(d1, X.map(first), 1e-6, 'first');
      assertClose(d2, X.map(second), 1e-5, 'second');
    });
  }

  it('raw tf.sigmoid gets the second derivative wrong (why the wrappers exist)', () => {
    let wrong = false;
    try {
      const { d2 } = derivatives((x) => tf.sigmoid(x));
      wrong = d2.some((v, k) => Math.abs(v - sig(X[k]) * (1 - sig(X[k])) * (1 - 2 * sig(X[k]))) > 1e-3);
    } catch {
      wrong = true; // "Cannot compute gradient of y=f(x)…": the path through the saved output is pruned
    }
    assert.ok(wrong, 'tfjs fixed nested sigmoid gradients: the wrappers may no longer be needed');
  });

  it('softmax: Hessian-vector product of w·softmax(x) equals a central difference of gradients', () => {
    const x = [0.2, -1.0, 0.7];
    const w = [1.5, -0.3, 0.8];
    const v = [0.4, 1.0, -0.6];
    const f = (z: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.tensor1d(w), softmax(z)));
    const grad = (z: tf.Tensor): tf.Tensor => tf.grad(f)(z);
    const hv = tf.tidy(() => Array.from(tf.grad((z: tf.Tensor) => tf.sum(tf.mul(grad(z), tf.tensor1d(v))))(tf.tensor1d(x)).dataSync()));
    const h = 1e-2;
    const fd = tf.tidy(() => {
      const gp = grad(tf.tensor1d(x.map((xi, k) => xi + h * v[k]))).dataSync();
      const gm = grad(tf.tensor1d(x.map((xi, k) => xi - h * v[k]))).dataSync();
      return Array.from(gp, (p, k) => (p - gm[k]) / (2 * h));
    });
    assertClose(hv, fd, 1e-3, 'Hv');
    // values sum to 1 along the last axis of a matrix
    const rows = tf.tidy(() => Array.from(tf.sum(softmax(tf.tensor2d([[1, 2, 3], [0, 0, 0]])), -1).dataSync()));
    assertClose(rows, [1, 1], 1e-6, 'row sums');
  });

  it('stopGradient passes the value and blocks the gradient', () => {
    const [val, g] = tf.tidy(() => {
      const x = tf.tensor1d([1, 2]);
      const y = stopGradient(x);
      const grad = tf.grad((z: tf.Tensor) => tf.sum(tf.add(tf.square(stopGradient(z)), z)))(x);
      return [Array.from(y.dataSync()), Array.from(grad.dataSync())];
    });
    assert.deepEqual(val, [1, 2]);
    assert.deepEqual(g, [1, 1]);
  });
});
