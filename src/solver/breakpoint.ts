/**
 * The exact optimal price λ* from the hull segments (see hull.ts), by selection rather than sorting.
 *
 * At price λ every user holds the hull vertex after its segments with slope > λ, so the spend is
 * minSpend + Σ_{segments, slope > λ} Δc: a step function falling at each slope. λ* is the smallest λ ≥ 0
 * at which that spend fits the budget. It is 0 or one of the slopes: the slope at which the running Δc
 * total, taken in decreasing slope order, first exceeds the room B − minSpend.
 *
 * Selection is a radix select on the IEEE-754 bits of the slopes (positive doubles order like their bit
 * patterns): one pass histograms Δc by the top 20 bits, the bucket where the running total crosses the
 * room is kept, and further passes refine it by the next bits until the bucket holds at most
 * COLLECT_LIMIT segments; those are collected and sorted. Continuous scores need two passes; identical
 * slopes at most five.
 *
 * Complexity: O(S) per pass for S ≤ N·(M−1) segments, plus O(K log K) for the K ≤ 65,536 collected.
 * Memory: 8 MB of histograms and the collected segments; slopes are recomputed, never stored.
 */
import { segmentSlope, type Hulls } from './hull.js';
import type { Scores } from './scores.js';

const COLLECT_LIMIT = 1 << 16;

/** Radix levels over the two 32-bit words of a double: [word (1 = high), shift, bits]. */
const LEVELS: readonly (readonly [number, number, number])[] = [
  [1, 12, 19], // sign (always 0) | exponent | top 8 mantissa bits: the sign bit needs no bucket
  [1, 0, 12],
  [0, 16, 16],
  [0, 0, 16],
];

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Typed arrays use the platform's byte order; index of the high word of a double in u32.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

export interface PriceSelection {
  /** The smallest price at which the Lagrangian spend fits the budget. */
  lambda: number;
  /** Σ Δc over segments with slope > λ*: the spend above minSpend at λ*. */
  upgradeSpend: number;
}

/**
 * Finds λ* for `room` = B − Σ_i min_j ĉ_ij ≥ 0 of budget left once every user is on their cheapest arm.
 * Returns λ* = 0 when every upgrade fits.
 */
export function selectPrice(s: Scores, h: Hulls, room: number): PriceSelection {
  // The numeric range [low, high] of the slopes still in play, and the bits fixed so far.
  const fixed = [0, 0];
  let low = 0;
  let high = Infinity;
  for (let level = 0; level < LEVELS.length; level++) {
    const [word, shift, bits] = LEVELS[level];
    const weight = new Float64Array(1 << bits);
    const count = new Float64Array(1 << bits);
    const above = histogram(s, h, low, high, word === 1 ? HI : LO, shift, weight, count);
    const mask = (1 << bits) - 1;
    let bucket = -1;
    let cum = above;
    let lowest = -1;
    for (let k = mask; k >= 0; k--) {
      if (count[k] === 0) continue;
      lowest = k;
      if (cum + weight[k] > room) {
        bucket = k;
        break;
      }
      cum += weight[k];
    }
    if (lowest < 0 || (bucket < 0 && level === 0)) return { lambda: 0, upgradeSpend: cum };
    // Deeper levels re-add the same Δc in another order; if rounding loses the crossing, the lowest
    // bucket is the feasible choice.
    if (bucket < 0) bucket = lowest;
    fixed[word] = (fixed[word] | (bucket << shift)) >>> 0;
    const open = (1 << shift) - 1; // lower bits of this word still free
    low = fromWords(fixed[1], fixed[0]);
    high = word === 1 ? fromWords((fixed[1] | open) >>> 0, 0xffffffff) : fromWords(fixed[1], (fixed[0] | open) >>> 0);
    if (level === LEVELS.length - 1) return { lambda: low, upgradeSpend: cum };
    if (count[bucket] <= COLLECT_LIMIT) return selectCollected(s, h, low, high, room);
  }
  throw new Error('unreachable: the last radix level always returns');
}

/** Collects the segments with slopes in [low, high] and finds the crossing among them exactly. */
function selectCollected(s: Scores, h: Hulls, low: number, high: number, room: number): PriceSelection {
  const slopes: number[] = [];
  const dcs: number[] = [];
  const { n, m, rhat, chat } = s;
  const { len, arms } = h;
  let above = 0;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let a = arms[base];
    for (let t = 1; t < len[i]; t++) {
      const b = arms[base + t];
      const slope = segmentSlope(rhat, chat, base, a, b);
      const dc = chat[base + b] - chat[base + a];
      if (slope > high) above += dc;
      else if (slope >= low) {
        slopes.push(slope);
        dcs.push(dc);
      }
      a = b;
    }
  }
  const order = slopes.map((_, k) => k).sort((a, b) => slopes[b] - slopes[a]);
  let cum = above;
  let lambda = low;
  let before = cum;
  for (let k = 0; k < order.length; ) {
    // Segments with equal slopes switch together: sum the whole group.
    lambda = slopes[order[k]];
    let group = 0;
    for (; k < order.length && slopes[order[k]] === lambda; k++) group += dcs[order[k]];
    if (cum + group > room) return { lambda, upgradeSpend: cum };
    before = cum;
    cum += group;
  }
  // Only rounding gets here (the radix pass saw the crossing in this range): the lowest slope is feasible.
  return { lambda, upgradeSpend: before };
}

function fromWords(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0];
}

/**
 * Adds the Δc of every segment with slope in [low, high] to its bucket (bits of the slope's word `w`
 * from `shift`) and returns the Δc total of the segments above `high`. Written out rather than with a
 * visitor callback: this loop runs over every segment and is the solver's hot path.
 */
function histogram(
  s: Scores,
  h: Hulls,
  low: number,
  high: number,
  w: number,
  shift: number,
  weight: Float64Array,
  count: Float64Array,
): number {
  const { n, m, rhat, chat } = s;
  const { len, arms } = h;
  const mask = weight.length - 1;
  let above = 0;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let a = arms[base];
    for (let t = 1; t < len[i]; t++) {
      const b = arms[base + t];
      const slope = segmentSlope(rhat, chat, base, a, b);
      const dc = chat[base + b] - chat[base + a];
      if (slope > high) above += dc;
      else if (slope >= low) {
        f64[0] = slope;
        const key = (u32[w] >>> shift) & mask;
        weight[key] += dc;
        count[key]++;
      }
      a = b;
    }
  }
  return above;
}
