/**
 * Greedy use of the budget left over by the Lagrangian allocation at λ*.
 *
 * At λ* every user holds a hull vertex (hull.ts); its next vertex up is an upgrade of incremental ROI
 * slope = Δr / Δc ≤ λ*. Repeatedly take the upgrade with the highest ROI (lower user index on ties) that
 * still fits, and offer that user's following upgrade. Users tied at λ* come first, so the Lagrangian
 * gap λ*·(B − spend) shrinks below one user's revenue step; every later upgrade only adds revenue.
 * The remaining budget only shrinks, so an upgrade that does not fit now never will: it is dropped.
 *
 * Complexity: O(K log K) for the K upgrades costing at most the leftover budget (a binary heap).
 * Memory: 24 bytes per such upgrade.
 */
import { segmentSlope, type Hulls } from './hull.js';
import type { Scores } from './scores.js';

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
  const heap = new UpgradeHeap();
  for (let i = 0; i < s.n; i++) offerNext(s, h, i, pos[i], room, heap);
  heap.heapify();
  let spend = 0;
  let revenue = 0;
  let upgrades = 0;
  let left = room;
  while (heap.size > 0 && left > 0) {
    const i = heap.user[0];
    const dc = heap.dc[0];
    heap.popTop();
    if (dc > left) continue;
    const base = i * s.m;
    const t = pos[i] + 1;
    const a = alloc[i];
    const b = h.arms[base + t];
    pos[i] = t;
    alloc[i] = b;
    left -= dc;
    spend += dc;
    revenue += s.rhat[base + b] - s.rhat[base + a];
    upgrades++;
    if (offerNext(s, h, i, t, left, heap)) heap.siftUp(heap.size - 1);
  }
  return { spend, revenue, upgrades };
}

/** Adds user i's upgrade from hull position t when one exists and fits in `left`; true if added. */
function offerNext(s: Scores, h: Hulls, i: number, t: number, left: number, heap: UpgradeHeap): boolean {
  const base = i * s.m;
  if (t + 1 >= h.len[i]) return false;
  const a = h.arms[base + t];
  const b = h.arms[base + t + 1];
  const dc = s.chat[base + b] - s.chat[base + a];
  if (dc > left) return false;
  heap.push(i, segmentSlope(s.rhat, s.chat, base, a, b), dc);
  return true;
}

/** A max-heap of upgrades by slope (then lower user first), in growable parallel typed arrays. */
class UpgradeHeap {
  user = new Int32Array(1024);
  slope = new Float64Array(1024);
  dc = new Float64Array(1024);
  size = 0;

  /** Appends without restoring heap order (call `heapify` or `siftUp`). */
  push(user: number, slope: number, dc: number): void {
    if (this.size === this.user.length) this.grow();
    this.user[this.size] = user;
    this.slope[this.size] = slope;
    this.dc[this.size] = dc;
    this.size++;
  }

  heapify(): void {
    for (let k = (this.size >> 1) - 1; k >= 0; k--) this.siftDown(k);
  }

  popTop(): void {
    this.size--;
    if (this.size > 0) {
      this.move(this.size, 0);
      this.siftDown(0);
    }
  }

  siftUp(k: number): void {
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.before(k, parent)) return;
      this.swap(k, parent);
      k = parent;
    }
  }

  private siftDown(k: number): void {
    for (;;) {
      const l = 2 * k + 1;
      if (l >= this.size) return;
      const c = l + 1 < this.size && this.before(l + 1, l) ? l + 1 : l;
      if (!this.before(c, k)) return;
      this.swap(c, k);
      k = c;
    }
  }

  private before(a: number, b: number): boolean {
    const sa = this.slope[a];
    const sb = this.slope[b];
    return sa > sb || (sa === sb && this.user[a] < this.user[b]);
  }

  private move(from: number, to: number): void {
    this.user[to] = this.user[from];
    this.slope[to] = this.slope[from];
    this.dc[to] = this.dc[from];
  }

  private swap(a: number, b: number): void {
    const u = this.user[a];
    const s = this.slope[a];
    const d = this.dc[a];
    this.move(b, a);
    this.user[b] = u;
    this.slope[b] = s;
    this.dc[b] = d;
  }

  private grow(): void {
    const cap = this.user.length * 2;
    const user = new Int32Array(cap);
    const slope = new Float64Array(cap);
    const dc = new Float64Array(cap);
    user.set(this.user);
    slope.set(this.slope);
    dc.set(this.dc);
    this.user = user;
    this.slope = slope;
    this.dc = dc;
  }
}
