/**
 * What the bi-level methods did in one or more run directories, as a markdown table: per run and Bi-DFCL
 * method, mean ± std over seeds of the kept epoch, the validation EOM of the warm start and how far the best
 * and the last bi-level epoch moved it, the conjugate-gradient work per upper step (iterations, final
 * relative residual, share of solves that met negative curvature), the share of training time spent in CG,
 * the hypergradient norm and the bridge's mean gates in the last epoch.
 * Usage: node dist/scripts/bilevel-diagnostics.js RUN_DIR...
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { meanStd } from '../src/metrics/stats.js';
import type { MetricsFile } from '../src/report/metrics-json.js';
import { readTrainJson } from '../src/report/run-dir.js';
import type { BidfclEpochRecord } from '../src/train/bidfcl.js';
import { meanStdCell, num } from './stats-cell.js';

const f = (v: number): string => num(v, 3);
const ms = (xs: number[]): string => meanStdCell(xs, 3);

/** Validation EOM of each method's warm start per seed, from the run log (logged before the method's "trained" line). */
function warmStartValidation(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const line of readFileSync(join(dir, 'log.ndjson'), 'utf8').split('\n')) {
    if (line === '') continue;
    const rec = JSON.parse(line) as { msg: string; method?: string; seed?: number; val_eom?: number };
    if (rec.msg === 'validation of the warm start' && rec.method !== undefined) pending.set(rec.method, rec.val_eom!);
    if (rec.msg === 'trained' && rec.method !== undefined && pending.has(rec.method)) {
      out.set(`${rec.method}/${rec.seed}`, pending.get(rec.method)!);
      pending.delete(rec.method);
    }
  }
  return out;
}

const rows = [
  '| cell | method | kept epoch | warm-start val EOM | best − warm start | last − warm start | CG iterations | CG residual | negative curvature | CG time share | ‖hypergradient‖ | gate r / gate c (last epoch) |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const dir of process.argv.slice(2)) {
  const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as MetricsFile;
  const warm = warmStartValidation(dir);
  for (const method of [...new Set(m.runs.filter((r) => r.kind.startsWith('bidfcl')).map((r) => r.method))]) {
    const seeds = m.runs.filter((r) => r.method === method).map((r) => r.seed);
    const acc: Record<string, number[]> = {};
    const push = (k: string, v: number | null | undefined) => {
      if (typeof v === 'number' && Number.isFinite(v)) (acc[k] ??= []).push(v);
    };
    for (const seed of seeds) {
      const t = readTrainJson(dir, method, seed);
      if (t === null) continue;
      const bi = (t.history as BidfclEpochRecord[]).filter((h) => h.phase === 'bi-level');
      const w = warm.get(`${method}/${seed}`);
      push('kept', t.record.best_epoch);
      push('warm', w);
      if (w !== undefined && bi.length > 0) {
        push('best', Math.max(...bi.map((h) => h.val)) - w);
        push('last', bi[bi.length - 1].val - w);
      }
      const upper = bi.filter((h) => (h.upper_steps ?? 0) > 0);
      if (upper.length === 0) continue;
      const steps = upper.reduce((s, h) => s + h.upper_steps!, 0);
      const weighted = (k: keyof BidfclEpochRecord) => upper.reduce((s, h) => s + (h[k] as number) * h.upper_steps!, 0) / steps;
      push('hg', weighted('hypergradient_norm'));
      // The explicit one-step ablation takes upper steps without CG.
      if (upper.some((h) => h.cg_iterations_mean! > 0)) {
        push('cg', weighted('cg_iterations_mean'));
        push('res', weighted('cg_residual_mean'));
        push('neg', upper.reduce((s, h) => s + h.cg_negative_curvature!, 0) / steps);
        push('share', upper.reduce((s, h) => s + h.cg_seconds!, 0) / bi.reduce((s, h) => s + h.seconds, 0));
      }
      const last = bi[bi.length - 1];
      push('gr', last.gate_r);
      push('gc', last.gate_c);
    }
    const g = acc.gr ? `${f(meanStd(acc.gr).mean)} / ${f(meanStd(acc.gc).mean)}` : '–';
    rows.push(
      `| ${basename(dir)} | ${method} | ${ms(acc.kept ?? [])} | ${ms(acc.warm ?? [])} | ${ms(acc.best ?? [])} | ${ms(acc.last ?? [])} | ${ms(acc.cg ?? [])} | ${ms(acc.res ?? [])} | ${ms(acc.neg ?? [])} | ${ms(acc.share ?? [])} | ${ms(acc.hg ?? [])} | ${g} |`,
    );
  }
}
console.log(rows.join('\n'));
