/**
 * Greedy use of the budget left over by the Lagrangian allocation at λ*.
 *
 * At λ* every user holds a hull vertex (hull.ts); its next vertex up is an upgrade of incremental ROI
 * slope = Δr / Δc ≤ λ*. Repeatedly take the upgrade with the highest ROI (lower user index on ties) that
 * still fits, and offer that user's following upgrade. Users tied at λ* come first, so the Lagrangian
 * gap λ*·(B − spend) shrinks below one user's revenue step; every later upgrade only adds revenue.
 * The remaining budget only shrinks, so an upgrade that does not fit now never will: it is dropped.
 *
 * Order without a full sort: the K first upgrades that fit the leftover budget are counting-sorted by
 * the top bits of their slopes (a stable radix pass, so users stay ascending); only users sharing a
 * bucket (0.3% of an octave) are sorted. Follow-up upgrades of upgraded users wait in a small heap and
 * are merged into that stream.
 *
 * Complexity: O(N) to find the K candidates, O(K + 2^19) to order them plus the small bucket sorts,
 * O(T log T) for T upgrades taken. Memory: 8 bytes per candidate and a 2 MB bucket table.
 */
import { highWord } from './float-bits.js';
import { segmentSlope, type Hulls } from './hull.js';
import type { Scores } from './scores.js';

const KEY_SHIFT = 12; // keep the exponent and top 8 mantissa bits of the high word (sign is 0)
const BUCKETS = 1 << 19;

export interface FillResult {
  /** Extra spend and revenue of the upgrades taken. */
  spend: number;
  revenue: number;
  upgrades: number;
}

/**
 * Upgrades users in place (`pos`: hull positions, `alloc`: arms) within `room` = B − current spend.
 */
export function fillBudget(s: Scores, h: Hulls, pos: Uint8Array, alloc: Uint8Array, room: number): FillResult {
  const filler = new Filler(s, h, pos, alloc, room);
  const { order, bucketEnd, bucketMinDc } = orderCandidates(filler, room);
  for (let b = BUCKETS - 1, start = 0; b >= 0 && start < order.length && filler.left > 0; b--) {
    const end = bucketEnd[b];
    // A bucket whose cheapest upgrade exceeds the leftover budget is skipped unsorted.
    if (end > start && bucketMinDc[b] <= filler.left) filler.takeBucket(order.subarray(start, end));
    start = Math.max(start, end);
  }
  filler.drainFollowUps();
  return filler.result;
}

/** The greedy's state: the leftover budget, the follow-up heap and the running totals. */
class Filler {
  readonly result: FillResult = { spend: 0, revenue: 0, upgrades: 0 };
  readonly followUps = new UpgradeHeap();

  constructor(
    readonly s: Scores,
    readonly h: Hulls,
    readonly pos: Uint8Array,
    readonly alloc: Uint8Array,
    public left: number,
  ) {}

  /** Cost of user i's next upgrade, or Infinity when it is at the top of its hull. */
  dc(i: number): number {
    const { m, chat } = this.s;
    const t = this.pos[i];
    if (t + 1 >= this.h.len[i]) return Infinity;
    const base = i * m;
    return chat[base + this.h.arms[base + t + 1]] - chat[base + this.h.arms[base + t]];
  }

  /** ROI of user i's next upgrade (which must exist). */
  slope(i: number): number {
    const base = i * this.s.m;
    const t = base + this.pos[i];
    return segmentSlope(this.s.rhat, this.s.chat, base, this.h.arms[t], this.h.arms[t + 1]);
  }

  /** Takes the users of one bucket that still fit, best first, merged with pending follow-ups. */
  takeBucket(users: Int32Array): void {
    const alive: number[] = [];
    for (const i of users) if (this.dc(i) <= this.left) alive.push(i);
    const slopes = new Map<number, number>(alive.map((i) => [i, this.slope(i)]));
    if (alive.length > 1) alive.sort((a, b) => slopes.get(b)! - slopes.get(a)! || a - b);
    for (const i of alive) {
      const slope = slopes.get(i)!;
      while (this.followUps.size > 0 && this.followUps.before(slope, i)) this.take(this.followUps.pop());
      this.take(i);
    }
  }

  drainFollowUps(): void {
    while (this.followUps.size > 0 && this.left > 0) this.take(this.followUps.pop());
  }

  /** Upgrades user i if its next upgrade fits; offers the one after. */
  private take(i: number): void {
    const dc = this.dc(i);
    if (!(dc <= this.left)) return;
    const base = i * this.s.m;
    const from = this.alloc[i];
    const to = this.h.arms[base + ++this.pos[i]];
    this.alloc[i] = to;
    this.left -= dc;
    this.result.spend += dc;
    this.result.revenue += this.s.rhat[base + to] - this.s.rhat[base + from];
    this.result.upgrades++;
    if (this.dc(i) <= this.left) this.followUps.push(i, this.slope(i));
  }
}

/**
 * Counting-sorts the users whose next upgrade fits `room` by the top bits of its slope, highest first;
 * users stay ascending within a bucket. Returns the order, each bucket's end in it and its cheapest Δc.
 */
function orderCandidates(
  f: Filler,
  room: number,
): { order: Int32Array; bucketEnd: Int32Array; bucketMinDc: Float64Array } {
  const n = f.s.n;
  const bucketEnd = new Int32Array(BUCKETS);
  const bucketMinDc = new Float64Array(BUCKETS).fill(Infinity);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const dc = f.dc(i);
    if (dc <= room) {
      const b = highWord(f.slope(i)) >>> KEY_SHIFT;
      bucketEnd[b]++;
      if (dc < bucketMinDc[b]) bucketMinDc[b] = dc;
      k++;
    }
  }
  for (let b = BUCKETS - 1, start = 0; b >= 0; b--) {
    const c = bucketEnd[b];
    bucketEnd[b] = start;
    start += c;
  }
  const order = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    if (f.dc(i) <= room) order[bucketEnd[highWord(f.slope(i)) >>> KEY_SHIFT]++] = i;
  }
  return { order, bucketEnd, bucketMinDc };
}

/** Does the upgrade (slope a, user i) go before (slope b, user j)? Higher ROI first, then lower user. */
function goesFirst(a: number, i: number, b: number, j: number): boolean {
  return a > b || (a === b && i < j);
}

/** A max-heap of users by the slope of their pending upgrade, in growable typed arrays. */
class UpgradeHeap {
  private user = new Int32Array(64);
  private slope = new Float64Array(64);
  size = 0;

  /** True when the heap's top goes before an upgrade of this slope by user i. */
  before(slope: number, i: number): boolean {
    return goesFirst(this.slope[0], this.user[0], slope, i);
  }

  push(i: number, slope: number): void {
    if (this.size === this.user.length) this.grow();
    let k = this.size++;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!goesFirst(slope, i, this.slope[parent], this.user[parent])) break;
      this.put(k, this.user[parent], this.slope[parent]);
      k = parent;
    }
    this.put(k, i, slope);
  }

  /** Removes and returns the top user. */
  pop(): number {
    const top = this.user[0];
    const n = --this.size;
    const i = this.user[n];
    const slope = this.slope[n];
    let k = 0;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= n) break;
      if (c + 1 < n && goesFirst(this.slope[c + 1], this.user[c + 1], this.slope[c], this.user[c])) c++;
      if (!goesFirst(this.slope[c], this.user[c], slope, i)) break;
      this.put(k, this.user[c], this.slope[c]);
      k = c;
    }
    this.put(k, i, slope);
    return top;
  }

  private put(k: number, i: number, slope: number): void {
    this.user[k] = i;
    this.slope[k] = slope;
  }

  private grow(): void {
    const user = new Int32Array(this.user.length * 2);
    const slope = new Float64Array(this.user.length * 2);
    user.set(this.user);
    slope.set(this.slope);
    this.user = user;
    this.slope = slope;
  }
}
