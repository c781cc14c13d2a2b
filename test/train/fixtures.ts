/** Small shared fixtures for the Bi-DFCL tests: OBS batches with teacher predictions, and tensor comparisons. */
import { tf } from '../../src/backend/index.js';
import { makeLoggedBatch } from '../../src/losses/common.js';
import type { MlpSpec } from '../../src/nn/mlp.js';
import { dot } from '../../src/nn/secondorder.js';
import type { LowerLevel } from '../../src/train/hypergradient.js';
import type { LowerSpec, ObsBatch } from '../../src/train/lower.js';
import { Rng } from '../../src/util/rng.js';

/** An OBS batch of n rows, D features, M arms, with random teacher predictions. */
export function obsBatch(n: number, d: number, arms: number, seed: number): ObsBatch {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * d }, () => rng.normal());
  const t = Int32Array.from({ length: n }, () => rng.int(arms));
  const r = Float32Array.from({ length: n }, () => 2 * rng.uniform());
  const c = Float32Array.from({ length: n }, () => rng.uniform());
  const tr = Float32Array.from({ length: n * arms }, () => 2 * rng.uniform());
  const tc = Float32Array.from({ length: n * arms }, () => rng.uniform());
  return {
    n,
    x: tf.tensor2d(x, [n, d]),
    logged: makeLoggedBatch(t, r, c, arms),
    teacher: { r: tf.tensor2d(tr, [n, arms]), c: tf.tensor2d(tc, [n, arms]) },
  };
}

/** The lower level of a target spec on a batch, with a sigmoid bridge of the same shape. */
export function lowerLevel(target: MlpSpec, batch: ObsBatch, spec: Partial<LowerSpec> = {}): LowerLevel {
  return {
    spec: { bridge: 'pseudo-labels', gates: 'learned', detachTarget: true, ...spec },
    target,
    bridge: { ...target, hidden: target.hidden.length ? target.hidden : [4], activation: 'sigmoid', output: 'sigmoid' },
    batch,
  };
}

/** Random tensors shaped like `ps`. */
export function randomLike(ps: readonly tf.Tensor[], rng: Rng): tf.Tensor[] {
  return ps.map((p) => tf.tensor(Float32Array.from({ length: p.size }, () => rng.normal()), p.shape));
}

/** ‖a − b‖ / ‖b‖ over whole lists. */
export function relErr(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  return tf.tidy(() => {
    const d = a.map((x, k) => tf.sub(x, b[k]));
    return Math.sqrt(dot(d, d).dataSync()[0] / dot(b, b).dataSync()[0]);
  });
}

/** Cosine between two lists. */
export function cosine(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  return tf.tidy(() => dot(a, b).dataSync()[0] / Math.sqrt(dot(a, a).dataSync()[0] * dot(b, b).dataSync()[0]));
}
