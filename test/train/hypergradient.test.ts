/**
 * The hypergradient against a float64 reference on a tiny problem whose lower level is solved exactly:
 * a LINEAR target (no hidden layer, identity output), so P(φ, θ) = Σ Ω(φ)(Y − [x 1]θ)² is a quadratic in θ
 * and θ*(φ) solves the normal equations per output column. The upper objective U(φ) = L_PPL(θ*(φ)) at a
 * fixed λ is then smooth in φ, and its central difference (all in float64 on the CPU, including the
 * bridge's forward pass) is the reference for the float32 tfjs hypergradient.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { armShares, ipwUnitWeights, makeRctBatch } from '../../src/losses/common.js';
import { pplLoss } from '../../src/losses/ppl.js';
import { forward, Mlp, splitHeads, type MlpSpec } from '../../src/nn/mlp.js';
import { valueAndGradients } from '../../src/nn/secondorder.js';
import { assumedSteps, curvatureAt, explicitHypergradient, implicitHypergradient, type HypergradientMode } from '../../src/train/hypergradient.js';
import type { BridgeMode } from '../../src/train/lower.js';
import { Rng } from '../../src/util/rng.js';
import { cosine, lowerLevel, obsBatch, relErr } from './fixtures.js';

before(async () => {
  await initBackend('cpu');
});

const D = 3;
const M = 2;
const OUT = 2 * M;
const N_OBS = 40;
const N_RCT = 30;
const LAMBDA = 0.4;
const TAU = 0.5;
const LINEAR: MlpSpec = { inputDim: D, hidden: [], activation: 'relu', output: 'identity', arms: M };

/** Host copies of everything the float64 reference needs. */
function setup(seed: number) {
  const batch = obsBatch(N_OBS, D, M, seed);
  const lower = lowerLevel(LINEAR, batch);
  const bridge = Mlp.create(lower.bridge, seed + 1);
  const rng = new Rng(seed + 2);
  const rx = Float32Array.from({ length: N_RCT * D }, () => rng.normal());
  const rt = Int32Array.from({ length: N_RCT }, (_, i) => i % M);
  const rr = Float32Array.from({ length: N_RCT }, () => 1 + rng.uniform());
  const rc = Float32Array.from({ length: N_RCT }, () => rng.uniform());
  const ru = ipwUnitWeights(rt, armShares(rt, M));
  const rct = makeRctBatch(rt, rr, rc, ru, M);
  const host = {
    x: Float64Array.from(batch.x.dataSync()),
    t: Int32Array.from(tf.argMax(batch.logged.onehot, 1).dataSync()),
    r: Float64Array.from(batch.logged.r.dataSync()),
    c: Float64Array.from(batch.logged.c.dataSync()),
    tr: Float64Array.from(batch.teacher!.r.dataSync()),
    tc: Float64Array.from(batch.teacher!.c.dataSync()),
    rx: Float64Array.from(rx),
    rt,
    rr: Float64Array.from(rr),
    ru: Float64Array.from(ru),
  };
  return { batch, lower, bridge, rct, rx, host };
}

type Host = ReturnType<typeof setup>['host'];

/** Bridge forward in float64: gates [n, 2M] for the OBS rows (one sigmoid hidden layer, sigmoid output). */
function gates64(phi: Float64Array[], host: Host, hidden: number): Float64Array {
  const [w1, b1, w2, b2] = phi;
  const g = new Float64Array(N_OBS * OUT);
  const sig = (z: number): number => 1 / (1 + Math.exp(-z));
  for (let i = 0; i < N_OBS; i++) {
    const h = new Float64Array(hidden);
    for (let a = 0; a < hidden; a++) {
      let z = b1[a];
      for (let k = 0; k < D; k++) z += host.x[i * D + k] * w1[k * hidden + a];
      h[a] = sig(z);
    }
    for (let o = 0; o < OUT; o++) {
      let z = b2[o];
      for (let a = 0; a < hidden; a++) z += h[a] * w2[a * OUT + o];
      g[i * OUT + o] = sig(z);
    }
  }
  return g;
}

/** Ω and Y [n, 2M] (method.md §5 lower loss as weighted least squares), float64. */
function wls64(gates: Float64Array, host: Host, bridge: BridgeMode): { omega: Float64Array; y: Float64Array } {
  const omega = new Float64Array(N_OBS * OUT);
  const y = new Float64Array(N_OBS * OUT);
  const sums = [0, 0];
  for (let i = 0; i < N_OBS; i++) for (let h = 0; h < 2; h++) sums[h] += gates[i * OUT + h * M + host.t[i]];
  for (let i = 0; i < N_OBS; i++) {
    for (let h = 0; h < 2; h++) {
      for (let j = 0; j < M; j++) {
        const o = i * OUT + h * M + j;
        const logged = j === host.t[i];
        const factual = h === 0 ? host.r[i] : host.c[i];
        if (bridge === 'row-weights') {
          omega[o] = logged ? gates[o] / sums[h] : 0;
          y[o] = logged ? factual : 0;
        } else {
          omega[o] = (logged ? 1 : gates[o]) / N_OBS;
          y[o] = logged ? factual : (h === 0 ? host.tr : host.tc)[i * M + j];
        }
      }
    }
  }
  return { omega, y };
}

/** θ*(Ω, Y): per output column, the weighted normal equations on [x 1] (Gauss-Jordan, float64). */
function solveTheta(omega: Float64Array, y: Float64Array, host: Host): Float64Array {
  const p = D + 1;
  const theta = new Float64Array(p * OUT); // rows 0..D-1 = W (row-major [D, OUT]), row D = b
  for (let o = 0; o < OUT; o++) {
    const a = Array.from({ length: p }, () => new Float64Array(p + 1));
    for (let i = 0; i < N_OBS; i++) {
      const xi = [...host.x.subarray(i * D, i * D + D), 1];
      const w = omega[i * OUT + o];
      for (let u = 0; u < p; u++) {
        for (let v = 0; v < p; v++) a[u][v] += w * xi[u] * xi[v];
        a[u][p] += w * xi[u] * y[i * OUT + o];
      }
    }
    for (let cIdx = 0; cIdx < p; cIdx++) {
      for (let rIdx = 0; rIdx < p; rIdx++) {
        if (rIdx === cIdx) continue;
        const f = a[rIdx][cIdx] / a[cIdx][cIdx];
        for (let k = cIdx; k <= p; k++) a[rIdx][k] -= f * a[cIdx][k];
      }
    }
    for (let u = 0; u < p; u++) theta[u * OUT + o] = a[u][p] / a[u][u];
  }
  return theta;
}

/** ∇_θ P at θ, float64, in the layout of solveTheta. */
function lowerGrad64(theta: Float64Array, omega: Float64Array, y: Float64Array, host: Host): Float64Array {
  const g = new Float64Array(theta.length);
  for (let i = 0; i < N_OBS; i++) {
    const xi = [...host.x.subarray(i * D, i * D + D), 1];
    for (let o = 0; o < OUT; o++) {
      let pred = 0;
      for (let u = 0; u <= D; u++) pred += xi[u] * theta[u * OUT + o];
      const d = -2 * omega[i * OUT + o] * (y[i * OUT + o] - pred);
      for (let u = 0; u <= D; u++) g[u * OUT + o] += d * xi[u];
    }
  }
  return g;
}

/** L_PPL(θ) at the fixed λ, float64: −Σ u_i r_i softmax_j((r̂ − λĉ)/τ)_{t_i}. */
function upper64(theta: Float64Array, host: Host): number {
  let loss = 0;
  for (let i = 0; i < N_RCT; i++) {
    const xi = [...host.rx.subarray(i * D, i * D + D), 1];
    const out = new Float64Array(OUT);
    for (let o = 0; o < OUT; o++) for (let u = 0; u <= D; u++) out[o] += xi[u] * theta[u * OUT + o];
    const a = Array.from({ length: M }, (_, j) => (out[j] - LAMBDA * out[M + j]) / TAU);
    const mx = Math.max(...a);
    const e = a.map((v) => Math.exp(v - mx));
    loss -= (host.ru[i] * host.rr[i] * e[host.rt[i]]) / e.reduce((s, v) => s + v, 0);
  }
  return loss;
}

const toTensors = (theta: Float64Array): tf.Tensor[] => [
  tf.tensor2d(Float32Array.from(theta.subarray(0, D * OUT)), [D, OUT]),
  tf.tensor1d(Float32Array.from(theta.subarray(D * OUT))),
];

/** Central-difference gradient of U(φ) over every bridge coordinate, float64 throughout. */
function referenceHypergradient(phi: Float64Array[], U: (phi: Float64Array[]) => number, eps = 1e-5): Float64Array[] {
  return phi.map((p, k) =>
    Float64Array.from(p, (_, i) => {
      const shifted = (s: number) => U(phi.map((q, kk) => (kk === k ? Float64Array.from(q, (v, ii) => (ii === i ? v + s * eps : v)) : q)));
      return (shifted(1) - shifted(-1)) / (2 * eps);
    }),
  );
}

describe('implicit hypergradient (linear target, lower level solved exactly)', () => {
  for (const bridge of ['pseudo-labels', 'row-weights'] as const) {
    for (const mode of ['exact', 'double-backprop', 'finite-difference'] as HypergradientMode[]) {
      // float32 products against a float64 reference: 1e-5 relative for the exact products (measured ≈ 2e-7),
      // 1e-3 for finite differences of float32 gradients (measured ≈ 4e-5 and 3e-4).
      const tolerance = mode === 'finite-difference' ? 1e-3 : 1e-5;
      it(`${bridge}, ${mode}: agrees with a central difference of U(φ) = L_PPL(θ*(φ)) to ${tolerance} relative`, (t) => {
        const { lower: base, bridge: bridgeNet, rct, rx, host } = setup(11);
        const lower = { ...base, spec: { ...base.spec, bridge } };
        const hidden = lower.bridge.hidden[0];
        const phi64 = bridgeNet.vars.map((v) => Float64Array.from(v.dataSync()));
        const thetaOf = (phi: Float64Array[]) => {
          const { omega, y } = wls64(gates64(phi, host, hidden), host, bridge);
          return solveTheta(omega, y, host);
        };
        const thetaStar = toTensors(thetaOf(phi64));
        // the lower level really is solved: ∇_θ P(θ*) = 0 up to rounding
        const { omega, y } = wls64(gates64(phi64, host, hidden), host, bridge);
        assert.ok(Math.hypot(...lowerGrad64(thetaOf(phi64), omega, y, host)) < 1e-9);

        const xs = tf.tensor2d(rx, [N_RCT, D]);
        const upper = (ps: readonly tf.Tensor[]) => pplLoss(splitHeads(forward(LINEAR, ps, xs), M), rct, { lambda: LAMBDA, tau: TAU });
        const { value, grads: g } = valueAndGradients(upper, thetaStar);
        assert.ok(Math.abs(value.dataSync()[0] - upper64(thetaOf(phi64), host)) < 1e-5, 'float32 and float64 upper losses agree');
        const curv = curvatureAt(mode, lower, bridgeNet.vars, thetaStar);
        const hg = implicitHypergradient(curv, g, { nCg: 100, tol: 1e-7, damping: 0 });
        curv.dispose();

        const ref = referenceHypergradient(phi64, (phi) => upper64(thetaOf(phi), host)).map((r, k) =>
          tf.tensor(Float32Array.from(r), bridgeNet.vars[k].shape),
        );
        const err = relErr(hg.grads, ref);
        const cos = cosine(hg.grads, ref);
        t.diagnostic(`relative error ${err.toExponential(2)}, cosine ${cos.toFixed(7)}, CG ${hg.cg!.iterations} iterations, residual ${hg.cg!.relResidual.toExponential(2)}`);
        assert.ok(hg.cg!.iterations <= 16 + 2, `${hg.cg!.iterations} CG iterations for 16 unknowns`);
        assert.ok(err < tolerance, `relative error ${err.toExponential(2)}, cosine ${cos}, CG residual ${hg.cg!.relResidual}`);
        tf.dispose([...hg.grads, ...hg.v, ...ref, ...g, ...thetaStar, xs]);
        bridgeNet.dispose();
      });
    }
  }

  it('explicit: equals the derivative of U(φ) = L_PPL(θ − α∇_θP(φ, θ)) through the unrolled step to 1e-5 relative', (t) => {
    const { lower, bridge: bridgeNet, rct, rx, host } = setup(12);
    const hidden = lower.bridge.hidden[0];
    const alpha = 0.3;
    const phi64 = bridgeNet.vars.map((v) => Float64Array.from(v.dataSync()));
    const rng = new Rng(5);
    const theta0 = Float64Array.from({ length: (D + 1) * OUT }, () => 0.5 * rng.normal());
    const thetaOf = (phi: Float64Array[]) => {
      const { omega, y } = wls64(gates64(phi, host, hidden), host, 'pseudo-labels');
      const g = lowerGrad64(theta0, omega, y, host);
      return theta0.map((v, i) => v - alpha * g[i]);
    };
    const xs = tf.tensor2d(rx, [N_RCT, D]);
    const upper = (ps: readonly tf.Tensor[]) => pplLoss(splitHeads(forward(LINEAR, ps, xs), M), rct, { lambda: LAMBDA, tau: TAU });
    const thetaStep = toTensors(thetaOf(phi64));
    const { grads: g } = valueAndGradients(upper, thetaStep);
    const theta = toTensors(theta0);
    const curv = curvatureAt('exact', lower, bridgeNet.vars, theta);
    const hg = explicitHypergradient(curv, g, alpha);
    curv.dispose();
    const ref = referenceHypergradient(phi64, (phi) => upper64(thetaOf(phi), host)).map((r, k) => tf.tensor(Float32Array.from(r), bridgeNet.vars[k].shape));
    const err = relErr(hg.grads, ref);
    t.diagnostic(`relative error ${err.toExponential(2)}, cosine ${cosine(hg.grads, ref).toFixed(7)}`);
    assert.ok(err < 1e-5, `relative error ${err.toExponential(2)}`);
    tf.dispose([...hg.grads, ...ref, ...g, ...theta, ...thetaStep, xs]);
    bridgeNet.dispose();
  });
});

describe('assumedSteps', () => {
  it('sgd is θ − lr·g per step; adam moves each weight by ≈ lr on its first step', () => {
    const theta = [tf.tensor1d([1, -2, 3])];
    const grad = (th: readonly tf.Tensor[]) => [tf.mul(2, th[0])]; // ∇ of Σθ²
    const sgd = assumedSteps(theta, grad, 2, 'sgd', 0.1);
    assert.deepEqual(Array.from(sgd[0].dataSync()).map((v) => +v.toFixed(5)), [0.64, -1.28, 1.92]);
    const adam = assumedSteps(theta, grad, 1, 'adam', 0.01);
    assert.deepEqual(Array.from(adam[0].dataSync()).map((v) => +v.toFixed(4)), [0.99, -1.99, 2.99]);
    tf.dispose([...theta, ...sgd, ...adam]);
  });
});
