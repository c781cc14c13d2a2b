/**
 * Greedy use of the budget left over by the Lagrangian allocation at λ*.
 *
 * At λ* every user holds a hull vertex (hull.ts); its next vertex up is an upgrade of incremental ROI
 * slope = Δr / Δc ≤ λ*. Repeatedly take the upgrade with the highest ROI (lower user index on ties) that
 * still fits, and offer that user's following upgrade. Users tied at λ* come first, so the Lagrangian
 * gap λ*·(B − spend) shrinks below one user's revenue step; every later upgrade only adds revenue.
 * The remaining budget only shrinks, so an upgrade that does not fit now never will: it is dropped.
 *
 * Order without a full sort: the K first upgrades that fit are counting-sorted by the top bits of their
 * slopes (a stable radix pass, so users stay ascending); only the users of a bucket (0.3% of an
 * octave) that can still afford their upgrade are sorted. Follow-up upgrades of upgraded users wait in
 * a small heap and are merged into that stream.
 *
 * Complexity: O(N · M) to find the K candidates, O(K + 2^19) to order them plus the small bucket sorts,
 * O(T · M + T log T) for T upgrades taken. Memory: 25 bytes per candidate and a 6 MB bucket table.
 */
import { highWord } from './float-bits.js';
import { nextUp, segmentSlope } from './hull.js';
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
 * Upgrades users of `alloc` (each holding its hull vertex at price λ*) in place, within `room` =
 * B − current spend. Upgrades with slopes above `lo` can only belong to the `active` users (everyone
 * else holds the same arm over [lo, λ*]), so they are ordered and taken first; then one pass finds the
 * remaining upgrades that still fit what is left, which is usually far less than `room`.
 */
export function fillBudget(
  s: Scores,
  lambda: number,
  lo: number,
  active: Int32Array,
  alloc: Uint8Array,
  room: number,
): FillResult {
  const filler = new Filler(s, alloc, room);
  filler.takeInOrder(findCandidates(s, lambda, alloc, room, active, lo, null));
  filler.drainFollowUps(lo);
  if (filler.left > 0) {
    filler.takeInOrder(findCandidates(s, lambda, alloc, filler.left, null, -Infinity, filler.upgraded));
  }
  filler.drainFollowUps(-Infinity);
  return filler.result;
}

/** First upgrades that fit `room`: user, arm, slope and cost, users ascending. */
interface Candidates {
  size: number;
  user: Int32Array;
  arm: Uint8Array;
  slope: Float64Array;
  dc: Float64Array;
}

/**
 * The next upgrade of each of `users` (all users when null, minus `skip`) that costs at most `room` and
 * has a slope above `minSlope`.
 */
function findCandidates(
  s: Scores,
  lambda: number,
  alloc: Uint8Array,
  room: number,
  users: Int32Array | null,
  minSlope: number,
  skip: Set<number> | null,
): Candidates {
  const { m, rhat, chat } = s;
  const c: Candidates = {
    size: 0,
    user: new Int32Array(1024),
    arm: new Uint8Array(1024),
    slope: new Float64Array(1024),
    dc: new Float64Array(1024),
  };
  const count = users ? users.length : s.n;
  for (let k = 0; k < count; k++) {
    const i = users ? users[k] : k;
    const base = i * m;
    const a = alloc[i];
    const ca = chat[base + a];
    const ra = rhat[base + a];
    // Cheap screen: the next vertex is one of the arms costing and earning more; one must fit.
    let fits = false;
    for (let j = 0; j < m && !fits; j++) {
      const cj = chat[base + j];
      fits = cj > ca && cj - ca <= room && rhat[base + j] > ra;
    }
    if (!fits || skip?.has(i)) continue;
    const b = nextUp(s, base, a, lambda, true);
    if (b < 0 || chat[base + b] - ca > room) continue;
    const slope = segmentSlope(s, base, a, b);
    if (!(slope > minSlope)) continue;
    if (c.size === c.user.length) grow(c);
    c.user[c.size] = i;
    c.arm[c.size] = b;
    c.slope[c.size] = slope;
    c.dc[c.size] = chat[base + b] - ca;
    c.size++;
  }
  return c;
}

/** A copy of `a` with twice its capacity (the growable arrays of the candidate list and the heap). */
function doubled<T extends Int32Array | Uint8Array | Float64Array>(a: T): T {
  const out = new (a.constructor as new (length: number) => T)(a.length * 2);
  out.set(a);
  return out;
}

function grow(c: Candidates): void {
  c.user = doubled(c.user);
  c.arm = doubled(c.arm);
  c.slope = doubled(c.slope);
  c.dc = doubled(c.dc);
}

/**
 * Counting-sorts candidate indices by the top bits of their slopes, highest first (stable, so users
 * stay ascending within a bucket). Returns the order, each bucket's end in it and its cheapest Δc.
 */
function orderCandidates(c: Candidates): { order: Int32Array; bucketEnd: Int32Array; bucketMinDc: Float64Array } {
  const bucketEnd = new Int32Array(BUCKETS);
  const bucketMinDc = new Float64Array(BUCKETS).fill(Infinity);
  for (let k = 0; k < c.size; k++) {
    const b = highWord(c.slope[k]) >>> KEY_SHIFT;
    bucketEnd[b]++;
    if (c.dc[k] < bucketMinDc[b]) bucketMinDc[b] = c.dc[k];
  }
  for (let b = BUCKETS - 1, start = 0; b >= 0; b--) {
    const size = bucketEnd[b];
    bucketEnd[b] = start;
    start += size;
  }
  const order = new Int32Array(c.size);
  for (let k = 0; k < c.size; k++) order[bucketEnd[highWord(c.slope[k]) >>> KEY_SHIFT]++] = k;
  return { order, bucketEnd, bucketMinDc };
}

/** The greedy's state: the leftover budget, the follow-up heap and the running totals. */
class Filler {
  readonly result: FillResult = { spend: 0, revenue: 0, upgrades: 0 };
  /** Users upgraded so far: their next upgrades live in the follow-up heap. */
  readonly upgraded = new Set<number>();
  private readonly followUps = new UpgradeHeap();

  constructor(
    private readonly s: Scores,
    private readonly alloc: Uint8Array,
    public left: number,
  ) {}

  /** Takes candidates in decreasing slope order, merged with the follow-ups, while budget is left. */
  takeInOrder(c: Candidates): void {
    const { order, bucketEnd, bucketMinDc } = orderCandidates(c);
    for (let b = BUCKETS - 1, start = 0; b >= 0 && start < order.length && this.left > 0; b--) {
      const end = bucketEnd[b];
      // A bucket whose cheapest upgrade exceeds the leftover budget is skipped unsorted.
      if (end > start && bucketMinDc[b] <= this.left) this.takeBucket(c, order.subarray(start, end));
      start = Math.max(start, end);
    }
  }

  /** Takes the pending follow-ups with slopes above `floor`. */
  drainFollowUps(floor: number): void {
    while (this.followUps.size > 0 && this.left > 0 && this.followUps.before(floor, -1)) this.takeFollowUp();
  }

  /** Takes the candidates of one bucket that still fit, best first, merged with pending follow-ups. */
  private takeBucket(c: Candidates, members: Int32Array): void {
    const alive: number[] = [];
    for (const k of members) if (c.dc[k] <= this.left) alive.push(k);
    if (alive.length > 1) alive.sort((a, b) => c.slope[b] - c.slope[a] || c.user[a] - c.user[b]);
    for (const k of alive) {
      const slope = c.slope[k];
      const i = c.user[k];
      while (this.followUps.size > 0 && this.followUps.before(slope, i)) this.takeFollowUp();
      if (c.dc[k] <= this.left) this.upgrade(i, c.arm[k], slope, c.dc[k]);
    }
  }

  private takeFollowUp(): void {
    const { user, arm, slope } = this.followUps.pop();
    const base = user * this.s.m;
    const dc = this.s.chat[base + arm] - this.s.chat[base + this.alloc[user]];
    if (dc <= this.left) this.upgrade(user, arm, slope, dc);
  }

  /** Moves user i to arm b and offers its next upgrade if that one fits too. */
  private upgrade(i: number, b: number, slope: number, dc: number): void {
    const { s, alloc } = this;
    const base = i * s.m;
    const a = alloc[i];
    alloc[i] = b;
    this.upgraded.add(i);
    this.left -= dc;
    this.result.spend += dc;
    this.result.revenue += s.rhat[base + b] - s.rhat[base + a];
    this.result.upgrades++;
    const next = nextUp(s, base, b, slope, false);
    if (next >= 0 && s.chat[base + next] - s.chat[base + b] <= this.left) {
      this.followUps.push(i, next, segmentSlope(s, base, b, next));
    }
  }
}

/** Does the upgrade (slope a, user i) go before (slope b, user j)? Higher ROI first, then lower user. */
function goesFirst(a: number, i: number, b: number, j: number): boolean {
  return a > b || (a === b && i < j);
}

/** A max-heap of pending upgrades (user → arm) by slope, in growable typed arrays. */
class UpgradeHeap {
  private user = new Int32Array(64);
  private arm = new Uint8Array(64);
  private slope = new Float64Array(64);
  size = 0;

  /** True when the heap's top goes before an upgrade of this slope by user i. */
  before(slope: number, i: number): boolean {
    return goesFirst(this.slope[0], this.user[0], slope, i);
  }

  push(i: number, arm: number, slope: number): void {
    if (this.size === this.user.length) this.grow();
    let k = this.size++;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!goesFirst(slope, i, this.slope[parent], this.user[parent])) break;
      this.put(k, this.user[parent], this.arm[parent], this.slope[parent]);
      k = parent;
    }
    this.put(k, i, arm, slope);
  }

  /** Removes and returns the top upgrade. */
  pop(): { user: number; arm: number; slope: number } {
    const top = { user: this.user[0], arm: this.arm[0], slope: this.slope[0] };
    const n = --this.size;
    const i = this.user[n];
    const arm = this.arm[n];
    const slope = this.slope[n];
    let k = 0;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= n) break;
      if (c + 1 < n && goesFirst(this.slope[c + 1], this.user[c + 1], this.slope[c], this.user[c])) c++;
      if (!goesFirst(this.slope[c], this.user[c], slope, i)) break;
      this.put(k, this.user[c], this.arm[c], this.slope[c]);
      k = c;
    }
    this.put(k, i, arm, slope);
    return top;
  }

  private put(k: number, i: number, arm: number, slope: number): void {
    this.user[k] = i;
    this.arm[k] = arm;
    this.slope[k] = slope;
  }

  private grow(): void {
    this.user = doubled(this.user);
    this.arm = doubled(this.arm);
    this.slope = doubled(this.slope);
  }
}
