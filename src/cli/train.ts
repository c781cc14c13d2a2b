import { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { runExperiment } from '../experiment/run.js';
import { summaryTable } from '../report/markdown.js';
import { withCommonOptions, type CommonOptions } from './common.js';

interface TrainOptions extends CommonOptions {
  config: string;
  out?: string;
  set?: string[];
}

async function train(opts: TrainOptions): Promise<void> {
  const { config, yaml } = loadConfig(opts.config, opts.set ?? []);
  const backend = opts.backend === 'auto' ? config.backend : opts.backend;
  const result = await runExperiment(config, yaml, { out: opts.out, backend });
  process.stdout.write(
    `${result.interrupted ? 'interrupted: results so far\n' : ''}${summaryTable(result.metrics)}\n\nrun directory: ${result.runDir}\nmetrics: ${result.metricsFile}\nreport: ${result.reportFile} and ${result.htmlFile} (${result.plotFiles.length} plots in plots/)\n`,
  );
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('train')
      .description('train every method × seed of a config, evaluate on the RCT test split, write a run directory')
      .requiredOption('--config <file>', 'experiment config (YAML)')
      .option('--out <dir>', 'run directory (default: <output>/<name>-<UTC time>)')
      .option('--set <path=value...>', 'override config values, e.g. --set train.epochs=5 seeds=[1,2]')
      .addHelpText(
        'after',
        `
Examples:
  $ bidfcl train --config configs/quickstart.yaml
  $ bidfcl train --config configs/quickstart.yaml --out runs/qs --set train.epochs=5
Progress goes to stderr; Ctrl-C stops after the current batch and still writes metrics for what finished.`,
      ),
  ).action(train);
}
