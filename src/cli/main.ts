import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../errors.js';
import { configureLogging, log, LOG_LEVELS, type LogLevel } from '../log.js';
import { BACKENDS } from '../backend/index.js';

/** Options every command accepts. */
export interface CommonOptions {
  backend: (typeof BACKENDS)[number];
  logLevel: LogLevel;
  quiet: boolean;
}

/** Adds the common options to a command (`--backend`, `--log-level`, `--quiet`). */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--backend <name>', 'tensor backend').choices(BACKENDS).default('auto'))
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(LOG_LEVELS).default('info'))
    .option('-q, --quiet', 'only warnings and errors on stderr', false)
    .hook('preAction', (_this, action) => {
      const o = action.opts<CommonOptions>();
      configureLogging({ level: o.logLevel, quiet: o.quiet });
    });
}

type Register = (program: Command) => void;

/** Builds the program; each command lives in its own file under src/cli/. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('bidfcl')
    .description(
      'Budget-constrained treatment allocation with decision-focused and bi-level (Bi-DFCL) uplift learning.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const modules: { register: Register }[] = await Promise.all([
    import('./generate.js'),
    import('./data.js'),
    import('./allocate.js'),
  ]);
  for (const m of modules) m.register(program);
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
  const program = await buildProgram();
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
