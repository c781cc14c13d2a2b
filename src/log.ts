import pino, { type Logger, type StreamEntry } from 'pino';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setProgressQuiet } from './util/progress.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Turns pino's NDJSON lines into short readable lines on stderr: `12:01:02 info message key=value`. */
const readableStderr = {
  write(line: string): void {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      process.stderr.write(line);
      return;
    }
    const { level, time, msg, pid: _pid, hostname: _host, ...rest } = rec;
    const t = new Date(typeof time === 'number' ? time : Date.now()).toISOString().slice(11, 19);
    const extras = Object.entries(rest)
      .filter(([k]) => k !== 'stack')
      .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`)
      .join(' ');
    const stack = typeof rest.stack === 'string' ? `\n${rest.stack}` : '';
    process.stderr.write(`${t} ${LEVEL_NAMES[level as number] ?? level} ${msg ?? ''}${extras ? ' ' + extras : ''}${stack}\n`);
  },
};

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(5)).toString();
}

const multi = pino.multistream([{ level: 'info', stream: readableStderr }] as StreamEntry[]);

/**
 * The process-wide logger: readable lines on stderr, plus NDJSON in a run's `log.ndjson` once
 * `logToFile` is called. Nothing else in bidfcl writes to the console except command summaries.
 */
export const log: Logger = pino({ level: 'trace', base: undefined }, multi);

/** Sets the stderr verbosity (`--log-level`, `--quiet`). */
export function configureLogging(opts: { level?: LogLevel; quiet?: boolean }): void {
  const level: LogLevel = opts.quiet ? 'warn' : (opts.level ?? 'info');
  setProgressQuiet(pino.levels.values[level] === undefined || pino.levels.values[level] > 30);
  // multistream has no setter for an existing stream's level: rebuild the first entry in place.
  const streams = (multi as unknown as { streams: { level: number; levelVal: number }[] }).streams;
  const val = level === 'silent' ? Infinity : pino.levels.values[level];
  streams[0].level = val;
  streams[0].levelVal = val;
}

/** Also writes every log record (debug and above) as NDJSON to `path`. */
export function logToFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  multi.add({ level: 'debug', stream: pino.destination({ dest: path, sync: true }) });
}
