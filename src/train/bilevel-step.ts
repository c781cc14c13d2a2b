/**
 * The per-batch work of Bi-DFCL (Algorithm 1 of method.md §5; the loop around it is bidfcl.ts):
 *   upper step (gates learned; every k-th OBS batch, or every batch for the explicit ablation)
 *     θ* ← k assumed steps from a copy of θ on the lower loss at the current gates
 *     g  ← ∇_θ L_upper(θ*) on an RCT mini-batch (PPL or PIFD, λ* by Algorithm A on that batch)
 *     v  ← CG on (H + δI) v = g, warm-started from the previous v;  ∇_φ = −∇_φ(vᵀ∇_θ P(φ, θ*));  Adam on φ
 *     (explicit: θ' = θ − α∇_θP, g at θ', ∇_φ = −α∇_φ(gᵀ∇_θP(φ, θ)))
 *   θ step: one Adam step on the lower loss with the (updated) gates
 * with the diagnostics of every upper step (bidfcl-stats.ts). Every tensor a step creates is released.
 */
import { tf } from '../backend/index.js';
import type { BidfclMethodConfig } from '../config/schema.js';
import { log } from '../log.js';
import { Mlp, splitHeads, type MlpSpec } from '../nn/mlp.js';
import type { OutputScale } from '../nn/predictor.js';
import { dot } from '../nn/secondorder.js';
import { Rng } from '../util/rng.js';
import { EpochStats, type BidfclEpochSummary, type GateRecord, type UpperStepRecord } from './bidfcl-stats.js';
import { CgError } from './cg.js';
import { wlsGradient } from './curvature.js';
import { assumedSteps, curvatureAt, explicitHypergradient, implicitHypergradient, wlsProblem, type Curvature, type Hypergradient, type LowerLevel } from './hypergradient.js';
import { disposeObsBatch, fixedGate, gateStats, gatesOf, gatherObsBatch, lowerLoss, type LowerSpec, type ObsBatch, type ObsRows } from './lower.js';
import type { TrainSet } from './prepare.js';
import { RctSampler, upperGradient, type UpperSpec } from './upper.js';

/** A non-finite θ* or hypergradient in an upper step (CG's own failures are CgError). */
class UpperStepError extends Error {}

/**
 * Everything one Bi-DFCL run holds between batches: bridge, optimisers, RCT sampler, CG warm start,
 * damping estimate and diagnostics. `step` is the loop's step function. `method` must have lr and
 * batch_size resolved (trainBidfcl does it).
 */
export class BilevelTrainer {
  readonly stats = new EpochStats();
  readonly lowerSpec: LowerSpec;
  readonly bridgeSpec: MlpSpec;
  readonly bridge: Mlp | null;
  private readonly thetaOpt: tf.Optimizer;
  private readonly phiOpt: tf.Optimizer | null;
  private readonly upperSpec: UpperSpec;
  private readonly sampler: RctSampler;
  private readonly probeRng: Rng;
  private readonly innerLr: number;
  /** Previous CG solution, the next solve's warm start. */
  private v: tf.Tensor[] | null = null;
  private traceEma: number | null = null;
  private batches = 0;
  epoch = 0;
  /** Set when an upper step meets a non-finite number; the step then reports NaN, so the loop stops and keeps its best checkpoint. */
  failure: string | null = null;

  constructor(
    readonly method: BidfclMethodConfig,
    readonly model: Mlp,
    readonly obs: ObsRows,
    readonly rct: TrainSet,
    readonly scale: OutputScale,
    budgets: number[],
    seed: number,
  ) {
    this.lowerSpec = { bridge: method.bridge, gates: method.gates, detachTarget: method.detach_target };
    this.bridgeSpec = { ...model.spec, output: 'sigmoid' };
    // The bridge exists only when its gates are learned; its seed stream is separate from the target's.
    this.bridge = fixedGate(method.gates) === null ? Mlp.create(this.bridgeSpec, new Rng(seed * 104729 + 7)) : null;
    const lr = method.lr ?? 1e-3;
    this.thetaOpt = tf.train.adam(lr);
    this.phiOpt = this.bridge ? tf.train.adam(method.bridge_lr) : null;
    this.innerLr = method.inner_lr ?? lr;
    this.upperSpec = {
      loss: method.kind === 'bidfcl-ppl' ? 'ppl' : 'pifd',
      tau: method.tau,
      reward: method.reward,
      hMin: method.kind === 'bidfcl-pifd' ? method.h_min : 0.3,
      budgets: budgets.map((b) => b / scale.cost),
    };
    this.sampler = new RctSampler(rct.n, method.rct_batch_size ?? method.batch_size ?? 1024, new Rng(seed * 6151 + 5));
    this.probeRng = new Rng(seed * 3571 + 9);
  }

  /** One OBS batch: an upper step when due, then one θ step. Returns the lower loss. */
  step(idx: Uint32Array, withUpper: boolean): number {
    const batch = gatherObsBatch(this.obs, idx);
    try {
      if (withUpper && this.bridge && (!this.method.implicit || this.batches % this.method.k === 0)) this.upperStep(batch);
      this.batches++;
      return this.thetaStep(batch);
    } catch (e) {
      if (!(e instanceof CgError || e instanceof UpperStepError)) throw e;
      const hint = e instanceof CgError ? '; try more damping' : '; check the learning rates (lr, inner_lr) and the teacher';
      this.failure = `${e.message} (epoch ${this.epoch}, OBS batch ${this.batches + 1})${hint}`;
      return NaN;
    } finally {
      disposeObsBatch(batch);
    }
  }

  private gates(batch: ObsBatch) {
    return gatesOf(this.lowerSpec, this.bridgeSpec, this.bridge?.vars ?? null, batch, this.model.arms);
  }

  private thetaStep(batch: ObsBatch): number {
    return tf.tidy(() => {
      const gates = this.gates(batch); // constants for this step: φ does not move with θ
      const cost = this.thetaOpt.minimize(() => lowerLoss(this.lowerSpec, splitHeads(this.model.apply(batch.x), this.model.arms), batch, gates), true, this.model.vars);
      return cost!.dataSync()[0];
    });
  }

  /**
   * δ: the configured value, or (damping_scale: trace) damping × tr(H), tr(H) by Hutchinson's estimator
   * zᵀHz with Rademacher z: 4 probes at the first upper step, then one per step in a running mean
   * (weight 0.1), so the estimate follows H without costing more than one product per solve.
   */
  private damping(curv: Curvature, theta: readonly tf.Tensor[]): number {
    if (this.method.damping_scale === 'absolute') return this.method.damping;
    const probes = this.traceEma === null ? 4 : 1;
    let sum = 0;
    for (let k = 0; k < probes; k++) {
      sum += tf.tidy(() => {
        const z = theta.map((t) => tf.tensor(Float32Array.from({ length: t.size }, () => (this.probeRng.uniform() < 0.5 ? -1 : 1)), t.shape));
        return dot(z, curv.hvp(z)).dataSync()[0];
      });
    }
    const est = sum / probes;
    if (Number.isFinite(est)) this.traceEma = this.traceEma === null ? est : 0.9 * this.traceEma + 0.1 * est;
    // A non-positive estimate (a badly indefinite H) cannot scale δ: fall back to the plain value.
    return this.method.damping * (this.traceEma !== null && this.traceEma > 0 ? this.traceEma : 1);
  }

  private upperStep(batch: ObsBatch): void {
    const t0 = performance.now();
    const phi = this.bridge!.vars;
    const lower: LowerLevel = { spec: this.lowerSpec, target: this.model.spec, bridge: this.bridgeSpec, batch };
    const m = this.method;
    let rec!: UpperStepRecord;
    let gateRec!: GateRecord;
    tf.tidy(() => {
      gateRec = gateStats(this.lowerSpec, this.gates(batch), batch.logged.onehot);
      this.stats.addGates(gateRec);
      const problem = wlsProblem(lower, phi);
      const grad = (th: readonly tf.Tensor[]): tf.Tensor[] => wlsGradient(problem, th);
      let thetaAt: readonly tf.Tensor[];
      let upperAt: readonly tf.Tensor[];
      if (m.implicit) {
        thetaAt = assumedSteps(this.model.vars, grad, m.k, m.inner_optimizer, this.innerLr);
        upperAt = thetaAt;
        const size = dot(thetaAt, thetaAt).dataSync()[0];
        if (!Number.isFinite(size)) throw new UpperStepError(`the ${m.k} assumed steps produced a non-finite θ* (‖θ*‖² = ${size})`);
      } else {
        const g0 = grad(this.model.vars);
        thetaAt = this.model.vars;
        upperAt = this.model.vars.map((p, i) => tf.sub(p, tf.mul(this.innerLr, g0[i])));
      }
      const up = upperGradient(this.upperSpec, this.model.spec, upperAt, this.rct, this.sampler.next());
      const curv = curvatureAt(m.hypergradient, lower, phi, thetaAt);
      let hg: Hypergradient;
      let damping = 0;
      try {
        if (m.implicit) {
          damping = this.damping(curv, thetaAt);
          hg = implicitHypergradient(curv, up.grads, { nCg: m.n_cg, tol: m.cg_tol, damping, v0: this.v ?? undefined });
        } else {
          hg = explicitHypergradient(curv, up.grads, this.innerLr);
        }
      } finally {
        curv.dispose();
      }
      if (m.implicit) {
        if (this.v) tf.dispose(this.v);
        this.v = hg.v.map((t) => tf.keep(t));
      }
      const norm = Math.sqrt(dot(hg.grads, hg.grads).dataSync()[0]);
      if (!Number.isFinite(norm)) throw new UpperStepError(`the hypergradient is not finite (‖∇_φ‖ = ${norm})`);
      this.phiOpt!.applyGradients(phi.map((p, i) => ({ name: p.name, tensor: hg.grads[i] })));
      const lambdaUnits = this.scale.revenue / this.scale.cost;
      rec = {
        lambda: (up.lambdas.reduce((a, b) => a + b, 0) / up.lambdas.length) * lambdaUnits,
        upperLoss: up.loss,
        cgIterations: hg.cg?.iterations ?? null,
        cgResidual: hg.cg?.relResidual ?? null,
        cgStop: hg.cg?.stop ?? null,
        damping,
        hypergradNorm: norm,
        seconds: (performance.now() - t0) / 1000,
        cgSeconds: hg.cgSeconds,
        negativeDirections: hg.cg?.negativeDirections ?? 0,
      };
    });
    this.stats.addUpper(rec);
    log.debug(
      {
        method: m.id,
        epoch: this.epoch,
        batch: this.batches,
        lambda: rec.lambda,
        upper_loss: rec.upperLoss,
        cg_iterations: rec.cgIterations,
        cg_residual: rec.cgResidual,
        cg_stop: rec.cgStop,
        damping: rec.damping,
        hypergradient_norm: rec.hypergradNorm,
        gate_r: gateRec.r,
        gate_c: gateRec.c,
        gate_saturated: gateRec.saturated,
      },
      'upper step',
    );
  }

  /** Closes an epoch's diagnostics (fixed gates are recorded as their constant). */
  endEpoch(phase: 'warm-start' | 'bi-level' = 'bi-level'): BidfclEpochSummary {
    const fixed = fixedGate(this.method.gates);
    if (fixed !== null) this.stats.addGates({ r: fixed, c: fixed, saturated: fixed > 0.95 ? 1 : 0 });
    const s = this.stats.take();
    log.info({ method: this.method.id, phase, epoch: this.epoch, ...s }, 'bi-level epoch');
    return s;
  }

  dispose(): void {
    if (this.v) tf.dispose(this.v);
    this.thetaOpt.dispose();
    this.phiOpt?.dispose();
    this.bridge?.dispose();
  }
}
