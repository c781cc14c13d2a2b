/**
 * One markdown table from several run directories: per run and method, mean ± std over seeds of the true
 * revenue at the budget, the regret, the true sweep area, and the paired per-seed difference in true
 * revenue against the run's reference (TSM-SL on RCT), with how many seeds it was positive.
 * Usage: node dist/scripts/grid-table.js RUN_DIR...
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { meanStd } from '../src/metrics/stats.js';
import type { MetricsFile } from '../src/report/metrics-json.js';

const f = (v: number): string => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(4) : v.toExponential(2));
const ms = (xs: number[]): string => {
  const { mean, std } = meanStd(xs);
  return `${f(mean)} ± ${f(std)}`;
};

const rows: string[] = ['| cell | method | true revenue | regret | true sweep area | Δ true revenue vs ref (paired) | seeds Δ > 0 |', '|---|---|---|---|---|---|---|'];
for (const dir of process.argv.slice(2)) {
  const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as MetricsFile;
  const ref = new Map(m.runs.filter((r) => r.method === m.reference).map((r) => [r.seed, r.true_revenue!]));
  for (const method of [...new Set(m.runs.map((r) => r.method))]) {
    const mine = m.runs.filter((r) => r.method === method);
    const diffs = mine.filter((r) => ref.has(r.seed)).map((r) => r.true_revenue! - ref.get(r.seed)!);
    rows.push(
      `| ${basename(dir)} | ${method} | ${ms(mine.map((r) => r.true_revenue!))} | ${ms(mine.map((r) => r.regret!))} | ${ms(mine.map((r) => r.sweep_area_true!))} | ${method === m.reference ? '–' : ms(diffs)} | ${method === m.reference ? '–' : `${diffs.filter((d) => d > 0).length}/${diffs.length}`} |`,
    );
  }
}
console.log(rows.join('\n'));
