/**
 * Bi-DFCL training, Algorithm 1 of method.md §5, for one method and seed:
 *
 *   teacher F_ψ (frozen; its predictions on every OBS row are computed once), target F_θ, bridge G_φ
 *   for each OBS batch b over all epochs:
 *     if the gates are learned and b mod k == 0 (implicit) or always (explicit "w/o ID"):   upper step
 *       θ* ← k assumed steps from a copy of θ on the lower loss at the current gates
 *       g  ← ∇_θ L_upper(θ*) on an RCT mini-batch (PPL or PIFD, λ* by Algorithm A on that batch)
 *       v  ← CG on (H + δI) v = g;   ∇_φ = −∇_φ(vᵀ∇_θ P(φ, θ*));   Adam step on φ
 *       (explicit: θ' = θ − α∇_θP, g at θ', ∇_φ = −α∇_φ(gᵀ∇_θP(φ, θ)))
 *     one Adam step on θ with the lower loss at the current gates
 *   output: F_θ at the best validation EOM (the shared loop's checkpoint selection)
 *
 * The lower loss, its weighted-least-squares form and the bridge modes are in lower.ts, the upper loss in
 * upper.ts, the second-order work in hypergradient.ts / curvature.ts / cg.ts, the diagnostics in
 * bidfcl-stats.ts. Units: features standardised, outcomes divided by the output scale, as everywhere.
 */
import { tf } from '../backend/index.js';
import type { BidfclMethodConfig, MethodConfig } from '../config/schema.js';
import type { DataTable } from '../data/table.js';
import { ConfigError } from '../errors.js';
import { log } from '../log.js';
import { Mlp, splitHeads, type MlpSpec } from '../nn/mlp.js';
import { predictOriginal, type OutputScale, type TrainedModel } from '../nn/predictor.js';
import { dot } from '../nn/secondorder.js';
import { Rng } from '../util/rng.js';
import { EpochStats, type BidfclEpochSummary, type UpperStepRecord } from './bidfcl-stats.js';
import { CgError } from './cg.js';
import { wlsGradient } from './curvature.js';
import { assumedSteps, curvatureAt, explicitHypergradient, implicitHypergradient, wlsProblem, type Curvature, type Hypergradient, type LowerLevel } from './hypergradient.js';
import { trainLoop, type EpochRecord, type LoopResult } from './loop.js';
import { disposeObsBatch, fixedGate, gateStats, gatesOf, gatherObsBatch, lowerLoss, type LowerSpec, type ObsBatch, type ObsRows } from './lower.js';
import type { MethodContext, MethodRun } from './method.js';
import { buildTrainSet, fitFeatureScaler, fitOutputScale, type TrainSet } from './prepare.js';
import { RctSampler, upperGradient, type UpperSpec } from './upper.js';

export interface BidfclContext extends Omit<MethodContext, 'teacher'> {
  /** The frozen teacher; null when the bridge does not use pseudo-labels. */
  teacher: TrainedModel | null;
  /** Validation score of a model (higher is better), as for every method. */
  score: (tm: TrainedModel) => number;
}

/** A loop epoch with the bi-level diagnostics, as train.json stores it. */
export type BidfclEpochRecord = EpochRecord & { phase: 'warm-start' | 'bi-level' } & Partial<BidfclEpochSummary>;

/** The teacher trained inside a Bi-DFCL method when the config names none: TSM-SL on RCT. */
export function teacherMethod(method: BidfclMethodConfig): MethodConfig {
  return { id: `${method.id}.teacher`, kind: 'tsm-sl', data: 'rct', epochs: method.teacher_epochs, batch_size: undefined, lr: undefined };
}

/** The teacher's predictions on the OBS rows (n×M each) in the target's scaled units. */
function teacherPredictions(teacher: TrainedModel, obs: DataTable, scale: OutputScale): ObsRows['teacher'] {
  const p = predictOriginal(teacher, obs.x, obs.n);
  for (let k = 0; k < p.r.length; k++) {
    p.r[k] /= scale.revenue;
    p.c[k] /= scale.cost;
  }
  return p;
}

/** A non-finite θ* or hypergradient in an upper step (CG's own failures are CgError). */
class UpperStepError extends Error {}

/** Everything one Bi-DFCL run holds; `step` is the loop's step function (exported for tests). */
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
  /** Set when CG fails; the step then reports NaN so the loop stops and keeps its best checkpoint. */
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
    tf.tidy(() => {
      const gates = this.gates(batch);
      this.stats.addGates(gateStats(this.lowerSpec, gates, batch.logged.onehot));
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
      },
      'upper step',
    );
  }

  /** Closes an epoch's diagnostics (fixed gates are recorded as their constant). */
  endEpoch(): BidfclEpochSummary {
    const fixed = fixedGate(this.method.gates);
    if (fixed !== null) this.stats.addGates({ r: fixed, c: fixed, saturated: fixed > 0.95 ? 1 : 0 });
    const s = this.stats.take();
    log.info({ method: this.method.id, epoch: this.epoch, ...s }, 'bi-level epoch');
    return s;
  }

  dispose(): void {
    if (this.v) tf.dispose(this.v);
    this.thetaOpt.dispose();
    this.phiOpt?.dispose();
    this.bridge?.dispose();
  }
}

/** Trains a Bi-DFCL method (see the file header). The teacher is the caller's; it is not disposed. */
export function trainBidfcl(method: BidfclMethodConfig, ctx: BidfclContext): MethodRun {
  const { config, splits, seed } = ctx;
  if (!splits.obs) throw new ConfigError(`method ${method.id} trains on OBS data but data.obs is not set`, { key: 'data.obs' });
  if (method.bridge === 'pseudo-labels' && !ctx.teacher) throw new Error(`method ${method.id}: pseudo-labels need a teacher`);
  const tables = [splits.rctTrain, splits.obs];
  const scaler = ctx.warmStart?.scaler ?? fitFeatureScaler(tables);
  const scale = ctx.warmStart?.scale ?? fitOutputScale(tables);
  const obsSet = buildTrainSet([splits.obs], [false], scaler, scale);
  const rctSet = buildTrainSet([splits.rctTrain], [true], scaler, scale);
  const obs: ObsRows = { set: obsSet, teacher: ctx.teacher && method.bridge === 'pseudo-labels' ? teacherPredictions(ctx.teacher, splits.obs, scale) : null };
  const spec: MlpSpec = { inputDim: obsSet.d, hidden: config.model.hidden, activation: config.model.activation, output: config.model.output, arms: obsSet.arms };
  const model = ctx.warmStart ? Mlp.fromWeights(spec, ctx.warmStart.model.getWeights()) : Mlp.create(spec, new Rng(seed));
  const trained: TrainedModel = { model, scaler, scale };
  const batchSize = method.batch_size ?? config.train.batch_size;
  const resolved = { ...method, lr: method.lr ?? config.train.lr, batch_size: batchSize };
  const trainer = new BilevelTrainer(resolved, model, obs, rctSet, scale, ctx.trainBudgets, seed);
  log.info(
    {
      method: method.id,
      seed,
      obs_rows: obsSet.n,
      rct_rows: rctSet.n,
      batch: batchSize,
      teacher: method.bridge === 'pseudo-labels' ? (method.teacher ?? 'trained inside') : null,
      warm_start: method.warm_start ?? null,
      implicit: method.implicit,
      bridge: method.bridge,
      gates: method.gates,
      hypergradient: method.hypergradient,
    },
    'training (bi-level)',
  );
  const loopFor = (label: string, epochs: number, withUpper: boolean, rngSeed: number): { loop: LoopResult; summaries: BidfclEpochSummary[] } => {
    const summaries: BidfclEpochSummary[] = [];
    let validations = 0;
    trainer.epoch = 0;
    const loop = trainLoop({
      label,
      rows: obsSet.n,
      batchSize,
      epochs,
      patience: config.train.patience,
      maxLoss: config.train.max_loss,
      rng: new Rng(rngSeed),
      step: (idx) => trainer.step(idx, withUpper),
      // The loop validates once before training and after every epoch: the later calls close an epoch.
      validate: () => {
        if (validations++ > 0) summaries.push(trainer.endEpoch());
        trainer.epoch = validations;
        return ctx.score(trained);
      },
      getWeights: () => model.getWeights(),
      setWeights: (w) => model.setWeights(w),
    });
    if (trainer.failure) {
      loop.error = trainer.failure;
      log.error({ method: method.id }, trainer.failure);
    }
    return { loop, summaries };
  };
  try {
    const history: BidfclEpochRecord[] = [];
    let warmSteps = 0;
    let warmSeconds = 0;
    if (method.warm_start_epochs > 0) {
      // θ steps only, with the bridge at its initialisation; the best validated epoch starts the bi-level phase.
      const warm = loopFor(`${method.id}.warm-start`, method.warm_start_epochs, false, seed * 7919 + 2);
      history.push(...warm.loop.history.map((r, i) => ({ ...r, phase: 'warm-start' as const, ...warm.summaries[i] })));
      warmSteps = warm.loop.steps;
      warmSeconds = warm.loop.seconds;
      if (warm.loop.stopped === 'diverged' || warm.loop.stopped === 'interrupted') {
        return { trained, loop: { ...warm.loop, history }, rows: obsSet.n };
      }
    }
    const main = loopFor(method.id, method.epochs ?? config.train.epochs, true, seed * 7919 + 1);
    history.push(...main.loop.history.map((r, i) => ({ ...r, phase: 'bi-level' as const, ...main.summaries[i] })));
    return { trained, loop: { ...main.loop, history, steps: main.loop.steps + warmSteps, seconds: main.loop.seconds + warmSeconds }, rows: obsSet.n };
  } finally {
    trainer.dispose();
  }
}
