import { Command, InvalidArgumentError, Option } from 'commander';
import { generateSynthetic, type GenerateResult } from '../data/synthetic/generate.js';
import { BIAS_KINDS, DEFAULT_KNOBS, OUTCOME_KINDS, type SyntheticKnobs } from '../data/synthetic/knobs.js';
import { withCommonOptions } from './common.js';

/** Commander's parsed options: the knobs given on the command line, plus --out and the common options. */
type GenerateOptions = Partial<SyntheticKnobs> & { out: string };

// Parsers only turn text into numbers; ranges are checked once, by the library (resolveKnobs).
function number(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError('expected a number.');
  return v;
}

function numberList(text: string): number[] {
  return text.split(',').map(number);
}

function sign(text: string): 1 | -1 {
  const v = Number(text);
  if (v !== 1 && v !== -1) throw new InvalidArgumentError('expected +1 or -1.');
  return v;
}

function summary(r: GenerateResult): string {
  const k = r.knobs;
  const lines = [
    `generated ${k.arms} arms × ${k.features} features (${k.outcome} outcomes; bias ${k.bias} ${k.biasKind}, ` +
      `sign ${k.biasSign > 0 ? '+1' : '-1'}) into ${r.dir} in ${r.seconds.toFixed(1)} s`,
  ];
  for (const s of r.splits) {
    const shares = s.armCounts.map((n) => (n / s.rows).toFixed(3)).join(' ');
    lines.push(`  ${s.file.padEnd(14)} ${String(s.rows).padStart(9)} rows   arm shares ${shares}`);
  }
  lines.push(`  ${'dataset.json'.padEnd(14)} every knob, the seed, the columns`);
  return lines.join('\n') + '\n';
}

async function generate(opts: GenerateOptions): Promise<void> {
  process.stdout.write(summary(await generateSynthetic(opts.out, opts)));
}

export function register(program: Command): void {
  const d = DEFAULT_KNOBS;
  withCommonOptions(
    program
      .command('generate')
      .description('write a synthetic OBS/RCT benchmark with all potential outcomes (obs.csv, rct_*.csv, dataset.json)')
      .requiredOption('--out <dir>', 'output folder')
      .option('--seed <S>', `random seed; same seed and knobs ⇒ identical files (default ${d.seed})`, number)
      .option('--arms <M>', `number of arms, arm 0 = control (default ${d.arms})`, number)
      .option('--features <D>', `number of features f0..f{D-1} (default ${d.features})`, number)
      .option('--obs <N>', `rows of logged observational data (default ${d.obs})`, number)
      .option('--rct <N>', `rows of randomized data, split into train/val/test (default ${d.rct})`, number)
      .option('--rct-split <a,b,c>', `RCT train,val,test shares (default ${d.rctSplit.join(',')})`, numberList)
      .option('--rct-propensities <p0,...>', 'RCT arm probabilities, written in a p column (default uniform)', numberList)
      .option('--bias <S>', `strength of the OBS logging policy's selection, 0 = none (default ${d.bias})`, number)
      .addOption(
        new Option('--bias-kind <kind>', `what the logging policy selects on (default ${d.biasKind})`).choices(BIAS_KINDS),
      )
      .option('--bias-sign <s>', `+1: large arms to high scores, -1: to low ones (default ${d.biasSign})`, sign)
      .option('--base-complexity <X>', `weight of the wiggly base revenue (default ${d.baseComplexity})`, number)
      .option('--uplift-tail <X>', `log-normal sd of uplift, 0..3 (default ${d.upliftTail})`, number)
      .addOption(new Option('--outcome <kind>', `outcome noise kind (default ${d.outcome})`).choices(OUTCOME_KINDS))
      .option('--base-rate <X>', 'mean control revenue, for binary its conversion rate (default 1; binary 0.02)', number)
      .option('--noise <X>', `gaussian: sd of revenue noise (default ${d.noise})`, number)
      .option('--cost-noise <X>', `gaussian: coefficient of variation of cost noise (default ${d.costNoise})`, number)
      .addHelpText(
        'after',
        `
The structural model and every knob are described in README.md ("Synthetic benchmark").

Examples:
  $ bidfcl generate --out data/syn --seed 1
  $ bidfcl generate --out data/rank --seed 2 --bias 2 --bias-kind rank --bias-sign -1
  $ bidfcl generate --out data/criteo-like --seed 3 --arms 2 --outcome binary --base-rate 0.003`,
      ),
  ).action(generate);
}
