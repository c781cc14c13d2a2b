/**
 * The two 32-bit words of an IEEE-754 double. Positive doubles order like their bit patterns, which
 * lets the solver bucket slopes by their top bits (a radix order) instead of sorting them.
 */
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Typed arrays use the platform's byte order: the index of a double's high word in u32.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** Sign, exponent and top 20 mantissa bits of x. */
export function highWord(x: number): number {
  f64[0] = x;
  return u32[HI];
}

/** Low 32 mantissa bits of x. */
export function lowWord(x: number): number {
  f64[0] = x;
  return u32[LO];
}

/** The double whose bit pattern is hi·2^32 + lo (both unsigned). */
export function fromWords(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0];
}
