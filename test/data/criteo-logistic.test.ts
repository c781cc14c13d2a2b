import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogistic, predictLogistic, standardizer } from '../../src/data/logistic.js';
import { Rng } from '../../src/util/rng.js';

describe('fitLogistic', () => {
  it('recovers the coefficients of a simulated logistic model', () => {
    const rng = new Rng(2);
    const n = 60_000;
    const d = 3;
    const x = new Float32Array(n * d);
    const y = new Uint8Array(n);
    const beta = [1.2, -0.7, 0];
    for (let i = 0; i < n; i++) {
      let z = -2;
      for (let k = 0; k < d; k++) {
        x[i * d + k] = 5 + 2 * rng.normal(); // not centred: standardisation must handle it
        z += beta[k] * ((x[i * d + k] - 5) / 2);
      }
      y[i] = rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    const std = standardizer(x, n, d);
    const model = fitLogistic(x, d, y, Uint32Array.from({ length: n }, (_, i) => i), std, { ridge: 1e-6 });
    // Weights are per standardised feature: the true slope times the feature's sd (≈ 2) over 2.
    for (let k = 0; k < d; k++) assert.ok(Math.abs((model.weights[k] * 2) / std.scale[k] - beta[k]) < 0.05, `w${k} = ${model.weights[k]}`);
    assert.ok(model.iterations < 15, `${model.iterations} iterations`);
    const p = predictLogistic(model, std, Float32Array.of(5, 5, 5), 0, d);
    assert.ok(Math.abs(p - 1 / (1 + Math.exp(2))) < 0.01, `p at the mean ${p}`);
  });

  it('stays finite on separable data and on a subset of rows', () => {
    const x = Float32Array.of(-2, -1, 1, 2, 100);
    const y = Uint8Array.of(0, 0, 1, 1, 0);
    const rows = Uint32Array.of(0, 1, 2, 3); // row 4 is not part of the fit
    const std = standardizer(x.subarray(0, 4), 4, 1);
    const model = fitLogistic(x, 1, y, rows, std);
    assert.ok(model.weights.every(Number.isFinite));
    assert.ok(predictLogistic(model, std, x, 3, 1) > 0.5 && predictLogistic(model, std, x, 0, 1) < 0.5);
  });

  it('standardizer uses scale 1 for a constant feature', () => {
    const std = standardizer(Float32Array.of(3, 1, 3, 2), 2, 2);
    assert.deepEqual([...std.mean], [3, 1.5]);
    assert.deepEqual([...std.scale], [1, 0.5]);
  });
});
