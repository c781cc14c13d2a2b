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
 * This file sets a run up (data, scales, teacher predictions, networks), runs the optional warm-start
 * epochs and the bi-level epochs through the shared loop, and merges their histories. The per-batch work
 * is bilevel-step.ts; the lower loss and the bridge modes lower.ts; the upper loss upper.ts; the
 * second-order work hypergradient.ts / curvature.ts / cg.ts; the diagnostics bidfcl-stats.ts.
 * Units: features standardised, outcomes divided by the output scale, as everywhere.
 */
import type { BidfclMethodConfig, MethodConfig } from '../config/schema.js';
import type { DataTable } from '../data/table.js';
import { ConfigError } from '../errors.js';
import { log } from '../log.js';
import { Mlp, type MlpSpec } from '../nn/mlp.js';
import { predictOriginal, type OutputScale, type TrainedModel } from '../nn/predictor.js';
import { Rng } from '../util/rng.js';
import type { BidfclEpochSummary } from './bidfcl-stats.js';
import { BilevelTrainer } from './bilevel-step.js';
import { trainLoop, type EpochRecord } from './loop.js';
import type { ObsRows } from './lower.js';
import type { MethodContext, MethodRun } from './method.js';
import { buildTrainSet, fitFeatureScaler, fitOutputScale } from './prepare.js';

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

/** Trains a Bi-DFCL method (see the file header). The teacher is the caller's; it is not disposed. */
export async function trainBidfcl(method: BidfclMethodConfig, ctx: BidfclContext): Promise<MethodRun> {
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
  const loopFor = async (label: string, epochs: number, withUpper: boolean, rngSeed: number, initialCandidate: boolean) => {
    const summaries: BidfclEpochSummary[] = [];
    // The loop validates after every epoch (and once before the first when the start is a candidate):
    // each later call closes an epoch's diagnostics.
    let beforeFirst = initialCandidate;
    trainer.epoch = 1;
    const loop = await trainLoop({
      label,
      rows: obsSet.n,
      batchSize,
      epochs,
      patience: config.train.patience,
      checkpoint: method.checkpoint,
      maxLoss: config.train.max_loss,
      rng: new Rng(rngSeed),
      initialCandidate,
      step: (idx) => trainer.step(idx, withUpper),
      validate: () => {
        if (beforeFirst) beforeFirst = false;
        else summaries.push(trainer.endEpoch(withUpper ? 'bi-level' : 'warm-start'));
        trainer.epoch = summaries.length + 1;
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
      const warm = await loopFor(`${method.id}.warm-start`, method.warm_start_epochs, false, seed * 7919 + 2, ctx.warmStart !== undefined);
      history.push(...warm.loop.history.map((r, i) => ({ ...r, phase: 'warm-start' as const, ...warm.summaries[i] })));
      warmSteps = warm.loop.steps;
      warmSeconds = warm.loop.seconds;
      if (warm.loop.stopped === 'diverged' || warm.loop.stopped === 'interrupted') {
        return { trained, loop: { ...warm.loop, history }, rows: obsSet.n };
      }
    }
    // A warm start (a named model, or the warm-start epochs) is itself a checkpoint candidate.
    const main = await loopFor(method.id, method.epochs ?? config.train.epochs, true, seed * 7919 + 1, ctx.warmStart !== undefined || method.warm_start_epochs > 0);
    history.push(...main.loop.history.map((r, i) => ({ ...r, phase: 'bi-level' as const, ...main.summaries[i] })));
    return { trained, loop: { ...main.loop, history, steps: main.loop.steps + warmSteps, seconds: main.loop.seconds + warmSeconds }, rows: obsSet.n };
  } finally {
    trainer.dispose();
  }
}
