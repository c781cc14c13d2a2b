import { Command } from 'commander';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { initBackend } from '../backend/index.js';
import { evaluateRun } from '../experiment/evaluate-run.js';
import { evaluateModelOnFile } from '../experiment/evaluate-model.js';
import { UsageError } from '../errors.js';
import { summaryTable } from '../report/markdown.js';
import { fmt } from '../report/text-table.js';
import { withCommonOptions, type CommonOptions } from './common.js';

interface EvaluateOptions extends CommonOptions {
  run?: string;
  model?: string;
  data?: string;
  arms?: string;
  budgets?: string;
  fraction?: string;
}

function parseFractions(text: string, flag: string): number[] {
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((f) => !Number.isFinite(f) || f < 0 || f > 1)) {
    throw new UsageError(`${flag} expects comma-separated fractions in [0, 1], got "${text}"`);
  }
  return list;
}

async function evaluate(opts: EvaluateOptions): Promise<void> {
  const budgets = opts.budgets !== undefined ? parseFractions(opts.budgets, '--budgets') : undefined;
  if ((opts.run === undefined) === (opts.model === undefined)) throw new UsageError('give either --run DIR or --model DIR --data FILE');
  await initBackend(opts.backend);
  if (opts.run !== undefined) {
    const sets = budgets ? [`evaluate.budgets=[${budgets.join(',')}]`] : [];
    const { config } = loadConfig(join(opts.run, 'config.yaml'), sets);
    const result = await evaluateRun(opts.run, config);
    process.stdout.write(`${summaryTable(result.metrics)}\n\nmetrics: ${result.metricsFile}\nreport: ${result.reportFile} and ${result.htmlFile} (${result.plotFiles.length} plots in plots/)\n`);
    return;
  }
  if (opts.data === undefined) throw new UsageError('--model needs --data FILE (an RCT file with t, r, c)');
  const fraction = opts.fraction !== undefined ? parseFractions(opts.fraction, '--fraction')[0] : 0.3;
  const ev = await evaluateModelOnFile(opts.model!, opts.data, fraction, budgets ?? [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]);
  const h = ev.headline;
  const lines = [
    `budget per capita ${fmt(h.budget)} (fraction ${fraction}): λ* ${fmt(h.lambda)}, EOM revenue ${fmt(h.eom_revenue)}, EOM cost ${fmt(h.eom_cost)}`,
    ...(h.true_revenue !== undefined ? [`true revenue ${fmt(h.true_revenue)}, true cost ${fmt(h.true_cost!)}, oracle ${fmt(h.oracle_revenue!)}, regret ${fmt(h.regret!)}`] : []),
    `sweep area (EOM) ${fmt(ev.sweep_area_eom)}${ev.aucc !== undefined ? `, AUCC ${fmt(ev.aucc)}` : ''}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('evaluate')
      .description('metrics of trained models on RCT data: EOM, budget sweep, AUCC (M = 2), true value and regret')
      .option('--run <dir>', 'a run directory written by train: re-evaluates every model, rewrites metrics.json and report.md')
      .option('--model <dir>', 'one model directory (…/<method>/seed-<s>/model)')
      .option('--data <file>', 'RCT file to evaluate --model on')
      .option('--fraction <f>', 'headline budget fraction for --model (default 0.3)')
      .option('--budgets <list>', 'budget fractions of the sweep, e.g. 0.1,0.2,0.5')
      .addHelpText(
        'after',
        `
Examples:
  $ bidfcl evaluate --run runs/quickstart-2026-12-04T10-00-00Z
  $ bidfcl evaluate --run runs/qs --budgets 0.1,0.3,0.5
  $ bidfcl evaluate --model runs/qs/tsm-sl-rct/seed-1/model --data datasets/synthetic/rct_test.csv`,
      ),
  ).action(evaluate);
}
