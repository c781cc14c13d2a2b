import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/load.js';
import { buildCriteoHybrid, type CriteoHybridResult } from '../data/criteo.js';
import { loadSplits } from '../data/splits.js';
import { summarize, type SplitSummary } from '../data/summary.js';
import { DEFAULT_COLUMNS, loadTable } from '../data/table.js';
import { UsageError } from '../errors.js';
import { textTable } from '../report/text-table.js';
import { withCommonOptions } from './common.js';

interface SummaryOptions {
  config?: string;
  set?: string[];
  input?: string;
  arms?: string;
}

function formatSplit(name: string, s: SplitSummary, reference?: SplitSummary): string {
  const withTruth = s.arms[0].trueRevenue !== undefined;
  const header = ['arm', 'rows', 'share', 'mean r', 'mean c'];
  if (reference) header.push('RCT mean r', 'RCT mean c');
  if (withTruth) header.push('true mean r', 'true mean c');
  const rows = s.arms.map((a) => {
    const row: (string | number)[] = [a.arm, a.rows, a.share, a.meanRevenue, a.meanCost];
    if (reference) row.push(reference.arms[a.arm].meanRevenue, reference.arms[a.arm].meanCost);
    if (withTruth) row.push(a.trueRevenue!, a.trueCost!);
    return row;
  });
  const extra = s.extraColumns.length > 0 ? `\nignored columns: ${s.extraColumns.join(', ')}` : '';
  return `${name}: ${s.file}\n${s.rows} rows, ${s.features} features${extra}\n${textTable(header, rows)}\n`;
}

async function summary(opts: SummaryOptions): Promise<void> {
  if ((opts.config === undefined) === (opts.input === undefined)) {
    throw new UsageError('give either --config FILE or --input FILE --arms M');
  }
  if (opts.input !== undefined) {
    const arms = Number(opts.arms);
    if (!Number.isInteger(arms) || arms < 2) throw new UsageError('--input needs --arms M (an integer ≥ 2)');
    const table = await loadTable(opts.input, arms, DEFAULT_COLUMNS);
    process.stdout.write(formatSplit('input', summarize(table)));
    return;
  }
  const { config } = loadConfig(opts.config!, opts.set ?? []);
  const splits = await loadSplits(config.data);
  const train = summarize(splits.rctTrain);
  const out = [
    formatSplit('rct_train', train),
    formatSplit('rct_val', summarize(splits.rctVal)),
    formatSplit('rct_test', summarize(splits.rctTest)),
  ];
  if (splits.obs) {
    out.push(formatSplit('obs (naive per-arm means next to rct_train: the gap is selection bias plus noise)', summarize(splits.obs), train));
  }
  process.stdout.write(out.join('\n'));
}

function seedOption(text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError('expected a non-negative integer.');
  return v;
}

function criteoSummary(r: CriteoHybridResult, input: string): string {
  const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
  // Counts as padded text: textTable would round numbers to four significant digits.
  const width = String(r.rows).length;
  const rows = r.files.map((f) => [f.file, String(f.rows).padStart(width), pct(f.rows / r.rows), pct(f.treated / Math.max(1, f.rows))]);
  return [
    `built the Criteo hybrid benchmark from ${input} (${r.rows} rows, seed ${r.seed}) into ${r.dir} in ${r.seconds.toFixed(1)} s ` +
      `(${Math.round((2 * r.rows) / r.seconds)} rows/s over two passes)`,
    `model part ${r.parts.model} rows; policy part ${r.parts.policy} rows, the policy treats ${pct(r.policyTreatedShare)}; ` +
      `OBS match rate ${pct(r.matchRate)}`,
    textTable(['file', 'rows', 'of input', 'treated'], rows),
    `dataset.json: seed, shares, part sizes, the policy's threshold and match rate`,
  ].join('\n') + '\n';
}

async function criteoHybrid(opts: { input: string; out: string; seed: number }): Promise<void> {
  process.stdout.write(criteoSummary(await buildCriteoHybrid(opts.input, opts.out, opts.seed), opts.input));
}

export function register(program: Command): void {
  const data = program.command('data').description('data tools: validate and summarise splits, build the Criteo benchmark');
  withCommonOptions(
    data
      .command('summary')
      .description('load and validate every split; print rows, arm shares and per-arm means (OBS next to RCT)')
      .option('--config <file>', 'experiment config whose data section names the splits')
      .option('--set <path=value...>', 'override config values')
      .option('--input <file>', 'a single CSV file instead of a config')
      .option('--arms <M>', 'number of arms (with --input)')
      .addHelpText(
        'after',
        `
Examples:
  $ bidfcl data summary --config configs/quickstart.yaml
  $ bidfcl data summary --input datasets/synthetic/obs.csv --arms 4`,
      ),
  ).action(summary);
  withCommonOptions(
    data
      .command('criteo-hybrid')
      .description("the paper's OBS/RCT construction from Criteo Uplift v2.1 (obs.csv, rct_train/val/test.csv, dataset.json)")
      .requiredOption('--input <file>', 'criteo-uplift-v2.1.csv or .csv.gz (f0..f11, treatment, conversion, visit)')
      .requiredOption('--out <dir>', 'output folder')
      .option('--seed <S>', 'seed of the part draws and tie-breaks; same input and seed ⇒ identical files', seedOption, 1)
      .addHelpText(
        'after',
        `
Revenue = conversion, cost = visit, arm = treatment. Each row goes to one part: 5% fits a two-stage logistic
model, 50% is logged by a policy that treats the top half by predicted ROI (rows matching it form obs.csv),
5% / 10% / 30% are the RCT train / validation / test splits. Two streaming passes; memory stays bounded.

Examples:
  $ bidfcl data criteo-hybrid --input criteo-uplift-v2.1.csv.gz --out data/criteo --seed 1
  $ bidfcl train --config configs/paper-criteo.yaml`,
      ),
  ).action(criteoHybrid);
}
