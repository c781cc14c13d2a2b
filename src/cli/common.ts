import { Command, Option } from 'commander';
import { BACKENDS } from '../backend/kinds.js';
import { configureLogging, LOG_LEVELS, type LogLevel } from '../log.js';

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
