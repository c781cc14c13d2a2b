/**
 * The experiment config: one zod schema is the single source of truth for validation, defaults,
 * TypeScript types (z.infer), the README's config reference and the JSON Schema for editors.
 * Every object is strict, so a typo is an error with its key path rather than a silent default.
 */
import { z } from 'zod';
import { BACKENDS } from '../backend/kinds.js';
import { REWARDS } from '../losses/names.js';
import { HIDDEN_ACTIVATIONS, TARGET_OUTPUTS } from '../nn/names.js';

export const METHOD_KINDS = ['tsm-sl', 'dfcl-ppl', 'dfcl-pifd', 'dfcl-dpl', 'dfcl-difd', 'bidfcl-ppl', 'bidfcl-pifd'] as const;
export type MethodKind = (typeof METHOD_KINDS)[number];
/** The bi-level kinds (method.md §5): they train on OBS with an RCT upper level. */
export const BIDFCL_KINDS = ['bidfcl-ppl', 'bidfcl-pifd'] as const;
export const HYPERGRADIENT_MODES = ['exact', 'double-backprop', 'finite-difference'] as const;
export const BRIDGE_MODES = ['pseudo-labels', 'row-weights'] as const;
export const GATE_MODES = ['learned', 'frozen-0.5', 'teacher-only'] as const;
export const INNER_OPTIMIZERS = ['adam', 'sgd'] as const;
export const DAMPING_SCALES = ['absolute', 'trace'] as const;
export const DATA_SOURCES = ['rct', 'obs', 'rct+obs'] as const;

const positiveInt = z.number().int().positive();
const oneOrMany = z.union([z.number(), z.array(z.number()).min(1)]);

const Columns = z
  .strictObject({
    features: z
      .union([z.string(), z.array(z.string()).min(1)])
      .default('f*')
      .describe('feature columns: a list of names, or a pattern where * matches digits (default "f*": f0, f1, ...)'),
    arm: z.string().default('t').describe('logged arm index 0..M-1, 0 = control (default "t")'),
    revenue: z.string().default('r').describe('factual revenue (default "r")'),
    cost: z.string().default('c').describe('factual cost (default "c")'),
    propensity: z.string().default('p').describe('optional logged propensity of the logged arm (default "p"; used when present)'),
    id: z.string().default('id').describe('optional row identifier (default "id")'),
    true_revenue: z.string().default('r_').describe('prefix of the optional true expected revenue per arm (default "r_": r_0..r_{M-1})'),
    true_cost: z.string().default('c_').describe('prefix of the optional true expected cost per arm (default "c_")'),
  })
  .describe('column mapping, shared by every split');

const Data = z
  .strictObject({
    arms: z.number().int().min(2).max(64).describe('number of arms M (arm 0 = control)'),
    columns: Columns.default(Columns.parse({})),
    obs: z.string().optional().describe('observational log CSV (path relative to the config file)'),
    rct_train: z.string().describe('RCT training split CSV'),
    rct_val: z.string().describe('RCT validation split CSV (checkpoint selection)'),
    rct_test: z.string().describe('RCT test split CSV (evaluation)'),
  })
  .describe('data files and column mapping');

const Model = z
  .strictObject({
    hidden: z.array(positiveInt).min(1).default([64, 32, 32]).describe('hidden layer sizes (default [64, 32, 32])'),
    activation: z.enum(HIDDEN_ACTIVATIONS).default('relu').describe('hidden activation (default relu)'),
    output: z.enum(TARGET_OUTPUTS).default('softplus').describe('output activation: softplus keeps r̂, ĉ ≥ 0 (default softplus)'),
  })
  .describe('architecture of the multi-head MLP x → (r̂_0..r̂_{M-1}, ĉ_0..ĉ_{M-1})');

const Budget = z
  .strictObject({
    fraction: oneOrMany
      .optional()
      .describe('b = c_min + f·(c_max − c_min) on the RCT, f in [0, 1]; one value or a list of training levels (default 0.3)'),
    per_capita: oneOrMany.optional().describe('per-capita budget b in cost units; one value or a list'),
  })
  .refine((b) => !(b.fraction !== undefined && b.per_capita !== undefined), {
    message: 'give either fraction or per_capita, not both',
  })
  .describe('the budget the decision losses train for and the headline evaluation uses');

const Train = z
  .strictObject({
    epochs: positiveInt.default(30).describe('maximum epochs (default 30)'),
    batch_size: positiveInt.default(1024).describe('mini-batch rows (default 1024)'),
    lr: z.number().positive().default(1e-3).describe('Adam learning rate (default 1e-3)'),
    patience: positiveInt.default(5).describe('epochs without a better validation EOM before stopping (default 5)'),
    max_loss: z.number().positive().default(1e6).describe('divergence guard: a loss above this (or NaN) stops training (default 1e6)'),
  })
  .describe('defaults for every method; a method may override epochs, batch_size and lr');

const methodCommon = {
  id: z.string().regex(/^[A-Za-z0-9_.+-]+$/).optional().describe('unique name used for output folders (default kind, or kind-data)'),
  epochs: positiveInt.optional().describe('overrides train.epochs'),
  batch_size: positiveInt.optional().describe('overrides train.batch_size'),
  lr: z.number().positive().optional().describe('overrides train.lr'),
  checkpoint: z
    .enum(['best', 'last'])
    .optional()
    .describe(
      'best: keep the epoch (or warm start) with the best validation EOM, stopping after train.patience epochs without gain; last: run every epoch and keep the final weights (default best)',
    ),
};

const dfclCommon = {
  ...methodCommon,
  alpha: z.number().min(0).default(1).describe('weight of the prediction-loss anchor α·L_PL (default 1)'),
  tau: z.number().positive().default(1).describe('softmax temperature τ (default 1)'),
  warm_start: z.string().optional().describe('id of a tsm-sl method in this config whose checkpoint (same seed) initialises the model'),
};

const TsmSl = z.strictObject({
  ...methodCommon,
  kind: z.literal('tsm-sl'),
  data: z.enum(DATA_SOURCES).default('rct').describe('training data: rct, obs or rct+obs pooled (default rct)'),
});
const Ppl = z.strictObject({
  ...dfclCommon,
  kind: z.literal('dfcl-ppl'),
  reward: z.enum(REWARDS).default('revenue').describe('revenue (paper) or lagrangian r − λ*c (default revenue)'),
});
const Pifd = z.strictObject({
  ...dfclCommon,
  kind: z.literal('dfcl-pifd'),
  reward: z.enum(REWARDS).default('revenue').describe('revenue (paper) or lagrangian r − λ*c (default revenue)'),
  h_min: z.number().positive().default(0.3).describe('lower clip of |h| in PIFD, on the standardised scale (default 0.3)'),
});
const lambdas = z.array(z.number().min(0)).min(1).default([0.5, 1, 2]).describe('the λ list Λ (default [0.5, 1, 2])');
const Dpl = z.strictObject({ ...dfclCommon, kind: z.literal('dfcl-dpl'), lambdas });
const Difd = z.strictObject({
  ...dfclCommon,
  kind: z.literal('dfcl-difd'),
  lambdas,
  h_min: z.number().positive().default(0.3).describe('lower clip of |h| (default 0.3)'),
});

// Bi-DFCL (method.md §5). Every [choice] there is an option here, with the documented default.
const bidfclCommon = {
  ...methodCommon,
  lr: z.number().positive().optional().describe('learning rate of the target θ (Adam); overrides train.lr'),
  tau: z.number().positive().default(1).describe('softmax temperature τ of the upper loss (default 1)'),
  reward: z.enum(REWARDS).default('revenue').describe('upper-loss reward: revenue (paper) or lagrangian r − λ*c (default revenue)'),
  teacher: z
    .string()
    .optional()
    .describe('id of a tsm-sl method with data: rct listed before; its same-seed model is the frozen teacher F_ψ (default: train one inside with L_PL on RCT)'),
  teacher_epochs: positiveInt.optional().describe('epochs of the teacher trained inside, with early stopping (default train.epochs)'),
  warm_start: z.string().optional().describe('id of a tsm-sl method in this config whose checkpoint (same seed) initialises the target'),
  warm_start_epochs: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('epochs of the lower loss on OBS with the bridge at its initialisation, before the bi-level epochs (paper: 20 "if applicable"; default 0)'),
  k: positiveInt.default(5).describe('an upper step every k OBS batches, with k assumed optimiser steps on a copy of θ (default 5)'),
  inner_optimizer: z
    .enum(INNER_OPTIMIZERS)
    .default('adam')
    .describe('optimiser of the k assumed steps on the copy of θ: adam (fresh moments) or sgd (default adam)'),
  inner_lr: z
    .number()
    .positive()
    .optional()
    .describe('step size of the assumed steps, and α_θ of the explicit one-step ablation (default: the target learning rate)'),
  rct_batch_size: positiveInt.optional().describe('RCT rows per upper step (default: the batch size)'),
  bridge_lr: z.number().positive().default(1e-3).describe('Adam learning rate of the bridge φ (default 1e-3; 3e-2 saturated the gates within an epoch)'),
  n_cg: positiveInt.default(50).describe('maximum conjugate-gradient iterations per upper step (default 50)'),
  cg_tol: z.number().positive().default(1e-3).describe('CG stops at relative residual ‖b − (H+δI)v‖/‖b‖ below this (default 1e-3; float32 stalls near 1e-5)'),
  damping: z
    .number()
    .min(0)
    .default(1e-3)
    .describe('damping of H + δI: δ = damping · tr(H) (damping_scale: trace) or δ = damping (absolute) (default 1e-3)'),
  damping_scale: z
    .enum(DAMPING_SCALES)
    .default('trace')
    .describe('trace: δ = damping × a running Hutchinson estimate of tr(H), so δ follows the scale of H; absolute: δ = damping (default trace)'),
  hypergradient: z
    .enum(HYPERGRADIENT_MODES)
    .default('exact')
    .describe(
      'Hessian-vector products: exact (R-operator on the cached forward pass), double-backprop (nested autodiff) or finite-difference (central differences of gradients) (default exact)',
    ),
  implicit: z
    .boolean()
    .default(true)
    .describe('true: implicit differentiation with CG (Bi-DFCL); false: the "w/o ID" ablation, one unrolled SGD step, an upper step every batch (default true)'),
  bridge: z
    .enum(BRIDGE_MODES)
    .default('pseudo-labels')
    .describe('pseudo-labels: gates mix teacher and target on the non-logged arms; row-weights: the gates weight the factual OBS rows (Table 3 row 3) (default pseudo-labels)'),
  gates: z
    .enum(GATE_MODES)
    .default('learned')
    .describe('learned (the bridge G_φ), or the attribution controls frozen-0.5 and teacher-only (gates fixed at 1), which take no upper steps (default learned)'),
  detach_target: z.boolean().default(true).describe('detach the target part of the pseudo-labels (method.md §5; default true)'),
};
const BidfclPpl = z.strictObject({ ...bidfclCommon, kind: z.literal('bidfcl-ppl') });
const BidfclPifd = z.strictObject({
  ...bidfclCommon,
  kind: z.literal('bidfcl-pifd'),
  h_min: z.number().positive().default(0.3).describe('lower clip of |h| in PIFD, on the standardised scale (default 0.3)'),
});

export const MethodSchema = z.discriminatedUnion('kind', [TsmSl, Ppl, Pifd, Dpl, Difd, BidfclPpl, BidfclPifd]);

const Evaluate = z
  .strictObject({
    budgets: z
      .array(z.number().min(0).max(1))
      .min(1)
      .default([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
      .describe('budget fractions of the sweep (default 0.1 … 1.0)'),
  })
  .describe('evaluation settings');

export const ConfigSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/).describe('experiment name, used for the run directory'),
    seeds: z.array(z.number().int().min(0)).min(1).default([1]).describe('seeds; every method runs once per seed (default [1])'),
    backend: z.enum(BACKENDS).default('auto').describe('tensor backend (default auto: gpu → native → wasm → cpu)'),
    data: Data,
    model: Model.default(Model.parse({})),
    budget: Budget.default({ fraction: 0.3 }),
    methods: z.array(MethodSchema).min(1).describe('methods to train and compare'),
    train: Train.default(Train.parse({})),
    evaluate: Evaluate.default(Evaluate.parse({})),
    output: z.string().default('runs').describe('parent folder of run directories (default "runs")'),
  })
  .describe('a bidfcl experiment');

/** What the schema yields; the loader then fills method ids and makes paths absolute → Config. */
export type RawConfig = z.infer<typeof ConfigSchema>;
/** A method with its id resolved (default: kind, or tsm-sl-<data>). */
export type MethodConfig = z.infer<typeof MethodSchema> & { id: string };
export type Config = Omit<RawConfig, 'methods'> & { methods: MethodConfig[] };
/** A Bi-DFCL method's config. */
export type BidfclMethodConfig = Extract<MethodConfig, { kind: (typeof BIDFCL_KINDS)[number] }>;

/** True for the bi-level kinds. */
export function isBidfclMethod(m: MethodConfig): m is BidfclMethodConfig {
  return (BIDFCL_KINDS as readonly string[]).includes(m.kind);
}
