/**
 * The user-facing error family. Each kind carries where the problem is (file, line, column or a config
 * key path); the CLI's single handler prints the message and exits with code 2. Any other thrown error
 * is a bug and exits with code 1.
 */
export interface Where {
  file?: string;
  line?: number;
  column?: string | number;
  key?: string;
}

export class UserError extends Error {
  readonly kind: string = 'usage';
  readonly where: Where;
  constructor(message: string, where: Where = {}) {
    super(message);
    this.where = where;
    this.name = new.target.name;
  }

  /** One line: `file:line: column "c": message` or `key a.b.c: message`. */
  describe(): string {
    const w = this.where;
    const parts: string[] = [];
    const numericColumn = typeof w.column === 'number';
    if (w.file) {
      const line = w.line !== undefined ? `:${w.line}${numericColumn ? `:${w.column}` : ''}` : '';
      parts.push(w.file + line);
    }
    if (w.column !== undefined && !numericColumn) parts.push(`column ${JSON.stringify(w.column)}`);
    if (w.key) parts.push(`key ${w.key}`);
    return parts.length > 0 ? `${parts.join(': ')}: ${this.message}` : this.message;
  }
}

export class UsageError extends UserError {
  override readonly kind = 'usage';
}
export class ConfigError extends UserError {
  override readonly kind = 'config';
}
export class DataError extends UserError {
  override readonly kind = 'data';
}
export class ModelError extends UserError {
  override readonly kind = 'model';
}
export class AllocationError extends UserError {
  override readonly kind = 'allocation';
}
export class BackendError extends UserError {
  override readonly kind = 'backend';
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** ` (did you mean "x"?)` when a candidate is close enough to `name`, else an empty string. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  let best = '';
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    // Relative distance, so "y" does not suggest "x" but "taux" suggests "tau".
    const score = d / Math.max(name.length, c.length);
    if (d <= 3 && score <= 0.5 && score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
}
