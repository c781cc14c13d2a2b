/**
 * The shared training loop: epochs of seeded mini-batches, validation after each epoch (and, for a warm
 * start, once before the first, so the warm start is itself a candidate), early stopping with patience, the best checkpoint
 * kept in memory, a divergence guard, and Ctrl-C. Method-specific work is the `step` callback.
 */
import { log } from '../log.js';
import { interruptRequested } from '../util/interrupt.js';
import type { Rng } from '../util/rng.js';

export interface EpochRecord {
  epoch: number;
  loss: number;
  val: number;
  steps: number;
  samplesPerSecond: number;
  seconds: number;
}

export type StopReason = 'completed' | 'early-stopping' | 'interrupted' | 'diverged';

export interface LoopSpec {
  label: string;
  rows: number;
  batchSize: number;
  epochs: number;
  patience: number;
  maxLoss: number;
  rng: Rng;
  /** Whether the weights before the first epoch may be kept (a warm start); default: only trained ones. */
  initialCandidate?: boolean;
  /**
   * best: keep the best validated weights and stop early after `patience` epochs without gain; last: run every
   * epoch and keep the final weights (unless training diverged or was interrupted), so an experiment can see
   * what training itself does when the validation split is too noisy to rank epochs.
   */
  checkpoint?: 'best' | 'last';
  /** One optimiser step on the given row indices; returns the loss value. */
  step: (rows: Uint32Array) => number;
  /** Validation score, higher is better (validation EOM). */
  validate: () => number;
  /** Current weights (copied) and restore. */
  getWeights: () => Float32Array;
  setWeights: (w: Float32Array) => void;
}

export interface LoopResult {
  history: EpochRecord[];
  /** The epoch whose weights the model holds at the end (0 = the warm start): the best one, or the last one. */
  bestEpoch: number;
  bestVal: number;
  epochsRun: number;
  steps: number;
  stopped: StopReason;
  /** Why training diverged, when it did. */
  error?: string;
  seconds: number;
}

/** Hands control back to the event loop so a Ctrl-C (SIGINT) handler can run during long training. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Runs the loop and leaves the model at its best validated (or, with checkpoint: last, final) weights. */
export async function trainLoop(spec: LoopSpec): Promise<LoopResult> {
  const t0 = performance.now();
  const history: EpochRecord[] = [];
  let best = spec.getWeights();
  let bestVal = spec.initialCandidate === true ? spec.validate() : -Infinity;
  let bestEpoch = 0;
  let steps = 0;
  let stopped: StopReason = 'completed';
  let error: string | undefined;
  let epoch = 0;
  let lastYield = performance.now();
  const keepLast = spec.checkpoint === 'last';
  if (spec.initialCandidate === true) log.info({ method: spec.label, val_eom: bestVal }, 'validation of the warm start');
  outer: for (epoch = 1; epoch <= spec.epochs; epoch++) {
    const e0 = performance.now();
    const order = spec.rng.permutation(spec.rows);
    let lossSum = 0;
    let epochSteps = 0;
    for (let start = 0; start < spec.rows; start += spec.batchSize) {
      const idx = order.subarray(start, Math.min(spec.rows, start + spec.batchSize));
      const loss = spec.step(idx);
      steps++;
      epochSteps++;
      if (!Number.isFinite(loss) || Math.abs(loss) > spec.maxLoss) {
        stopped = 'diverged';
        error = `loss ${loss} at epoch ${epoch}, step ${epochSteps} exceeds the divergence guard (train.max_loss = ${spec.maxLoss})`;
        log.error({ method: spec.label, epoch }, `training diverged: ${error}; keeping the checkpoint of epoch ${bestEpoch}`);
        break outer;
      }
      lossSum += loss;
      if (performance.now() - lastYield > 50) {
        await yieldToEvents();
        lastYield = performance.now();
      }
      if (interruptRequested()) {
        stopped = 'interrupted';
        break outer;
      }
    }
    const val = spec.validate();
    const seconds = (performance.now() - e0) / 1000;
    const rec: EpochRecord = { epoch, loss: lossSum / epochSteps, val, steps: epochSteps, samplesPerSecond: spec.rows / seconds, seconds };
    history.push(rec);
    const improved = val > bestVal;
    if (improved) {
      bestVal = val;
      bestEpoch = epoch;
      best = spec.getWeights();
    }
    log.info(
      { method: spec.label, epoch, loss: rec.loss, val_eom: val, best_epoch: bestEpoch, samples_per_s: Math.round(rec.samplesPerSecond) },
      'epoch',
    );
    if (!keepLast && epoch - bestEpoch >= spec.patience) {
      stopped = 'early-stopping';
      break;
    }
  }
  const last = history[history.length - 1];
  // Only a run that finished its epochs holds "the last epoch"; after a divergence or a Ctrl-C mid-epoch the
  // weights are not any recorded epoch's, so the best checkpoint is restored.
  const kept = keepLast && stopped === 'completed' && last !== undefined ? last : undefined;
  if (kept === undefined) spec.setWeights(best);
  return {
    history,
    bestEpoch: kept?.epoch ?? bestEpoch,
    bestVal: kept?.val ?? bestVal,
    epochsRun: history.length,
    steps,
    stopped,
    error,
    seconds: (performance.now() - t0) / 1000,
  };
}
