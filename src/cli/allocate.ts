import { Command } from 'commander';
import { allocateFile, allocateUsers, summaryPath, type AllocateRequest, type AllocationSummary } from '../allocate/run.js';
import { initBackend } from '../backend/index.js';
import { UsageError } from '../errors.js';
import { scoreFile } from '../experiment/predict.js';
import { withCommonOptions, type CommonOptions } from './common.js';

interface AllocateOptions extends CommonOptions {
  scores?: string;
  model?: string;
  input?: string;
  budget?: string;
  perCapita?: string;
  out: string;
  fill: boolean;
}

async function allocate(opts: AllocateOptions): Promise<void> {
  const req: AllocateRequest = {
    budget: opts.budget === undefined ? undefined : Number(opts.budget),
    perCapita: opts.perCapita === undefined ? undefined : Number(opts.perCapita),
    fill: opts.fill,
    out: opts.out,
  };
  if ((opts.scores === undefined) === (opts.model === undefined) || (opts.model !== undefined) !== (opts.input !== undefined)) {
    throw new UsageError('give either --scores FILE or --model DIR --input FILE');
  }
  let summary: AllocationSummary;
  if (opts.scores !== undefined) {
    summary = await allocateFile(opts.scores, req);
  } else {
    const started = performance.now();
    await initBackend(opts.backend);
    const scored = await scoreFile(opts.model!, opts.input!);
    summary = await allocateUsers({ scores: { n: scored.n, m: scored.m, rhat: scored.rhat, chat: scored.chat }, ids: scored.ids, source: opts.input! }, req, started);
  }
  process.stdout.write(describe(summary, opts.out));
}

function describe(s: AllocationSummary, out: string): string {
  const g = (v: number): string => Number(v.toPrecision(6)).toString();
  const perArm = s.users_per_arm.map((k, j) => `${j}: ${k}`).join(', ');
  return (
    `allocated ${s.users} users over ${s.arms} arms in ${g(s.solve_seconds)} s (λ* = ${g(s.lambda)})\n` +
    `spend ${g(s.spend)} of budget ${g(s.budget)}; predicted revenue ${g(s.revenue)}, ` +
    `dual bound ${g(s.dual_bound)} (gap ${g(s.gap)})\n` +
    `users per arm: ${perArm}\n` +
    `wrote ${out} and ${summaryPath(out)}\n`
  );
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('allocate')
      .description('assign one arm per user to maximise predicted revenue within a budget (exact Lagrangian solver)')
      .option('--scores <file>', 'CSV with id (optional), rhat_0..rhat_{M-1}, chat_0..chat_{M-1}')
      .option('--model <dir>', 'a trained model directory (…/<method>/seed-<s>/model) to score --input with')
      .option('--input <file>', 'features to score with --model (its feature columns, optional id)')
      .option('--budget <B>', 'total budget (sum of predicted costs)')
      .option('--per-capita <b>', 'budget per user: B = b × number of users')
      .requiredOption('--out <file>', 'output CSV (id, arm, r_hat, c_hat); the summary JSON is written next to it')
      .option('--no-fill', 'keep the pure Lagrangian solution instead of spending the leftover budget')
      .addHelpText(
        'after',
        `
Give either --scores, or --model with --input (predictions are made in batches), and exactly one of
--budget and --per-capita. The summary (λ*, spend, revenue, dual bound, gap, users
per arm) is written next to the output: allocation.csv → allocation.summary.json.

Examples:
  $ bidfcl predict --model runs/qs/dfcl-ppl/seed-1/model --input users.csv --out scores.csv
  $ bidfcl allocate --scores scores.csv --per-capita 0.5 --out allocation.csv
  $ bidfcl allocate --model runs/qs/dfcl-ppl/seed-1/model --input users.csv --per-capita 0.5 --out allocation.csv
  $ bidfcl allocate --scores scores.csv --budget 250000 --out out/allocation.csv --no-fill`,
      ),
  ).action(allocate);
}
