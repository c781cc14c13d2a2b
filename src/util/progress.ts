/**
 * A one-line progress bar on stderr for long loops (reading big files, scoring, allocating). Drawn only
 * when stderr is a terminal and the log level shows info, at most ten times a second; otherwise silent
 * (logs carry the totals).
 */
export interface Progress {
  /** Reports `done` out of `total` units (rows, bytes, ...). */
  update(done: number, total: number, note?: string): void;
  /** Clears the line. */
  end(): void;
}

let quiet = false;

export function progressBar(label: string): Progress {
  const enabled = process.stderr.isTTY === true && !quiet;
  let last = 0;
  let drawn = false;
  return {
    update(done, total, note = '') {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const width = 30;
      const fill = Math.round(frac * width);
      process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${note}\x1b[K`);
      drawn = true;
    },
    end() {
      if (drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** Set by configureLogging for --quiet / a log level above info. */
export function setProgressQuiet(q: boolean): void {
  quiet = q;
}
