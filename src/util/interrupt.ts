/**
 * Cooperative Ctrl-C: the first SIGINT asks long loops to stop at the next safe point (after the current
 * batch), so a run keeps its best checkpoints and writes its metrics; a second SIGINT kills the process.
 */
import { log } from '../log.js';

let requested = false;
let installed = false;

function onSigint(): void {
  requested = true;
  log.warn('interrupt: stopping after the current batch (press Ctrl-C again to abort immediately)');
  process.removeListener('SIGINT', onSigint);
}

/** Starts listening for Ctrl-C (idempotent). */
export function watchInterrupt(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', onSigint);
}

/** True once the user asked to stop. */
export function interruptRequested(): boolean {
  return requested;
}
