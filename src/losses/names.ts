/** Reward of the surrogate decision losses: the paper's revenue r_i, or the Lagrangian r_i − λc_i. */
export const REWARDS = ['revenue', 'lagrangian'] as const;
export type Reward = (typeof REWARDS)[number];
