/**
 * CSV ingest benchmark: rows/s and MB/s reading an N-row, 12-feature CSV (plus t, r, c) into the columnar
 * table, and peak RSS per million rows. The read runs in a child process so its peak RSS is its own.
 * Prints one JSON line per figure. `--quick` uses 100k rows; `--rows N` sets the size.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsvWriter, formatNumber } from '../src/data/csv-write.js';
import { DEFAULT_COLUMNS, loadTable } from '../src/data/table.js';
import { Rng } from '../src/util/rng.js';

const D = 12;

async function writeFile(path: string, rows: number): Promise<void> {
  const rng = new Rng(1);
  const header = [...Array.from({ length: D }, (_, k) => `f${k}`), 't', 'r', 'c'];
  const w = await CsvWriter.open(path, header);
  const parts: string[] = [];
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let k = 0; k < D; k++) cells.push(formatNumber(rng.normal(), true));
    cells.push(String(rng.int(4)), formatNumber(Math.abs(rng.normal()) * 3, true), formatNumber(rng.uniform(), true));
    parts.push(cells.join(','));
    if (parts.length === 10000) {
      await w.raw(parts.join('\n') + '\n');
      parts.length = 0;
    }
  }
  if (parts.length > 0) await w.raw(parts.join('\n') + '\n');
  await w.close();
}

async function child(path: string): Promise<void> {
  const baseline = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const table = await loadTable(path, 4, DEFAULT_COLUMNS);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const columnarBytes = table.x.byteLength + table.t.byteLength + table.r.byteLength + table.c.byteLength;
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ rows: table.n, seconds, columnarBytes, peak, baseline }) + '\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]);
  const at = args.indexOf('--rows');
  const rows = at >= 0 ? Number(args[at + 1]) : args.includes('--quick') ? 100_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'bidfcl-bench-data-'));
  try {
    const path = join(dir, 'data.csv');
    await writeFile(path, rows);
    const bytes = statSync(path).size;
    const self = fileURLToPath(import.meta.url);
    const r = spawnSync(process.execPath, [self, '--child', path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout) as { rows: number; seconds: number; columnarBytes: number; peak: number; baseline: number };
    const common = { rows: m.rows, features: D, file_mb: +(bytes / 1e6).toFixed(1) };
    const line = (o: object): void => console.log(JSON.stringify({ ...o, ...common }));
    line({ bench: 'data.ingest_rows_per_s', value: Math.round(m.rows / m.seconds), unit: 'rows/s', target: 300000 });
    line({ bench: 'data.ingest_mb_per_s', value: +(bytes / 1e6 / m.seconds).toFixed(1), unit: 'MB/s' });
    line({
      bench: 'data.peak_rss_per_million_rows',
      value: +((m.peak / 1e6) * (1e6 / m.rows)).toFixed(1),
      unit: 'MB',
      peak_rss_mb: +(m.peak / 1e6).toFixed(1),
      node_baseline_rss_mb: +(m.baseline / 1e6).toFixed(1),
      columnar_mb: +(m.columnarBytes / 1e6).toFixed(1),
      peak_over_columnar: +(m.peak / m.columnarBytes).toFixed(2),
      peak_minus_baseline_over_columnar: +((m.peak - m.baseline) / m.columnarBytes).toFixed(2),
      target_peak_over_columnar: 2,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
