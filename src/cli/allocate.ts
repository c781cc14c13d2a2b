import { Command } from 'commander';
import { allocateFile, summaryPath, type AllocationSummary } from '../allocate/run.js';
import { withCommonOptions, type CommonOptions } from './common.js';

interface AllocateOptions extends CommonOptions {
  scores: string;
  budget?: string;
  perCapita?: string;
  out: string;
  fill: boolean;
}

async function allocate(opts: AllocateOptions): Promise<void> {
  const summary = await allocateFile(opts.scores, {
    budget: opts.budget === undefined ? undefined : Number(opts.budget),
    perCapita: opts.perCapita === undefined ? undefined : Number(opts.perCapita),
    fill: opts.fill,
    out: opts.out,
  });
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
      .requiredOption('--scores <file>', 'CSV with id (optional), rhat_0..rhat_{M-1}, chat_0..chat_{M-1}')
      .option('--budget <B>', 'total budget (sum of predicted costs)')
      .option('--per-capita <b>', 'budget per user: B = b × number of users')
      .requiredOption('--out <file>', 'output CSV (id, arm, r_hat, c_hat); the summary JSON is written next to it')
      .option('--no-fill', 'keep the pure Lagrangian solution instead of spending the leftover budget')
      .addHelpText(
        'after',
        `
Give exactly one of --budget and --per-capita. The summary (λ*, spend, revenue, dual bound, gap, users
per arm) is written next to the output: allocation.csv → allocation.summary.json.

Examples:
  $ bidfcl predict --model runs/qs/dfcl-ppl/seed-1/model --input users.csv --out scores.csv
  $ bidfcl allocate --scores scores.csv --per-capita 0.5 --out allocation.csv
  $ bidfcl allocate --scores scores.csv --budget 250000 --out out/allocation.csv --no-fill`,
      ),
  ).action(allocate);
}
