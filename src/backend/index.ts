import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../errors.js';
import { log } from '../log.js';

import type { BackendChoice } from './kinds.js';

export { BACKENDS, type BackendChoice } from './kinds.js';
type Concrete = Exclude<BackendChoice, 'auto'>;

const NATIVE_PACKAGE: Record<'gpu' | 'native', string> = {
  gpu: '@tensorflow/tfjs-node-gpu',
  native: '@tensorflow/tfjs-node',
};

let chosen: Concrete | null = null;
let nativeTried = false;

/** Loads one backend; returns a reason string when it cannot. */
async function tryLoad(kind: Concrete): Promise<string | null> {
  try {
    if (kind === 'gpu' || kind === 'native') {
      // At most one native package per process: a failed import can leave a half-registered backend.
      if (nativeTried) return 'another native tfjs package was already tried in this process';
      nativeTried = true;
      const pkg: string = NATIVE_PACKAGE[kind];
      await import(pkg);
      if (!(await tf.setBackend('tensorflow'))) return `${pkg} loaded but its backend did not initialise`;
    } else if (kind === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise';
    } else {
      if (!(await tf.setBackend('cpu'))) return 'the cpu backend did not initialise';
    }
    await tf.ready();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

const INSTALL_HINT: Record<Concrete, string> = {
  gpu: 'install it with `npm install @tensorflow/tfjs-node-gpu` on a machine with CUDA and internet access (its installer downloads libtensorflow)',
  native: 'install it with `npm install @tensorflow/tfjs-node` on a machine with internet access (its installer downloads libtensorflow)',
  wasm: 'reinstall dependencies with `npm ci`',
  cpu: 'reinstall dependencies with `npm ci`',
};

/**
 * Initialises the tensor backend once per process. `auto` tries gpu → native → wasm → cpu and logs the
 * one chosen; an explicit choice that cannot load throws a BackendError (exit 2) saying why.
 */
export async function initBackend(choice: BackendChoice = 'auto'): Promise<Concrete> {
  if (chosen && (choice === 'auto' || choice === chosen)) return chosen;
  const order: Concrete[] = choice === 'auto' ? ['gpu', 'native', 'wasm', 'cpu'] : [choice];
  const failures: string[] = [];
  for (const kind of order) {
    const why = await tryLoad(kind);
    if (why === null) {
      chosen = kind;
      log.info({ backend: kind, tfBackend: tf.getBackend() }, 'tensor backend ready');
      return kind;
    }
    failures.push(`${kind}: ${why}`);
    log.debug({ backend: kind, reason: why }, 'backend unavailable');
  }
  const kind = order[order.length - 1];
  throw new BackendError(
    choice === 'auto'
      ? `no tensor backend could be loaded (${failures.join('; ')})`
      : `backend "${choice}" cannot be loaded: ${failures[0].slice(kind.length + 2)}; ${INSTALL_HINT[kind]}`,
  );
}

export { tf };
