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
  const up = new Upgrades(s, h, pos);
  const stream = orderedCandidates(up, room);
  const followUps = new UpgradeHeap();
  const result: FillResult = { spend: 0, revenue: 0, upgrades: 0 };
  let left = room;
  const take = (i: number): void => {
    const dc = up.dc(i);
    if (!(dc <= left)) return;
    const base = i * s.m;
    const a = alloc[i];
    const b = h.arms[base + pos[i] + 1];
    pos[i]++;
    alloc[i] = b;
    left -= dc;
    result.spend += dc;
    result.revenue += s.rhat[base + b] - s.rhat[base + a];
    result.upgrades++;
    if (up.exists(i) && up.dc(i) <= left) followUps.push(i, up.slope(i));
  };
  for (let k = 0; k < stream.length && left > 0; k++) {
    const i = stream[k];
    const slope = up.slope(i);
    while (followUps.size > 0 && followUps.before(slope, i)) take(followUps.pop());
    take(i);
  }
  while (followUps.size > 0 && left > 0) take(followUps.pop());
  return result;
}

/** Each user's next upgrade from its current hull position. */
class Upgrades {
  readonly n: number;
  constructor(
    private readonly s: Scores,
    private readonly h: Hulls,
    private readonly pos: Uint8Array,
  ) {
    this.n = s.n;
  }

  exists(i: number): boolean {
    return this.pos[i] + 1 < this.h.len[i];
  }

  dc(i: number): number {
    const base = i * this.s.m;
    const t = base + this.pos[i];
    return this.s.chat[base + this.h.arms[t + 1]] - this.s.chat[base + this.h.arms[t]];
  }

  slope(i: number): number {
    const base = i * this.s.m;
    const t = base + this.pos[i];
    return segmentSlope(this.s.rhat, this.s.chat, base, this.h.arms[t], this.h.arms[t + 1]);
  }
}

/** Users whose next upgrade fits `room`, in decreasing slope order, lower user first on ties. */
function orderedCandidates(up: Upgrades, room: number): Int32Array {
  const n = up.n;
  const count = new Int32Array(BUCKETS);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (up.exists(i) && up.dc(i) <= room) {
      count[highWord(up.slope(i)) >>> KEY_SHIFT]++;
      k++;
    }
  }
  // Bucket starts, highest slopes first.
  for (let b = BUCKETS - 1, start = 0; b >= 0; b--) {
    const c = count[b];
    count[b] = start;
    start += c;
  }
  const order = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    if (up.exists(i) && up.dc(i) <= room) order[count[highWord(up.slope(i)) >>> KEY_SHIFT]++] = i;
  }
  // Now count[b] is the end of bucket b; sort the buckets that hold more than one user.
  for (let b = BUCKETS - 1, start = 0; b >= 0 && start < k; b--) {
    const end = count[b];
    if (end - start > 1) sortBucket(up, order.subarray(start, end));
    start = Math.max(start, end);
  }
  return order;
}

function sortBucket(up: Upgrades, users: Int32Array): void {
  const ids = Array.from(users);
  const slopes = ids.map((i) => up.slope(i));
  const at = ids.map((_, p) => p).sort((p, q) => slopes[q] - slopes[p] || ids[p] - ids[q]);
  for (let p = 0; p < at.length; p++) users[p] = ids[at[p]];
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
