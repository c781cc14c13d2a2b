import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { makeRctBatch } from '../../src/losses/common.js';
import { pifdLoss } from '../../src/losses/pifd.js';
import { bisectionEps } from '../../src/metrics/policy.js';
import { Mlp, splitHeads } from '../../src/nn/mlp.js';
import { gradients } from '../../src/nn/secondorder.js';
import { algorithmA } from '../../src/solver/bisection.js';
import type { TrainSet } from '../../src/train/prepare.js';
import { RctSampler, upperGradient } from '../../src/train/upper.js';
import { Rng } from '../../src/util/rng.js';
import { relErr } from './fixtures.js';

before(async () => {
  await initBackend('cpu');
});

describe('RctSampler', () => {
  it('walks a seeded permutation, then a fresh one, never repeating a row within a pass', () => {
    const s = new RctSampler(10, 4, new Rng(1));
    const pass = [...s.next(), ...s.next()];
    assert.equal(new Set(pass).size, 8);
    assert.equal(s.next().length, 4, 'the short remainder is skipped: every batch has full size');
    const again = new RctSampler(10, 4, new Rng(1));
    assert.deepEqual([...again.next(), ...again.next()], pass, 'deterministic for a seed');
  });
});

describe('upperGradient', () => {
  it('is ∇_θ L_PIFD at the λ* Algorithm A finds on the same rows', () => {
    const rng = new Rng(2);
    const n = 40;
    const set: TrainSet = {
      n,
      d: 3,
      arms: 3,
      x: Float32Array.from({ length: n * 3 }, () => rng.normal()),
      t: Int32Array.from({ length: n }, (_, i) => i % 3),
      r: Float32Array.from({ length: n }, () => 1 + rng.uniform()),
      c: Float32Array.from({ length: n }, (_, i) => 0.1 + 0.3 * (i % 3) * rng.uniform()),
      invP: new Float32Array(n).fill(3),
      w: new Float32Array(n).fill(3),
    };
    const model = Mlp.create({ inputDim: 3, hidden: [6], activation: 'relu', output: 'softplus', arms: 3 }, 3);
    const idx = Uint32Array.from({ length: 20 }, (_, i) => 2 * i);
    const spec = { loss: 'pifd' as const, tau: 0.5, reward: 'revenue' as const, hMin: 0.3, budgets: [0.2, 0.3] };
    const up = upperGradient(spec, model.spec, model.vars, set, idx);
    // the same thing by hand
    const pick = <T extends Float32Array | Int32Array>(a: T): T => a.filter((_, i) => i % 2 === 0 && i < 40) as T;
    const x = tf.tensor2d(Array.from(idx).flatMap((i) => Array.from(set.x.subarray(i * 3, i * 3 + 3))), [20, 3]);
    const [t, r, c] = [pick(set.t), pick(set.r), pick(set.c)];
    const heads = splitHeads(model.apply(x), 3);
    const scores = { n: 20, m: 3, rhat: heads.r.dataSync() as Float32Array, chat: heads.c.dataSync() as Float32Array };
    const lambdas = spec.budgets.map((b) => algorithmA(scores, { t, r, c, p: new Float32Array(20).fill(1 / 3) }, b, bisectionEps(b)).lambda);
    assert.deepEqual(up.lambdas, lambdas);
    const batch = makeRctBatch(t, r, c, new Float32Array(20).fill(3 / 20), 3);
    const g = gradients((ps) => pifdLoss(splitHeads(model.apply(x, ps), 3), batch, { lambda: lambdas, tau: 0.5, hMin: 0.3 }), model.vars);
    assert.ok(relErr(up.grads, g) < 1e-6);
    assert.ok(Number.isFinite(up.loss));
    model.dispose();
  });
});
