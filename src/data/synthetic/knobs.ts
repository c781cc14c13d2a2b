import { UsageError } from '../../errors.js';

/**
 * The knobs of the synthetic benchmark: what `bidfcl generate` accepts, with defaults and validation.
 * Error messages name the CLI flag (`--arms`), because that is where users set them.
 */

export const BIAS_KINDS = ['observed', 'hidden', 'rank'] as const;
export type BiasKind = (typeof BIAS_KINDS)[number];

export const OUTCOME_KINDS = ['gaussian', 'poisson', 'binary'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export interface SyntheticKnobs {
  seed: number;
  arms: number;
  features: number;
  obs: number;
  rct: number;
  /** Shares of the RCT rows in train, validation and test (sum 1). */
  rctSplit: number[];
  /** Strength of the OBS logging policy's selection; 0 = arms logged uniformly at random. */
  bias: number;
  biasKind: BiasKind;
  biasSign: 1 | -1;
  baseComplexity: number;
  upliftTail: number;
  outcome: OutcomeKind;
  /** Mean expected revenue of arm 0 (binary: its conversion rate); the default depends on the outcome kind. */
  baseRate: number;
  /** Gaussian outcome only: sd of the additive revenue noise. */
  noise: number;
  /** Gaussian outcome only: coefficient of variation of the multiplicative cost noise. */
  costNoise: number;
  /** RCT assignment probabilities per arm; null = uniform (and no `p` column). */
  rctPropensities: number[] | null;
}

/**
 * Defaults describe the world where methods differ (docs/findings.md): the logging policy anti-selects on a
 * hidden trait that reorders ROI within a subgroup. A plain per-arm shift would be absorbed by the price λ.
 */
export const DEFAULT_KNOBS: Omit<SyntheticKnobs, 'baseRate'> = {
  seed: 1,
  arms: 4,
  features: 12,
  obs: 200_000,
  rct: 40_000,
  rctSplit: [0.5, 0.25, 0.25],
  bias: 1,
  biasKind: 'rank',
  biasSign: -1,
  baseComplexity: 1,
  upliftTail: 0.75,
  outcome: 'gaussian',
  noise: 0.5,
  costNoise: 0.2,
  rctPropensities: null,
};

/** Rare conversions for binary outcomes (Criteo's rate is ≈ 0.003; 0.02 keeps small sets learnable). */
export function defaultBaseRate(outcome: OutcomeKind): number {
  return outcome === 'binary' ? 0.02 : 1;
}

/** Fills defaults and checks every knob; throws UsageError naming the offending flag. */
export function resolveKnobs(input: Partial<SyntheticKnobs>): SyntheticKnobs {
  const defaults: SyntheticKnobs = {
    ...DEFAULT_KNOBS,
    baseRate: defaultBaseRate(input.outcome ?? DEFAULT_KNOBS.outcome),
  };
  // Only known knobs are taken, so callers may pass a wider options object.
  const k = Object.fromEntries(
    Object.entries(defaults).map(([key, v]) => [key, input[key as keyof SyntheticKnobs] ?? v]),
  ) as unknown as SyntheticKnobs;
  integer('--seed', k.seed, 0, 2 ** 32 - 1);
  // Arms are stored as Uint8 by the data layer.
  integer('--arms', k.arms, 2, 255);
  // Two features at least: f0 defines the rank subgroup and the uplift has a pairwise interaction.
  integer('--features', k.features, 2, 10_000);
  integer('--obs', k.obs, 1, Number.MAX_SAFE_INTEGER);
  integer('--rct', k.rct, 3, Number.MAX_SAFE_INTEGER);
  distribution('--rct-split', k.rctSplit, 3);
  if (rctCounts(k).some((n) => n < 1)) {
    throw new UsageError(`--rct ${k.rct} with --rct-split ${k.rctSplit.join(',')} leaves an empty RCT split`);
  }
  atLeast('--bias', k.bias, 0);
  oneOf('--bias-kind', k.biasKind, BIAS_KINDS);
  oneOf('--bias-sign', k.biasSign, [1, -1]);
  atLeast('--base-complexity', k.baseComplexity, 0);
  // exp(tail · z) with a larger tail makes a handful of individuals carry all the uplift.
  atLeast('--uplift-tail', k.upliftTail, 0);
  if (k.upliftTail > 3) throw new UsageError(`--uplift-tail must be at most 3 (got ${k.upliftTail})`);
  oneOf('--outcome', k.outcome, OUTCOME_KINDS);
  if (!(Number.isFinite(k.baseRate) && k.baseRate > 0)) {
    throw new UsageError(`--base-rate must be a positive number (got ${k.baseRate})`);
  }
  if (k.outcome === 'binary' && k.baseRate >= 1) {
    throw new UsageError(`--base-rate with --outcome binary is a conversion rate below 1 (got ${k.baseRate})`);
  }
  atLeast('--noise', k.noise, 0);
  atLeast('--cost-noise', k.costNoise, 0);
  if (k.rctPropensities !== null) distribution('--rct-propensities', k.rctPropensities, k.arms);
  return k;
}

/** Rows in rct_train, rct_val, rct_test: rounded shares, the test split takes the remainder. */
export function rctCounts(k: Pick<SyntheticKnobs, 'rct' | 'rctSplit'>): [number, number, number] {
  const train = Math.round(k.rct * k.rctSplit[0]);
  const val = Math.round(k.rct * k.rctSplit[1]);
  return [train, val, k.rct - train - val];
}

function integer(flag: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    const range = max >= Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`;
    throw new UsageError(`${flag} must be an integer ${range} (got ${v})`);
  }
}

function atLeast(flag: string, v: number, min: number): void {
  if (!(Number.isFinite(v) && v >= min)) throw new UsageError(`${flag} must be a number ≥ ${min} (got ${v})`);
}

function oneOf<T>(flag: string, v: T, allowed: readonly T[]): void {
  if (!allowed.includes(v)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got ${String(v)})`);
}

function distribution(flag: string, p: readonly number[], length: number): void {
  if (p.length !== length) throw new UsageError(`${flag} needs ${length} values (got ${p.length})`);
  if (!p.every((v) => Number.isFinite(v) && v > 0)) {
    throw new UsageError(`${flag} values must be positive (got ${p.join(',')})`);
  }
  const sum = p.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new UsageError(`${flag} values must sum to 1 (got ${sum})`);
}
