/**
 * Trains one method for one seed: picks its data, fits (or inherits from the warm start) the feature
 * scaler and output scale, builds the network and Adam, and runs the shared loop with validation EOM at
 * the training budget(s) for checkpoint selection.
 */
import { tf } from '../backend/index.js';
import { isBidfclMethod, type BidfclMethodConfig, type Config, type MethodConfig } from '../config/schema.js';
import type { Splits } from '../data/splits.js';
import type { DataTable } from '../data/table.js';
import { log } from '../log.js';
import { bisectionEps } from '../metrics/policy.js';
import { Mlp } from '../nn/mlp.js';
import { predictOriginal, type TrainedModel } from '../nn/predictor.js';
import { algorithmA } from '../solver/bisection.js';
import { Rng } from '../util/rng.js';
import { teacherMethod, trainBidfcl } from './bidfcl.js';
import { trainLoop, type LoopResult } from './loop.js';
import { makeStep } from './objectives.js';
import { buildTrainSet, fitFeatureScaler, fitOutputScale } from './prepare.js';

export interface MethodRun {
  trained: TrainedModel;
  loop: LoopResult;
  /** Rows per epoch. */
  rows: number;
}

export interface MethodContext {
  config: Config;
  splits: Splits;
  seed: number;
  /** Per-capita budgets for training (cost range of rct_train) and validation (of rct_val). */
  trainBudgets: number[];
  valBudgets: number[];
  /** The warm-start model when the method names one (same seed). */
  warmStart?: TrainedModel;
  /** Bi-DFCL: the frozen teacher when the method names one (same seed); otherwise one is trained inside. */
  teacher?: TrainedModel;
}

/** The tables a method trains on and whether each is randomised. */
function trainingTables(method: MethodConfig, splits: Splits): { tables: DataTable[]; ipw: boolean[] } {
  if (method.kind !== 'tsm-sl' || method.data === 'rct') return { tables: [splits.rctTrain], ipw: [true] };
  if (method.data === 'obs') return { tables: [splits.obs!], ipw: [false] };
  return { tables: [splits.rctTrain, splits.obs!], ipw: [true, false] };
}

/** Relative overspend of the validation IPW cost that still counts as within budget. */
const BUDGET_SLACK = 0.02;

/**
 * Checkpoint-selection score: mean validation EOM revenue over the validation budgets. A checkpoint
 * whose policy overspends a budget by more than 2% (no price brings its IPW cost down to the budget) is
 * ranked below every one that fits, by its overspend: otherwise buying revenue with extra budget would
 * look like better decisions.
 */
export function validationScore(tm: TrainedModel, val: DataTable, budgets: number[]): number {
  const pred = predictOriginal(tm, val.x, val.n);
  const scores = { n: val.n, m: val.arms, rhat: pred.r, chat: pred.c };
  const logged = { t: val.t, r: val.r, c: val.c, p: val.p };
  let revenue = 0;
  let overspend = 0;
  for (const b of budgets) {
    const res = algorithmA(scores, logged, b, bisectionEps(b));
    revenue += res.revenue;
    overspend += Math.max(0, res.cost - b * (1 + BUDGET_SLACK));
  }
  return overspend > 0 ? -1e9 - overspend : revenue / budgets.length;
}

/** Bi-DFCL: resolves the teacher (the named one, or TSM-SL on RCT trained here and disposed after). */
async function trainBilevel(method: BidfclMethodConfig, ctx: MethodContext): Promise<MethodRun> {
  const needsTeacher = method.bridge === 'pseudo-labels';
  const own = needsTeacher && !ctx.teacher ? (await trainMethod(teacherMethod(method), { ...ctx, warmStart: undefined })).trained : undefined;
  try {
    const teacher = needsTeacher ? (ctx.teacher ?? own!) : null;
    return await trainBidfcl(method, { ...ctx, teacher, score: (tm) => validationScore(tm, ctx.splits.rctVal, ctx.valBudgets) });
  } finally {
    own?.model.dispose();
  }
}

export async function trainMethod(method: MethodConfig & { id: string }, ctx: MethodContext): Promise<MethodRun> {
  if (isBidfclMethod(method)) return trainBilevel(method, ctx);
  const { config, splits, seed } = ctx;
  const { tables, ipw } = trainingTables(method, splits);
  const scaler = ctx.warmStart?.scaler ?? fitFeatureScaler(tables);
  const scale = ctx.warmStart?.scale ?? fitOutputScale(tables);
  const set = buildTrainSet(tables, ipw, scaler, scale);
  const spec = {
    inputDim: set.d,
    hidden: config.model.hidden,
    activation: config.model.activation,
    output: config.model.output,
    arms: set.arms,
  };
  const model = ctx.warmStart ? Mlp.fromWeights(spec, ctx.warmStart.model.getWeights()) : Mlp.create(spec, new Rng(seed));
  const trained: TrainedModel = { model, scaler, scale };
  const batchSize = method.batch_size ?? config.train.batch_size;
  const optimizer = tf.train.adam(method.lr ?? config.train.lr);
  log.info(
    { method: method.id, seed, rows: set.n, batch: batchSize, warm_start: method.kind !== 'tsm-sl' ? (method.warm_start ?? null) : null },
    'training',
  );
  try {
    const loop = await trainLoop({
      label: method.id,
      rows: set.n,
      batchSize,
      epochs: method.epochs ?? config.train.epochs,
      patience: config.train.patience,
      checkpoint: method.checkpoint,
      maxLoss: config.train.max_loss,
      rng: new Rng(seed * 7919 + 1),
      initialCandidate: ctx.warmStart !== undefined,
      step: makeStep(method, { model, optimizer, set, batchSize, budgets: ctx.trainBudgets, scale }),
      validate: () => validationScore(trained, splits.rctVal, ctx.valBudgets),
      getWeights: () => model.getWeights(),
      setWeights: (w) => model.setWeights(w),
    });
    return { trained, loop, rows: set.n };
  } finally {
    optimizer.dispose();
  }
}
