/** Aligned plain-text tables for terminal summaries (numbers right-aligned, text left-aligned). */
export function textTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((v) => (typeof v === 'number' ? fmt(v) : v)))];
  const numeric = header.map((_, k) => rows.length > 0 && rows.every((r) => typeof r[k] === 'number'));
  const widths = header.map((_, k) => Math.max(...cells.map((r) => r[k]?.length ?? 0)));
  const line = (r: string[]): string =>
    r.map((v, k) => (numeric[k] ? v.padStart(widths[k]) : v.padEnd(widths[k]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Integers as they are; otherwise four significant digits, no exponent for ordinary magnitudes. */
export function fmt(v: number): string {
  if (!Number.isFinite(v) || (Number.isInteger(v) && Math.abs(v) < 1e15)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}
