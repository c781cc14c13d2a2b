import { Command } from 'commander';
import { initBackend } from '../backend/index.js';
import { scoreFile, writeScores } from '../experiment/predict.js';
import { withCommonOptions, type CommonOptions } from './common.js';

interface PredictOptions extends CommonOptions {
  model: string;
  input: string;
  out: string;
}

async function predict(opts: PredictOptions): Promise<void> {
  await initBackend(opts.backend);
  const scored = await scoreFile(opts.model, opts.input);
  await writeScores(opts.out, scored);
  process.stdout.write(`wrote ${scored.n} rows × ${scored.m} arms of r̂ and ĉ to ${opts.out}\n`);
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('predict')
      .description('predicted revenue r̂ and cost ĉ of every arm for every row of a feature file')
      .requiredOption('--model <dir>', 'model directory (…/<method>/seed-<s>/model)')
      .requiredOption('--input <file>', 'CSV with the feature columns the model was trained on (and optionally id)')
      .requiredOption('--out <file>', 'output CSV: id, rhat_0..rhat_{M-1}, chat_0..chat_{M-1}')
      .addHelpText(
        'after',
        `
Example:
  $ bidfcl predict --model runs/qs/dfcl-ppl/seed-1/model --input users.csv --out scores.csv
  $ bidfcl allocate --scores scores.csv --per-capita 0.5 --out allocation.csv`,
      ),
  ).action(predict);
}
