/** Decimal number parsing straight from bytes, for the CSV reader's fast path. */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses a decimal number from bytes [s, e). Returns NaN when the text is not a plain finite number.
 * Exact (correctly rounded) whenever the mantissa has ≤ 15 digits and |exponent| ≤ 22 — Clinger's fast
 * path — and otherwise defers to Number() on the text.
 */
export function parseNumber(buf: Uint8Array, s: number, e: number): number {
  while (s < e && buf[s] === 32) s++;
  while (e > s && buf[e - 1] === 32) e--;
  if (s === e) return NaN;
  let i = s;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
  } else if (buf[i] === 43) i++;
  let mant = 0;
  let digits = 0;
  let exp10 = 0;
  let any = false;
  // Integer and fraction digits in one pass: beyond 15 significant digits an integer digit only scales
  // (exp10++) and a fraction digit is dropped; such long mantissas go to slowNumber below anyway.
  let dot = false;
  for (; i < e; i++) {
    if (buf[i] === 46 && !dot) {
      dot = true;
      continue;
    }
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    any = true;
    if (digits < 15) {
      mant = mant * 10 + d;
      if (mant !== 0) digits++;
      if (dot) exp10--;
    } else if (!dot) exp10++;
  }
  if (!any) return slowNumber(buf, s, e);
  if (i < e && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    let eneg = false;
    if (buf[i] === 45) {
      eneg = true;
      i++;
    } else if (buf[i] === 43) i++;
    let ev = 0;
    let edigits = 0;
    while (i < e) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      ev = ev * 10 + d;
      edigits++;
      i++;
    }
    if (edigits === 0) return NaN;
    exp10 += eneg ? -ev : ev;
  }
  if (i !== e) return NaN;
  if (digits >= 15 || exp10 > 22 || exp10 < -22) return slowNumber(buf, s, e);
  const v = exp10 >= 0 ? mant * POW10[exp10] : mant / POW10[-exp10];
  return neg ? -v : v;
}

function slowNumber(buf: Uint8Array, s: number, e: number): number {
  const text = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1');
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
}
