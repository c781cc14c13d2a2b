import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitScaler, scalerFromJSON, scalerToJSON, transformRows } from '../../src/nn/scaler.js';
import { ModelError } from '../../src/errors.js';

describe('fitScaler', () => {
  it('fits mean and population std per feature, centring constant features only', () => {
    // feature 0: [1, 3, 5] → mean 3, std √(8/3); feature 1: constant 7 → mean 7, divisor 1
    const s = fitScaler(Float32Array.from([1, 7, 3, 7, 5, 7]), 3, 2);
    assert.deepEqual(Array.from(s.mean), [3, 7]);
    assert.ok(Math.abs(s.std[0] - Math.sqrt(8 / 3)) < 1e-6);
    assert.equal(s.std[1], 1);
    const y = transformRows(s, Float32Array.from([3, 9]), 1);
    assert.deepEqual(Array.from(y), [0, 2]);
  });

  it('gives standardised training data (mean 0, std 1)', () => {
    const n = 1000;
    const x = Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? 100 + Math.sin(k) * 5 : Math.cos(k) * 0.01));
    const z = transformRows(fitScaler(x, n, 2), x, n);
    for (const j of [0, 1]) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < n; i++) m += z[2 * i + j] / n;
      for (let i = 0; i < n; i++) v += (z[2 * i + j] - m) ** 2 / n;
      assert.ok(Math.abs(m) < 1e-4 && Math.abs(v - 1) < 1e-3, `feature ${j}: mean ${m}, var ${v}`);
    }
  });

  it('round-trips through JSON and validates', () => {
    const s = fitScaler(Float32Array.from([1, 2, 3, 4]), 2, 2);
    assert.deepEqual(scalerFromJSON(scalerToJSON(s), 2), s);
    assert.throws(() => scalerFromJSON({ mean: [0], std: [0] }), ModelError);
    assert.throws(() => scalerFromJSON(scalerToJSON(s), 3), ModelError);
    assert.throws(() => fitScaler(Float32Array.from([1, 2, 3]), 2, 2), ModelError);
  });
});
