/**
 * Activations that stay exact under nested differentiation (Hessian-vector products, the bi-level
 * hypergradient).
 *
 * Why: in tfjs 4.22 the gradients of sigmoid, tanh, exp and softmax reuse their own *output*. The engine
 * records the saved copy of that output on the tape *before* the op itself, so a second differentiation
 * prunes the path through it and silently drops a second-order term (measured: an HVP through sigmoid
 * layers 1.4–6 % off, no error). Each wrapper here is a `tf.customGrad` that saves the *input* x (which is
 * already on the tape) and recomputes the activation from x inside its gradient function, through the
 * wrapper itself, so every order of differentiation goes through ops whose gradients are exact.
 * See shared/docs/tfjs-notes.md. Every smooth op inside a twice-differentiated graph uses these.
 */
import { tf } from '../backend/index.js';

type Unary = (x: tf.Tensor) => tf.Tensor;

/**
 * Builds a unary op with value `forward(x)` and gradient `backward(x, dy)`, where `backward` receives
 * the saved input (connected to the tape) and must itself be built from exact-gradient ops.
 */
function unaryWithExactGrad(forward: Unary, backward: (x: tf.Tensor, dy: tf.Tensor) => tf.Tensor): Unary {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([x]);
    return {
      value: forward(x),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(saved[0], dy),
    };
  });
  return (x: tf.Tensor) => op(x);
}

/** Logistic sigmoid 1/(1+e^−x), elementwise. d/dx = s(1−s). */
export const sigmoid: <T extends tf.Tensor>(x: T) => T = unaryWithExactGrad(
  (x) => tf.sigmoid(x),
  (x, dy) => {
    const s = sigmoid(x);
    return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
  },
) as <T extends tf.Tensor>(x: T) => T;

/** Hyperbolic tangent, elementwise. d/dx = 1 − tanh². */
export const tanh: <T extends tf.Tensor>(x: T) => T = unaryWithExactGrad(
  (x) => tf.tanh(x),
  (x, dy) => {
    const t = tanh(x);
    return tf.mul(dy, tf.sub(1, tf.square(t)));
  },
) as <T extends tf.Tensor>(x: T) => T;

/** softplus(x) = log(1 + e^x), elementwise. d/dx = sigmoid(x). */
export const softplus: <T extends tf.Tensor>(x: T) => T = unaryWithExactGrad(
  (x) => tf.softplus(x),
  (x, dy) => tf.mul(dy, sigmoid(x)),
) as <T extends tf.Tensor>(x: T) => T;

/** max(x, 0), elementwise. d/dx = 1[x > 0]; second derivative 0. */
export const relu: <T extends tf.Tensor>(x: T) => T = unaryWithExactGrad(
  (x) => tf.relu(x),
  (x, dy) => tf.mul(dy, tf.cast(tf.step(x), 'float32')),
) as <T extends tf.Tensor>(x: T) => T;

/**
 * Softmax along the last axis (numerically stable). Gradient: s ⊙ (dy − Σ_last(dy ⊙ s)).
 */
export const softmax: <T extends tf.Tensor>(x: T) => T = unaryWithExactGrad(
  (x) => tf.softmax(x),
  (x, dy) => {
    const s = softmax(x);
    return tf.mul(s, tf.sub(dy, tf.sum(tf.mul(dy, s), -1, true)));
  },
) as <T extends tf.Tensor>(x: T) => T;

/**
 * Identity in value, zero gradient (tfjs has no stop_gradient op). Used for the detached Target part of
 * the pseudo-labels and anything else that must be a constant to the optimiser.
 */
export const stopGradient: <T extends tf.Tensor>(x: T) => T = unaryWithExactGrad(
  (x) => tf.clone(x),
  (_x, dy) => tf.zerosLike(dy),
) as <T extends tf.Tensor>(x: T) => T;

import type { HiddenActivation, OutputActivation } from './names.js';

export { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, type HiddenActivation, type OutputActivation } from './names.js';

/** The exact-gradient function for an activation name. */
export function activationFn(name: HiddenActivation | OutputActivation): <T extends tf.Tensor>(x: T) => T {
  switch (name) {
    case 'relu':
      return relu;
    case 'tanh':
      return tanh;
    case 'sigmoid':
      return sigmoid;
    case 'softplus':
      return softplus;
    case 'identity':
      return <T extends tf.Tensor>(x: T): T => x;
  }
}
