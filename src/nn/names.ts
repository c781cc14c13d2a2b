/** Closed lists of activation names, kept free of tfjs so the config schema can use them cheaply. */

/** The hidden-layer activations a model spec may name. */
export const HIDDEN_ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'softplus'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];

/** The output activations a model spec may name (softplus: non-negative r̂, ĉ; sigmoid: bridge gates). */
export const OUTPUT_ACTIVATIONS = ['softplus', 'identity', 'sigmoid'] as const;
export type OutputActivation = (typeof OUTPUT_ACTIVATIONS)[number];

/** Outputs a user may configure for the deployed network (sigmoid is reserved for the bridge's gates). */
export const TARGET_OUTPUTS = ['softplus', 'identity'] as const satisfies readonly OutputActivation[];
