/**
 * Multi-head MLP x → (r̂_0..r̂_{M−1}, ĉ_0..ĉ_{M−1}) (method.md §3), as explicit tf.Variables.
 *
 * The network is a pure function of a parameter list, `forward(spec, params, x)`, so trainers can run it
 * on the live variables, on a copy of θ (the bi-level inner steps), or on arbitrary tensors inside nested
 * gradients (Hessian-vector products). Parameter order: [W_0, b_0, W_1, b_1, …, W_L, b_L], W_l of shape
 * [fanIn, fanOut]. The output has 2M columns: revenue heads first, then cost heads. The same class serves
 * the Target, the Teacher and (with `output: 'sigmoid'`) the bridge network, whose outputs are the gates
 * w^r, w^c. Every activation is an exact-second-derivative wrapper from `activations.ts`.
 */
import { tf } from '../backend/index.js';
import { ModelError } from '../errors.js';
import { Rng } from '../util/rng.js';
import {
  activationFn,
  HIDDEN_ACTIVATIONS,
  OUTPUT_ACTIVATIONS,
  type HiddenActivation,
  type OutputActivation,
} from './activations.js';
import { transformRows, type Scaler } from './scaler.js';

export interface MlpSpec {
  /** Number of input features D. */
  inputDim: number;
  /** Hidden layer widths, e.g. [64, 32, 32]; may be empty (a linear model). */
  hidden: number[];
  activation: HiddenActivation;
  output: OutputActivation;
  /** Number of arms M; the network has 2M outputs. */
  arms: number;
}

/** Checks a spec; throws ModelError naming the offending field. */
export function validateSpec(spec: MlpSpec): void {
  const bad = (key: string, msg: string): never => {
    throw new ModelError(`invalid model spec: ${msg}`, { key });
  };
  const posInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
  if (!posInt(spec.inputDim)) bad('inputDim', `inputDim must be a positive integer, got ${spec.inputDim}`);
  if (!posInt(spec.arms) || spec.arms < 2) bad('arms', `arms must be an integer ≥ 2, got ${spec.arms}`);
  if (!Array.isArray(spec.hidden) || !spec.hidden.every(posInt)) bad('hidden', 'hidden must be a list of positive integers');
  if (!(HIDDEN_ACTIVATIONS as readonly string[]).includes(spec.activation))
    bad('activation', `activation must be one of ${HIDDEN_ACTIVATIONS.join(', ')}, got ${spec.activation}`);
  if (!(OUTPUT_ACTIVATIONS as readonly string[]).includes(spec.output))
    bad('output', `output must be one of ${OUTPUT_ACTIVATIONS.join(', ')}, got ${spec.output}`);
}

/** Shapes of the parameter list, in order [W_0, b_0, …]. */
export function paramShapes(spec: MlpSpec): number[][] {
  const widths = [spec.inputDim, ...spec.hidden, 2 * spec.arms];
  const shapes: number[][] = [];
  for (let l = 0; l + 1 < widths.length; l++) shapes.push([widths[l], widths[l + 1]], [widths[l + 1]]);
  return shapes;
}

/** Total number of scalar parameters. */
export function paramCount(spec: MlpSpec): number {
  return paramShapes(spec).reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0);
}

/**
 * Seeded initial parameters as typed arrays (deterministic for a given seed). Weights are uniform on
 * ±limit: He (√(6/fanIn)) for relu/softplus layers, Glorot (√(6/(fanIn+fanOut))) for tanh/sigmoid
 * layers and the output layer. Biases start at 0.
 */
export function initParams(spec: MlpSpec, seed: number | Rng): Float32Array[] {
  validateSpec(spec);
  const rng = typeof seed === 'number' ? new Rng(seed) : seed;
  const shapes = paramShapes(spec);
  const layers = shapes.length / 2;
  const out: Float32Array[] = [];
  for (let l = 0; l < layers; l++) {
    const [fanIn, fanOut] = shapes[2 * l];
    const isOutput = l === layers - 1;
    const he = !isOutput && (spec.activation === 'relu' || spec.activation === 'softplus');
    const limit = he ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
    const w = new Float32Array(fanIn * fanOut);
    for (let k = 0; k < w.length; k++) w[k] = (2 * rng.uniform() - 1) * limit;
    out.push(w, new Float32Array(fanOut));
  }
  return out;
}

/**
 * The network as a pure function: x [n, D] → [n, 2M] (r̂ columns 0..M−1, ĉ columns M..2M−1).
 * `params` must have the shapes of `paramShapes(spec)`; it may be variables or any tensors. Differentiable
 * to any order (see activations.ts).
 */
export function forward(spec: MlpSpec, params: readonly tf.Tensor[], x: tf.Tensor2D): tf.Tensor2D {
  const layers = params.length / 2;
  const hiddenAct = activationFn(spec.activation);
  const outAct = activationFn(spec.output);
  let h: tf.Tensor2D = x;
  for (let l = 0; l < layers; l++) {
    const z = tf.add(tf.matMul(h, params[2 * l] as tf.Tensor2D), params[2 * l + 1]) as tf.Tensor2D;
    h = l === layers - 1 ? outAct(z) : hiddenAct(z);
  }
  return h;
}

/** Splits a [n, 2M] output into the revenue heads [n, M] and the cost heads [n, M]. */
export function splitHeads(out: tf.Tensor2D, arms: number): { r: tf.Tensor2D; c: tf.Tensor2D } {
  const n = out.shape[0];
  return { r: tf.slice(out, [0, 0], [n, arms]), c: tf.slice(out, [0, arms], [n, arms]) };
}

/** Predictions on the CPU: n×M row-major revenue and cost heads. */
export interface Predictions {
  r: Float32Array;
  c: Float32Array;
}

/** A network with its own variables. Create with `Mlp.create`; call `dispose()` when done. */
export class Mlp {
  readonly spec: MlpSpec;
  readonly vars: tf.Variable[];

  private constructor(spec: MlpSpec, values: readonly Float32Array[]) {
    this.spec = { ...spec, hidden: [...spec.hidden] };
    const shapes = paramShapes(spec);
    this.vars = values.map((v, k) => tf.tidy(() => tf.variable(tf.tensor(v, shapes[k]), true)));
  }

  /** A freshly initialised network (see `initParams`). */
  static create(spec: MlpSpec, seed: number | Rng): Mlp {
    return new Mlp(spec, initParams(spec, seed));
  }

  /** A network with the given flat weights (the layout of `getWeights`). */
  static fromWeights(spec: MlpSpec, flat: Float32Array): Mlp {
    validateSpec(spec);
    return new Mlp(spec, unflatten(spec, flat));
  }

  get arms(): number {
    return this.spec.arms;
  }

  /** Number of scalar parameters. */
  get size(): number {
    return paramCount(this.spec);
  }

  /** forward() on the model's own variables, or on `params` when given. */
  apply(x: tf.Tensor2D, params: readonly tf.Tensor[] = this.vars): tf.Tensor2D {
    return forward(this.spec, params, x);
  }

  /**
   * Predictions for n rows of features (row-major n×D), computed in batches of `batchSize` rows so
   * memory stays bounded. When `scaler` is given the raw features are standardised batch by batch.
   */
  predict(x: Float32Array, n: number, opts: { batchSize?: number; scaler?: Scaler } = {}): Predictions {
    const { inputDim: d, arms: m } = this.spec;
    if (x.length !== n * d) throw new ModelError(`predict: expected ${n}×${d} = ${n * d} features, got ${x.length}`);
    const batch = Math.max(1, opts.batchSize ?? 65536);
    const r = new Float32Array(n * m);
    const c = new Float32Array(n * m);
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      let xb = x.subarray(start * d, (start + rows) * d);
      if (opts.scaler) xb = transformRows(opts.scaler, xb, rows);
      const outT = tf.tidy(() => this.apply(tf.tensor2d(xb, [rows, d])));
      const out = outT.dataSync() as Float32Array;
      outT.dispose();
      for (let i = 0; i < rows; i++) {
        const o = i * 2 * m;
        r.set(out.subarray(o, o + m), (start + i) * m);
        c.set(out.subarray(o + m, o + 2 * m), (start + i) * m);
      }
    }
    return { r, c };
  }

  /** All parameters as one Float32Array, layer by layer (W_0 row-major, b_0, W_1, …). */
  getWeights(): Float32Array {
    const flat = new Float32Array(this.size);
    let o = 0;
    for (const v of this.vars) {
      const d = v.dataSync() as Float32Array;
      flat.set(d, o);
      o += d.length;
    }
    return flat;
  }

  /** Overwrites the parameters from a flat array (layout of `getWeights`) or a tensor list. */
  setWeights(values: Float32Array | readonly tf.Tensor[]): void {
    if (values instanceof Float32Array) {
      const parts = unflatten(this.spec, values);
      tf.tidy(() => this.vars.forEach((v, k) => v.assign(tf.tensor(parts[k], v.shape))));
    } else {
      if (values.length !== this.vars.length) throw new ModelError(`setWeights: expected ${this.vars.length} tensors, got ${values.length}`);
      this.vars.forEach((v, k) => v.assign(values[k]));
    }
  }

  /** New trainable variables holding a copy of θ (for the k assumed steps); the caller disposes them. */
  copyVariables(): tf.Variable[] {
    return this.vars.map((v) => tf.variable(v, true));
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}

/** Splits a flat weight array into per-parameter arrays; throws ModelError on a length mismatch. */
export function unflatten(spec: MlpSpec, flat: Float32Array): Float32Array[] {
  const shapes = paramShapes(spec);
  const total = paramCount(spec);
  if (flat.length !== total) throw new ModelError(`expected ${total} weights for this architecture, got ${flat.length}`);
  const out: Float32Array[] = [];
  let o = 0;
  for (const sh of shapes) {
    const size = sh.reduce((a, b) => a * b, 1);
    out.push(flat.slice(o, o + size));
    o += size;
  }
  return out;
}
