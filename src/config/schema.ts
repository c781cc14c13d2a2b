/**
 * The experiment config: one zod schema is the single source of truth for validation, defaults,
 * TypeScript types (z.infer), the README's config reference and the JSON Schema for editors.
 * Every object is strict, so a typo is an error with its key path rather than a silent default.
 */
import { z } from 'zod';
import { BACKENDS } from '../backend/kinds.js';

export const METHOD_KINDS = ['tsm-sl', 'dfcl-ppl', 'dfcl-pifd', 'dfcl-dpl', 'dfcl-difd'] as const;
export type MethodKind = (typeof METHOD_KINDS)[number];
export const DATA_SOURCES = ['rct', 'obs', 'rct+obs'] as const;
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'softplus'] as const;
export const OUTPUTS = ['softplus', 'identity'] as const;
export const REWARDS = ['revenue', 'lagrangian'] as const;

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
    activation: z.enum(ACTIVATIONS).default('relu').describe('hidden activation (default relu)'),
    output: z.enum(OUTPUTS).default('softplus').describe('output activation: softplus keeps r̂, ĉ ≥ 0 (default softplus)'),
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

export const MethodSchema = z.discriminatedUnion('kind', [TsmSl, Ppl, Pifd, Dpl, Difd]);

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
