/**
 * The exact optimal price λ* from the hull segments (see hull.ts), by selection rather than sorting.
 *
 * At price λ every user holds the hull vertex after its segments with slope > λ, so the spend is
 * minSpend + Σ_{segments, slope > λ} Δc: a step function falling at each slope. λ* is the smallest λ ≥ 0
 * at which that spend fits the budget. It is 0 or one of the slopes: the slope at which the running Δc
 * total, taken in decreasing slope order, first exceeds the room B − minSpend.
 *
 * Selection is a radix select on the IEEE-754 bits of the slopes (positive doubles order like their bit
 * patterns): a histogram of Δc by the top 19 bits (filled while the hulls are built), the bucket where
 * the running total crosses the room is kept, and further passes refine it by the next bits until the
 * bucket holds at most COLLECT_LIMIT segments; those are collected and sorted. Continuous scores need
 * one extra pass over the hulls; identical slopes at most four.
 *
 * Complexity: O(S) per pass for S ≤ N·(M−1) segments, plus O(K log K) for the K ≤ 65,536 collected.
 * Memory: 8 MB of histograms and the collected segments; slopes are recomputed, never stored.
 */
import { fromWords, highWord, lowWord } from './float-bits.js';
import { segmentSlope, type Hulls, type SegmentSink } from './hull.js';
import type { Scores } from './scores.js';

const COLLECT_LIMIT = 1 << 16;

/** Radix levels over the two 32-bit words of a double: [word (1 = high), shift, bits]. */
const LEVELS: readonly (readonly [number, number, number])[] = [
  [1, 12, 19], // exponent and top 8 mantissa bits; the sign bit is always 0
  [1, 0, 12],
  [0, 16, 16],
  [0, 0, 16],
];

/** Δc per bucket of slope bits, for the slopes in [low, high]; Δc above `high` is summed apart. */
export class SlopeHistogram implements SegmentSink {
  readonly weight: Float64Array;
  readonly count: Float64Array;
  above = 0;
  private readonly high32: boolean;
  private readonly shift: number;
  private readonly mask: number;

  /** Level 0 with the full range is the one hull building fills. */
  constructor(
    readonly level = 0,
    readonly low = 0,
    readonly high = Infinity,
  ) {
    const [word, shift, bits] = LEVELS[level];
    this.high32 = word === 1;
    this.shift = shift;
    this.mask = (1 << bits) - 1;
    this.weight = new Float64Array(1 << bits);
    this.count = new Float64Array(1 << bits);
  }

  add(slope: number, dc: number): void {
    if (slope > this.high) this.above += dc;
    else if (slope >= this.low) {
      const key = ((this.high32 ? highWord(slope) : lowWord(slope)) >>> this.shift) & this.mask;
      this.weight[key] += dc;
      this.count[key]++;
    }
  }
}

export interface PriceSelection {
  /** The smallest price at which the Lagrangian spend fits the budget. */
  lambda: number;
  /** Σ Δc over segments with slope > λ*: the spend above minSpend at λ*. */
  upgradeSpend: number;
}

/**
 * Finds λ* for `room` = B − Σ_i min_j ĉ_ij ≥ 0, the budget left once every user is on their cheapest
 * arm, given the level-0 histogram of all segments. Returns λ* = 0 when every upgrade fits.
 */
export function selectPrice(s: Scores, h: Hulls, room: number, first: SlopeHistogram): PriceSelection {
  const fixed = [0, 0]; // bits of the slope fixed so far: [low word, high word]
  for (let hist = first; ; ) {
    const { weight, count } = hist;
    let bucket = -1;
    let lowest = -1;
    let cum = hist.above;
    for (let k = weight.length - 1; k >= 0; k--) {
      if (count[k] === 0) continue;
      lowest = k;
      if (cum + weight[k] > room) {
        bucket = k;
        break;
      }
      cum += weight[k];
    }
    if (lowest < 0 || (bucket < 0 && hist.level === 0)) return { lambda: 0, upgradeSpend: cum };
    // Deeper levels re-add the same Δc in another order; if rounding loses the crossing, the lowest
    // bucket is the feasible choice.
    if (bucket < 0) bucket = lowest;
    const [word, shift] = LEVELS[hist.level];
    fixed[word] = (fixed[word] | (bucket << shift)) >>> 0;
    const open = (1 << shift) - 1; // lower bits of this word still free
    const low = fromWords(fixed[1], fixed[0]);
    const high = word === 1 ? fromWords((fixed[1] | open) >>> 0, 0xffffffff) : fromWords(fixed[1], (fixed[0] | open) >>> 0);
    if (hist.level === LEVELS.length - 1) return { lambda: low, upgradeSpend: cum };
    if (count[bucket] <= COLLECT_LIMIT) return selectCollected(s, h, low, high, room);
    hist = new SlopeHistogram(hist.level + 1, low, high);
    visitSegments(s, h, hist);
  }
}

/** Collects the segments with slopes in [low, high] and finds the crossing among them exactly. */
function selectCollected(s: Scores, h: Hulls, low: number, high: number, room: number): PriceSelection {
  const collected = new Collector(low, high);
  visitSegments(s, h, collected);
  const { slopes, dcs } = collected;
  const order = slopes.map((_, k) => k).sort((a, b) => slopes[b] - slopes[a]);
  let cum = collected.above;
  let before = cum;
  let lambda = low;
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

class Collector implements SegmentSink {
  readonly slopes: number[] = [];
  readonly dcs: number[] = [];
  above = 0;
  constructor(
    private readonly low: number,
    private readonly high: number,
  ) {}

  add(slope: number, dc: number): void {
    if (slope > this.high) this.above += dc;
    else if (slope >= this.low) {
      this.slopes.push(slope);
      this.dcs.push(dc);
    }
  }
}

/** Hands every hull segment of every user to `sink`. */
function visitSegments(s: Scores, h: Hulls, sink: SegmentSink): void {
  const { n, m, rhat, chat } = s;
  const { len, arms } = h;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let a = arms[base];
    for (let t = 1; t < len[i]; t++) {
      const b = arms[base + t];
      sink.add(segmentSlope(rhat, chat, base, a, b), chat[base + b] - chat[base + a]);
      a = b;
    }
  }
}
