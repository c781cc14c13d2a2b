/**
 * Allocation benchmark: the exact solver (solver/exact.ts) on N users × 8 arms against a plain 60-step
 * bisection on λ over the predicted spend, side by side in the same process.
 *
 * mode "memory": scores generated in memory (parse excluded); seconds = solveExact alone.
 * mode "csv":    scores written to a temporary CSV first (not timed), then the library path reads,
 *                solves and writes allocation.csv; seconds = read + solve + write. Its baseline is
 *                read + bisection + the same write time.
 * Every figure runs in a child process, so peak RSS is its own (it includes the score matrix). Prints one
 * JSON line per figure. `--quick` uses 100k and 200k users (CI); the default 1M and 10M.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocateUsers, readScores } from '../src/allocate/run.js';
import { AtomicWriter } from '../src/data/atomic.js';
import { bisectBudget } from '../src/solver/bisection.js';
import { solveExact } from '../src/solver/exact.js';
import { dualValue } from '../src/solver/lagrangian.js';
import type { Scores } from '../src/solver/scores.js';
import { Rng } from '../src/util/rng.js';

const M = 8;
const PER_CAPITA = 1.5;
const SEED = 1;
const TARGET_SECONDS_10M = 3;

/**
 * One user's scores: arm 0 is free control; cost grows linearly with the arm index and revenue with
 * diminishing returns (1 − e^{−kj}), with noise, so hulls skip some arms.
 */
function fillUser(rng: Rng, r: Float32Array, c: Float32Array, at: number): void {
  const unitCost = 0.5 + rng.uniform();
  const base = rng.uniform();
  const lift = 3 * rng.uniform();
  const k = 0.2 + rng.uniform();
  for (let j = 0; j < M; j++) {
    c[at + j] = j * unitCost * (0.9 + 0.2 * rng.uniform());
    r[at + j] = Math.max(0, base + lift * (1 - Math.exp(-k * j)) + 0.05 * rng.normal());
  }
}

function generate(n: number): Scores {
  const rng = new Rng(SEED);
  const rhat = new Float32Array(n * M);
  const chat = new Float32Array(n * M);
  for (let i = 0; i < n; i++) fillUser(rng, rhat, chat, i * M);
  return { n, m: M, rhat, chat };
}

/** Fixed 4-decimal text, built from integers: fast enough for a 10M-row file. */
function fixed4(v: number): string {
  const q = Math.round(v * 10000);
  const frac = q % 10000;
  return `${(q - frac) / 10000}.${frac < 10 ? '000' : frac < 100 ? '00' : frac < 1000 ? '0' : ''}${frac}`;
}

async function writeCsv(path: string, n: number): Promise<void> {
  const rng = new Rng(SEED);
  const r = new Float32Array(M);
  const c = new Float32Array(M);
  const out = await AtomicWriter.open(path);
  const arms = Array.from({ length: M }, (_, j) => j);
  await out.write(['id', ...arms.map((j) => `rhat_${j}`), ...arms.map((j) => `chat_${j}`)].join(',') + '\n');
  let lines: string[] = [];
  for (let i = 0; i < n; i++) {
    fillUser(rng, r, c, 0);
    lines.push(`u${i},${Array.from(r, fixed4).join(',')},${Array.from(c, fixed4).join(',')}`);
    if (lines.length === 10000) {
      await out.write(lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length > 0) await out.write(lines.join('\n') + '\n');
  await out.commit();
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function peakMb(): number {
  return +(process.resourceUsage().maxRSS / 1024).toFixed(1);
}

/** The 60-step bisection baseline on the same scores: seconds and its gap to its own dual bound. */
function baseline(s: Scores, budget: number): { seconds: number; gap: number; lambda: number; revenue: number } {
  const t0 = process.hrtime.bigint();
  const res = bisectBudget(s, budget, 60);
  const took = seconds(t0);
  return { seconds: took, lambda: res.lambda, revenue: res.revenue, gap: dualValue(s, res.lambda, budget) - res.revenue };
}

function memoryChild(n: number): object {
  const s = generate(n);
  const budget = PER_CAPITA * n;
  const t0 = process.hrtime.bigint();
  const res = solveExact(s, budget);
  const took = seconds(t0);
  const peak = peakMb();
  const base = baseline(s, budget);
  return {
    seconds: took,
    peak_rss_mb: peak,
    matrix_mb: +((s.rhat.byteLength + s.chat.byteLength) / 1e6).toFixed(1),
    gap: res.gap,
    max_rhat: res.maxRhat,
    lambda: res.lambda,
    revenue: res.revenue,
    sweeps: res.sweeps,
    baseline_seconds: base.seconds,
    baseline_lambda: base.lambda,
    baseline_revenue: base.revenue,
    baseline_gap: base.gap,
  };
}

async function csvChild(n: number, path: string, out: string): Promise<object> {
  const started = performance.now();
  const t0 = process.hrtime.bigint();
  const users = await readScores(path);
  const parse = seconds(t0);
  const summary = await allocateUsers(users, { perCapita: PER_CAPITA, fill: true, out }, started);
  const total = seconds(t0);
  const peak = peakMb();
  const write = total - parse - summary.solve_seconds;
  const base = baseline(users.scores, PER_CAPITA * n);
  return {
    seconds: total,
    parse_seconds: parse,
    solve_seconds: summary.solve_seconds,
    write_seconds: write,
    peak_rss_mb: peak,
    file_mb: +(statSync(path).size / 1e6).toFixed(1),
    gap: summary.gap,
    max_rhat: summary.max_rhat,
    lambda: summary.lambda,
    revenue: summary.revenue,
    baseline_seconds: parse + base.seconds + write,
    baseline_lambda: base.lambda,
    baseline_revenue: base.revenue,
    baseline_gap: base.gap,
  };
}

function runChild(args: string[]): Record<string, number> {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', self, '--child', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

function report(n: number, mode: string, m: Record<string, number>): void {
  const line = {
    bench: 'allocate',
    n,
    m: M,
    mode,
    value: +m.seconds.toFixed(3),
    unit: 's',
    ...m,
    ratio_baseline_over_exact: +(m.baseline_seconds / m.seconds).toFixed(2),
    gap_within_max_rhat: m.gap >= 0 && m.gap <= m.max_rhat,
    ...(mode === 'memory' && n === 10_000_000 ? { target_seconds: TARGET_SECONDS_10M } : {}),
  };
  console.log(JSON.stringify(line));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const n = Number(args[2]);
    const result = args[1] === 'memory' ? memoryChild(n) : await csvChild(n, args[3], args[4]);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  const sizes = args.includes('--quick') ? [100_000, 200_000] : [1_000_000, 10_000_000];
  for (const n of sizes) report(n, 'memory', runChild(['memory', String(n)]));
  const dir = mkdtempSync(join(tmpdir(), 'bidfcl-bench-allocate-'));
  try {
    for (const n of sizes) {
      const path = join(dir, `scores-${n}.csv`);
      await writeCsv(path, n);
      report(n, 'csv', runChild(['csv', String(n), path, join(dir, `allocation-${n}.csv`)]));
      rmSync(path, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
