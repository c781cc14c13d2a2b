/**
 * `bidfcl allocate` as a library: read a scores file, solve the budgeted allocation exactly
 * (solver/exact.ts), write `allocation.csv` and `allocation.summary.json` atomically.
 *
 * Scores: `id` (optional; the 0-based row index when absent), `rhat_0..rhat_{M-1}`, `chat_0..chat_{M-1}`,
 * M inferred from the header. They are read straight into two row-major float32 matrices, so memory is
 * the score matrix plus the ids (packed UTF-8, a few bytes each).
 */
import { basename } from 'node:path';
import { CsvWriter, csvCell, formatNumber } from '../data/csv-write.js';
import { writeFileAtomic } from '../data/atomic.js';
import { readCsvColumns, type ColumnRequest } from '../data/csv-read.js';
import type { TextColumn } from '../data/text-column.js';
import { DataError, UsageError } from '../errors.js';
import { log } from '../log.js';
import { solveExact } from '../solver/exact.js';
import { armCounts } from '../solver/lagrangian.js';
import { MAX_ARMS, ScoreValueError, type Scores } from '../solver/scores.js';
import { progressBar } from '../util/progress.js';

/** Predicted scores of N users (float32, row-major N×M) with their ids (null: use the row index). */
export interface ScoredUsers {
  scores: Scores & { rhat: Float32Array; chat: Float32Array };
  ids: TextColumn | null;
  /** Where the scores came from, for error messages. */
  source: string;
}

/** Exactly one of `budget` (total) and `perCapita`. */
export interface AllocateRequest {
  budget?: number;
  perCapita?: number;
  fill: boolean;
  /** Output CSV; the summary goes next to it (see `summaryPath`). */
  out: string;
}

/** The content of `allocation.summary.json`. */
export interface AllocationSummary {
  lambda: number;
  budget: number;
  per_capita_budget: number;
  spend: number;
  revenue: number;
  dual_bound: number;
  gap: number;
  max_rhat: number;
  min_budget: number;
  users: number;
  arms: number;
  users_per_arm: number[];
  fill: boolean;
  upgrades: number;
  /** Wall time of the solver alone, and of reading, solving and writing together. */
  solve_seconds: number;
  seconds: number;
}

const ARM_COLUMN = /^(rhat|chat)_(\d+)$/;

/** `allocation.csv` → `allocation.summary.json` (any other name gets `.summary.json` appended). */
export function summaryPath(out: string): string {
  return `${out.replace(/\.csv$/i, '')}.summary.json`;
}

/**
 * Reads a scores CSV. Throws DataError (file, line, column) for a missing `rhat_0`/`chat_j` column, arm
 * columns that are not numbered 0..M−1 in both families, more than 256 arms, a non-numeric or
 * non-finite value, or a negative cost.
 */
export async function readScores(file: string): Promise<ScoredUsers> {
  let m = 0;
  const bar = progressBar(`reading ${basename(file)}`);
  const nonNegative = (v: number): string | null => (v < 0 ? 'cost must not be negative' : null);
  const table = await readCsvColumns(
    file,
    (header) => {
      const names = new Set(header);
      m = 0;
      while (names.has(`rhat_${m}`)) m++;
      if (m > 0) checkArmColumns(file, header, m);
      else m = 1; // request rhat_0 anyway: the reader reports it missing, with a "did you mean"
      const arm = (family: 'rhat' | 'chat'): ColumnRequest[] =>
        Array.from({ length: m }, (_, j) => ({
          name: `${family}_${j}`,
          kind: 'f32',
          matrix: family,
          check: family === 'chat' ? nonNegative : undefined,
        }));
      return [{ name: 'id', kind: 'text', required: false }, ...arm('rhat'), ...arm('chat')];
    },
    { onProgress: (_rows, bytes, total) => bar.update(bytes, total) },
  );
  bar.end();
  const rhat = table.matrices.get('rhat')!.data;
  const chat = table.matrices.get('chat')!.data;
  const ids = (table.columns.get('id') as TextColumn | undefined) ?? null;
  log.info({ file, users: table.rows, arms: m }, 'read scores');
  return { scores: { n: table.rows, m, rhat, chat }, ids, source: file };
}

function checkArmColumns(file: string, header: string[], m: number): void {
  if (m > MAX_ARMS) throw new DataError(`${m} arms; at most ${MAX_ARMS} are supported`, { file, line: 1 });
  for (const name of header) {
    const match = ARM_COLUMN.exec(name);
    if (match && Number(match[2]) >= m) {
      throw new DataError(
        `arm columns must be rhat_0..rhat_{M-1} and chat_0..chat_{M-1} without gaps; found rhat_0..rhat_${m - 1} and "${name}"`,
        { file, line: 1, column: name },
      );
    }
  }
}

/** Reads the scores, allocates within the budget and writes both outputs. */
export async function allocateFile(scoresFile: string, req: AllocateRequest): Promise<AllocationSummary> {
  const started = performance.now();
  totalBudget(req, 0); // a usage mistake is reported before a long read
  const users = await readScores(scoresFile);
  return allocateUsers(users, req, started);
}

/**
 * Allocates already scored users and writes `req.out` and its summary. Throws UsageError for a budget
 * that is not one finite number, AllocationError for a budget below the cheapest possible spend.
 */
export async function allocateUsers(
  users: ScoredUsers,
  req: AllocateRequest,
  started = performance.now(),
): Promise<AllocationSummary> {
  const { scores } = users;
  const budget = totalBudget(req, scores.n);
  const t0 = performance.now();
  let res;
  try {
    res = solveExact(scores, budget, { fill: req.fill });
  } catch (e) {
    // The CSV reader validates values already; other sources of scores get the same file-level message.
    if (e instanceof ScoreValueError) {
      const column = `${e.what === 'cost' ? 'chat' : 'rhat'}_${e.arm}`;
      throw new DataError(`data row ${e.row}: ${e.message}`, { file: users.source, column });
    }
    throw e;
  }
  const solveSeconds = (performance.now() - t0) / 1000;
  log.info({ lambda: res.lambda, spend: res.spend, gap: res.gap, seconds: solveSeconds }, 'allocated');
  if (req.fill && res.gap > Math.max(0, res.maxRhat)) {
    log.warn({ gap: res.gap, max_rhat: res.maxRhat }, 'gap to the dual bound exceeds max r̂ (negative revenues?)');
  }
  await writeAllocation(req.out, users, res.allocation);
  const summary: AllocationSummary = {
    lambda: res.lambda,
    budget,
    per_capita_budget: scores.n > 0 ? budget / scores.n : 0,
    spend: res.spend,
    revenue: res.revenue,
    dual_bound: res.dualBound,
    gap: res.gap,
    max_rhat: res.maxRhat,
    min_budget: res.minSpend,
    users: scores.n,
    arms: scores.m,
    users_per_arm: armCounts(res.allocation, scores.m),
    fill: req.fill,
    upgrades: res.upgrades,
    solve_seconds: solveSeconds,
    seconds: (performance.now() - started) / 1000,
  };
  await writeFileAtomic(summaryPath(req.out), JSON.stringify(summary, null, 2) + '\n');
  return summary;
}

/** The total budget B (per-capita × users); UsageError unless exactly one finite, non-negative value. */
function totalBudget(req: AllocateRequest, n: number): number {
  const given = [req.budget, req.perCapita].filter((v) => v !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --budget and --per-capita');
  const value = given[0]!;
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`the budget must be a number ≥ 0, got ${value}`);
  return req.budget ?? value * n;
}

/** `id, arm, r_hat, c_hat` for every user, atomically. */
async function writeAllocation(out: string, users: ScoredUsers, alloc: Uint8Array): Promise<void> {
  const { scores, ids } = users;
  const { m, rhat, chat } = scores;
  const w = await CsvWriter.open(out, ['id', 'arm', 'r_hat', 'c_hat']);
  try {
    let lines: string[] = [];
    for (let i = 0; i < scores.n; i++) {
      const k = i * m + alloc[i];
      const id = ids ? csvCell(ids.get(i)) : String(i);
      lines.push(`${id},${alloc[i]},${formatNumber(rhat[k], true)},${formatNumber(chat[k], true)}`);
      if (lines.length === 8192) {
        await w.raw(lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length > 0) await w.raw(lines.join('\n') + '\n');
    await w.close();
  } catch (e) {
    await w.abort();
    throw e;
  }
}
