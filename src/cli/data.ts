import { Command } from 'commander';
import { loadConfig } from '../config/load.js';
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

export function register(program: Command): void {
  const data = program.command('data').description('data tools: validate and summarise splits');
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
}
