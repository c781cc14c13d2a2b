import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.js';
import { log } from '../log.js';
import { register as registerGenerate } from './generate.js';
import { register as registerData } from './data.js';
import { register as registerAllocate } from './allocate.js';
import { register as registerTrain } from './train.js';
import { register as registerEvaluate } from './evaluate.js';
import { register as registerPredict } from './predict.js';

type Register = (program: Command) => void;

/** Every command, in the order `--help` lists them. */
const COMMANDS: Register[] = [registerGenerate, registerData, registerTrain, registerEvaluate, registerPredict, registerAllocate];

/** Builds the program; each command lives in its own file under src/cli/. */
export function buildProgram(): Command {
  const program = new Command('bidfcl')
    .description(
      'Budget-constrained treatment allocation with decision-focused and bi-level (Bi-DFCL) uplift learning.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  program.addHelpText(
    'after',
    `
Examples:
  $ bidfcl generate --out data/syn --seed 1 --arms 4 --obs 200000 --rct 30000
  $ bidfcl data summary --config configs/quickstart.yaml
  $ bidfcl train --config configs/quickstart.yaml
  $ bidfcl allocate --scores scores.csv --per-capita 0.5 --out allocation.csv
Run "bidfcl <command> --help" for a command's options.`,
  );
  return program;
}

/** The one exit point: maps user errors to exit code 2, bugs to 1. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit through here with code 0; usage mistakes are exit 2.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      log.debug({ kind: e.kind, ...e.where }, e.describe());
      process.stderr.write(`error: ${e.describe()}\n`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    log.debug({ stack: err.stack }, `internal error: ${err.message}`);
    process.stderr.write(
      `internal error (a bug in bidfcl, please report it): ${err.message}\n` +
        'the stack trace is in the run log, or rerun with --log-level debug\n',
    );
    return 1;
  }
}
