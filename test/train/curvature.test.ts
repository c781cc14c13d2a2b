import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { Mlp, splitHeads, type MlpSpec } from '../../src/nn/mlp.js';
import { gradients, hvp, hvpFiniteDifference } from '../../src/nn/secondorder.js';
import { WlsCurvature, wlsGradient } from '../../src/train/curvature.js';
import { wlsProblem } from '../../src/train/hypergradient.js';
import { gatesOf, lowerLoss, lowerPotential } from '../../src/train/lower.js';
import { Rng } from '../../src/util/rng.js';
import { lowerLevel, obsBatch, randomLike, relErr } from './fixtures.js';

before(async () => {
  await initBackend('cpu');
});

const NETS: MlpSpec[] = [
  { inputDim: 3, hidden: [6, 5], activation: 'sigmoid', output: 'softplus', arms: 3 },
  { inputDim: 3, hidden: [6], activation: 'tanh', output: 'identity', arms: 3 },
  { inputDim: 3, hidden: [6, 5], activation: 'relu', output: 'softplus', arms: 3 },
];

describe('WlsCurvature', () => {
  for (const net of NETS) {
    for (const bridge of ['pseudo-labels', 'row-weights'] as const) {
      it(`${net.activation}/${net.output}, ${bridge}: value, gradient and H·v equal autodiff of the lower loss`, () => {
        const batch = obsBatch(24, 3, 3, 1);
        const lower = lowerLevel(net, batch, { bridge });
        const target = Mlp.create(net, 2);
        const bridgeNet = Mlp.create(lower.bridge, 3);
        const gates = gatesOf(lower.spec, lower.bridge, bridgeNet.vars, batch, 3);
        const potential = (ps: readonly tf.Tensor[]) => lowerPotential(lower.spec, splitHeads(target.apply(batch.x, ps), 3), batch, gates);
        const problem = wlsProblem(lower, bridgeNet.vars);
        const curv = WlsCurvature.at(problem, target.vars);
        assert.ok(Math.abs(curv.value.dataSync()[0] - potential(target.vars).dataSync()[0]) < 1e-5, 'P is the potential');
        // the θ steps follow ∇ lowerLoss; the cached backward pass must give the same vector
        const lossGrad = gradients((ps) => lowerLoss(lower.spec, splitHeads(target.apply(batch.x, ps), 3), batch, gates), target.vars);
        assert.ok(relErr(curv.grads, lossGrad) < 1e-5, `gradient ${relErr(curv.grads, lossGrad)}`);
        assert.ok(relErr(wlsGradient(problem, target.vars), lossGrad) < 1e-5);
        const v = randomLike(target.vars, new Rng(4));
        const exact = curv.hvp(v);
        const nested = hvp(potential, target.vars, v);
        assert.ok(relErr(exact, nested) < 1e-5, `vs double back-propagation: ${relErr(exact, nested)}`);
        if (net.activation !== 'relu') {
          // finite differences are meaningless across ReLU kinks (tfjs-notes.md)
          const fd = hvpFiniteDifference(potential, target.vars, v, 1e-2);
          assert.ok(relErr(exact, fd) < 1e-2, `vs central difference: ${relErr(exact, fd)}`);
        }
        curv.dispose();
        tf.dispose([problem.omega, problem.y]);
        target.dispose();
        bridgeNet.dispose();
      });
    }
  }

  it('jvp is the directional derivative of the outputs, and dispose releases the cache', () => {
    const net = NETS[0];
    const batch = obsBatch(16, 3, 3, 5);
    const lower = lowerLevel(net, batch);
    const target = Mlp.create(net, 6);
    const bridgeNet = Mlp.create(lower.bridge, 7);
    const problem = wlsProblem(lower, bridgeNet.vars);
    const v = randomLike(target.vars, new Rng(8));
    const before = tf.memory().numTensors;
    const curv = WlsCurvature.at(problem, target.vars);
    const jv = curv.jvp(v);
    const eps = 1e-2;
    const fd = tf.tidy(() => {
      const out = (s: number) => target.apply(batch.x, target.vars.map((p, k) => tf.add(p, tf.mul(s * eps, v[k]))));
      return tf.div(tf.sub(out(1), out(-1)), 2 * eps);
    });
    assert.ok(relErr([jv], [fd]) < 1e-2, `${relErr([jv], [fd])}`);
    tf.dispose([jv, fd]);
    for (let k = 0; k < 5; k++) tf.dispose(curv.hvp(v));
    curv.dispose();
    assert.equal(tf.memory().numTensors, before);
    target.dispose();
    bridgeNet.dispose();
  });
});
