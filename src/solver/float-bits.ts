/**
 * The high 32-bit word of an IEEE-754 double. Positive doubles order like their bit patterns, so the top
 * bits of a slope are a radix key: the fill step buckets upgrades by them instead of sorting.
 */
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Typed arrays use the platform's byte order: the index of a double's high word in u32.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Sign, exponent and top 20 mantissa bits of x, as an unsigned integer. */
export function highWord(x: number): number {
  f64[0] = x;
  return u32[HI];
}
