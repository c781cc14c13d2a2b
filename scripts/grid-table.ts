/**
 * One markdown table from several run directories: per run and method, mean ± std over seeds of the true
 * revenue at the budget, the regret, the EOM (IPW) revenue at the budget, the EOM and true sweep areas (the
 * mean over the sweep's budget levels), the paired per-seed difference in true revenue against a reference
 * method with how many seeds it was positive, zero (a kept warm start equals its reference) or negative, and
 * in how many seeds the kept checkpoint was the warm start.
 * Usage: node dist/scripts/grid-table.js [--ref METHOD] RUN_DIR...   (default reference: the run's own, TSM-SL on RCT)
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { MetricsFile } from '../src/report/metrics-json.js';
import { meanStdCell } from './stats-cell.js';

const ms = (xs: number[]): string => meanStdCell(xs, 4);

const args = process.argv.slice(2);
const refAt = args.indexOf('--ref');
const refOverride = refAt >= 0 ? args.splice(refAt, 2)[1] : undefined;

const rows: string[] = [
  `| cell | method | true revenue | regret | EOM revenue | EOM sweep area | true sweep area | Δ true revenue vs ${refOverride ?? 'ref'} (paired) | seeds Δ > 0 / = 0 / < 0 | kept epoch 0 |`,
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const dir of args) {
  const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as MetricsFile;
  const reference = refOverride ?? m.reference;
  const ref = new Map(m.runs.filter((r) => r.method === reference).map((r) => [r.seed, r.true_revenue!]));
  for (const method of [...new Set(m.runs.map((r) => r.method))]) {
    const mine = m.runs.filter((r) => r.method === method);
    const diffs = mine.filter((r) => ref.has(r.seed)).map((r) => r.true_revenue! - ref.get(r.seed)!);
    const isRef = method === reference || diffs.length === 0;
    const warmKept = mine.filter((r) => r.train !== null && r.train.best_epoch === 0 && r.kind !== 'tsm-sl').length;
    rows.push(
      `| ${basename(dir)} | ${method} | ${ms(mine.map((r) => r.true_revenue!))} | ${ms(mine.map((r) => r.regret!))} | ${ms(mine.map((r) => r.eom_revenue))} | ${ms(mine.map((r) => r.sweep_area_eom))} | ${ms(mine.map((r) => r.sweep_area_true!))} | ${isRef ? '–' : ms(diffs)} | ${isRef ? '–' : `${diffs.filter((d) => d > 0).length} / ${diffs.filter((d) => d === 0).length} / ${diffs.filter((d) => d < 0).length}`} | ${mine[0].kind === 'tsm-sl' ? '–' : `${warmKept}/${mine.length}`} |`,
    );
  }
}
console.log(rows.join('\n'));
