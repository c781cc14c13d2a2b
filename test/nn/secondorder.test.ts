import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { armShares, ipwUnitWeights, makeLoggedBatch, makeRctBatch, type Heads } from '../../src/losses/common.js';
import { pseudoLabelLoss, pseudoLabelPotential } from '../../src/losses/prediction.js';
import { pplLoss } from '../../src/losses/ppl.js';
import { Mlp, splitHeads, type MlpSpec } from '../../src/nn/mlp.js';
import { dot, gradients, hvp, hvpFiniteDifference, mixedSecondDerivative, type ParamLoss } from '../../src/nn/secondorder.js';
import { Rng } from '../../src/util/rng.js';

before(async () => {
  await initBackend('cpu');
});

const SIGMOID_NET: MlpSpec = { inputDim: 3, hidden: [6, 5], activation: 'sigmoid', output: 'softplus', arms: 3 };
const N = 16;

function fixture(seed: number) {
  const rng = new Rng(seed);
  const x = tf.tensor2d(Float32Array.from({ length: N * 3 }, () => rng.normal()), [N, 3]);
  const t = Int32Array.from({ length: N }, (_, i) => i % 3);
  const r = Float32Array.from({ length: N }, () => 2 * rng.uniform());
  const c = Float32Array.from({ length: N }, () => rng.uniform());
  const rct = makeRctBatch(t, r, c, ipwUnitWeights(t, armShares(t, 3)), 3);
  const obs = makeLoggedBatch(t, r, c, 3);
  return { rng, x, rct, obs };
}

const randomLike = (ps: readonly tf.Tensor[], rng: Rng): tf.Tensor[] =>
  ps.map((p) => tf.tensor(Float32Array.from({ length: p.size }, () => rng.normal()), p.shape));

/** ‖a − b‖ / ‖b‖ over whole parameter lists. */
function relErr(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  return tf.tidy(() => {
    const d = a.map((x, k) => tf.sub(x, b[k]));
    return Math.sqrt(dot(d, d).dataSync()[0] / dot(b, b).dataSync()[0]);
  });
}

/** The same network with raw tf.sigmoid / tf.softmax, to show what the wrappers fix. */
function rawPplLoss(x: tf.Tensor2D, rct: ReturnType<typeof fixture>['rct']): ParamLoss {
  return (ps) => {
    let h: tf.Tensor = x;
    for (let l = 0; l < ps.length / 2; l++) {
      const z = tf.add(tf.matMul(h as tf.Tensor2D, ps[2 * l] as tf.Tensor2D), ps[2 * l + 1]);
      h = l === ps.length / 2 - 1 ? tf.softplus(z) : tf.sigmoid(z);
    }
    const { r, c } = splitHeads(h as tf.Tensor2D, 3);
    const z = tf.softmax(tf.div(tf.sub(r, tf.mul(0.5, c)), 0.5));
    return tf.neg(tf.sum(tf.mul(tf.mul(rct.u, rct.r), tf.sum(tf.mul(z, rct.onehot), 1)))) as tf.Scalar;
  };
}

describe('hvp', () => {
  it('through sigmoid hidden layers and the PPL softmax equals a central difference of gradients', () => {
    const { rng, x, rct } = fixture(1);
    const model = Mlp.create(SIGMOID_NET, 7);
    const loss: ParamLoss = (ps) => pplLoss(splitHeads(model.apply(x, ps), 3), rct, { lambda: 0.5, tau: 0.5 });
    const v = randomLike(model.vars, rng);
    const exact = hvp(loss, model.vars, v);
    const fd = hvpFiniteDifference(loss, model.vars, v, 1e-2);
    const err = relErr(exact, fd);
    assert.ok(err < 1e-2, `relative error ${err}`);
    // per layer too: the dropped term in raw tfjs hits early layers hardest
    exact.forEach((e, k) => assert.ok(relErr([e], [fd[k]]) < 1e-2, `param ${k}: ${relErr([e], [fd[k]])}`));

    // The same network built from raw tf.sigmoid / tf.softmax: identical gradients, wrong HVP (or a throw).
    const raw = rawPplLoss(x, rct);
    assert.ok(relErr(gradients(raw, model.vars), gradients(loss, model.vars)) < 1e-5, 'same first-order gradient');
    let rawErr = Infinity;
    try {
      rawErr = relErr(hvp(raw, model.vars, v), fd);
    } catch {
      /* tfjs may refuse the nested gradient outright */
    }
    assert.ok(rawErr > 10 * Math.max(err, 1e-3), `raw tfjs HVP error ${rawErr} vs wrapped ${err}`);
    model.dispose();
  });

  it('of the lower-level potential equals a central difference of the pseudo-label loss gradients', () => {
    const { rng, x, obs } = fixture(2);
    const target = Mlp.create(SIGMOID_NET, 8);
    const teacherHeads: Heads = tf.tidy(() => {
      const teacher = Mlp.create(SIGMOID_NET, 9);
      const h = splitHeads(teacher.apply(x), 3);
      teacher.dispose();
      return h;
    });
    const gates: Heads = { r: tf.fill([N, 3], 0.3), c: tf.fill([N, 3], 0.6) };
    const lower: ParamLoss = (ps) => pseudoLabelLoss(splitHeads(target.apply(x, ps), 3), teacherHeads, gates, obs);
    const potential: ParamLoss = (ps) => pseudoLabelPotential(splitHeads(target.apply(x, ps), 3), teacherHeads, gates, obs);
    const v = randomLike(target.vars, rng);
    // The Jacobian of the gradient field the θ steps follow, by finite differences of pseudoLabelLoss's gradient:
    const fd = hvpFiniteDifference(lower, target.vars, v, 1e-2);
    const err = relErr(hvp(potential, target.vars, v), fd);
    assert.ok(err < 1e-2, `relative error ${err}`);
    // The pitfall pseudoLabelPotential exists for: double back-propagation through the stop_gradient gives the
    // Hessian of a loss with frozen labels, a different matrix.
    const frozen = relErr(hvp(lower, target.vars, v), fd);
    assert.ok(frozen > 0.05, `double back-prop through stop_gradient came within ${frozen}`);
    target.dispose();
  });
});

describe('mixedSecondDerivative', () => {
  it('∇_φ(vᵀ∇_θ L) for the pseudo-label loss with a sigmoid-gated bridge equals a finite difference', () => {
    // L is the lower loss as the θ steps see it (pseudoLabelLoss); the exact mixed derivative is taken of
    // pseudoLabelPotential (same θ-gradient) and also of pseudoLabelLoss itself, which agree here.
    const { rng, x, obs } = fixture(3);
    const target = Mlp.create(SIGMOID_NET, 10);
    const bridge = Mlp.create({ ...SIGMOID_NET, output: 'sigmoid' }, 11);
    const teacher = tf.tidy(() => splitHeads(Mlp.create(SIGMOID_NET, 12).apply(x), 3));
    const loss = (phi: readonly tf.Tensor[], theta: readonly tf.Tensor[]): tf.Scalar =>
      pseudoLabelLoss(splitHeads(target.apply(x, theta), 3), teacher, splitHeads(bridge.apply(x, phi), 3), obs);
    const potential = (phi: readonly tf.Tensor[], theta: readonly tf.Tensor[]): tf.Scalar =>
      pseudoLabelPotential(splitHeads(target.apply(x, theta), 3), teacher, splitHeads(bridge.apply(x, phi), 3), obs);
    const v = randomLike(target.vars, rng);
    const mixed = mixedSecondDerivative(potential, bridge.vars, target.vars, v);
    assert.ok(relErr(mixedSecondDerivative(loss, bridge.vars, target.vars, v), mixed) < 1e-4);
    // m(φ) = vᵀ∇_θ L(φ, θ); compare wᵀ∇_φ m with (m(φ + εw) − m(φ − εw)) / 2ε along random directions w.
    const m = (phi: readonly tf.Tensor[]): number =>
      tf.tidy(() => dot(gradients((th) => loss(phi, th), target.vars), v).dataSync()[0]);
    for (let trial = 0; trial < 3; trial++) {
      const w = randomLike(bridge.vars, rng);
      const eps = 1e-2;
      const shifted = (s: number): tf.Tensor[] => bridge.vars.map((p, k) => tf.add(p, tf.mul(s * eps, w[k])));
      const fd = (m(shifted(1)) - m(shifted(-1))) / (2 * eps);
      const exact = dot(mixed, w).dataSync()[0];
      assert.ok(Math.abs(exact - fd) < 1e-2 * Math.abs(fd) + 1e-5, `direction ${trial}: ${exact} vs ${fd}`);
    }
    assert.ok(dot(mixed, mixed).dataSync()[0] > 0, 'the gates move the lower-level gradient');
    target.dispose();
    bridge.dispose();
  });
});

describe('second-order bookkeeping', () => {
  it('returns zeros for parameters the loss ignores, and leaves the tensor count flat', () => {
    const { rng, x, rct, obs } = fixture(4);
    const model = Mlp.create(SIGMOID_NET, 13);
    const bridge = Mlp.create({ ...SIGMOID_NET, output: 'sigmoid' }, 14);
    const teacher = tf.tidy(() => splitHeads(model.apply(x), 3));
    const unused = tf.ones([2]);
    const g = gradients((ps) => tf.sum(ps[0]) as tf.Scalar, [tf.ones([2]), unused]);
    assert.deepEqual(Array.from(g[1].dataSync()), [0, 0]);
    const v = randomLike(model.vars, rng);
    const round = (): void => {
      const outs = [
        ...hvp((ps) => pplLoss(splitHeads(model.apply(x, ps), 3), rct, { lambda: 0.2, tau: 1 }), model.vars, v),
        ...mixedSecondDerivative(
          (phi, th) => pseudoLabelLoss(splitHeads(model.apply(x, th), 3), teacher, splitHeads(bridge.apply(x, phi), 3), obs),
          bridge.vars,
          model.vars,
          v,
        ),
      ];
      tf.dispose(outs);
    };
    round();
    const count = tf.memory().numTensors;
    for (let k = 0; k < 10; k++) round();
    assert.equal(tf.memory().numTensors, count);
    model.dispose();
    bridge.dispose();
  });
});
