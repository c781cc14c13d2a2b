import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import { fillBudget } from '../../src/solver/fill.js';
import { choiceAt, nextUp, segmentSlope } from '../../src/solver/hull.js';
import type { Scores } from '../../src/solver/scores.js';
import { randomScores, scoresOf, spendOf } from './fixtures.js';

/** The greedy by definition: scan every user for the best next upgrade that fits, take it, repeat. */
function referenceFill(s: Scores, lambda: number, alloc: Uint8Array, room: number): number {
  const ceiling = new Float64Array(s.n).fill(lambda);
  const inclusive = new Array<boolean>(s.n).fill(true);
  const dead = new Array<boolean>(s.n).fill(false);
  let left = room;
  let upgrades = 0;
  for (;;) {
    let best = -1;
    let bestArm = -1;
    let bestSlope = -Infinity;
    for (let i = 0; i < s.n; i++) {
      if (dead[i]) continue;
      const base = i * s.m;
      const b = nextUp(s, base, alloc[i], ceiling[i], inclusive[i]);
      if (b < 0) continue;
      if (s.chat[base + b] - s.chat[base + alloc[i]] > left) {
        dead[i] = true; // the budget only shrinks
        continue;
      }
      const slope = segmentSlope(s, base, alloc[i], b);
      if (slope > bestSlope) [best, bestArm, bestSlope] = [i, b, slope];
    }
    if (best < 0) return upgrades;
    const base = best * s.m;
    left -= s.chat[base + bestArm] - s.chat[base + alloc[best]];
    alloc[best] = bestArm;
    ceiling[best] = bestSlope;
    inclusive[best] = false;
    upgrades++;
  }
}

describe('fillBudget', () => {
  it('takes the same upgrades as the definition of the greedy', () => {
    const rng = new Rng(21);
    for (let trial = 0; trial < 200; trial++) {
      const s = randomScores(rng, 1 + rng.int(40), 2 + rng.int(4), trial % 2 === 0 ? 4 : 0);
      const lambda = 0.2 + rng.uniform() * 2;
      const start = Uint8Array.from({ length: s.n }, (_, i) => choiceAt(s, i * s.m, lambda));
      const room = rng.uniform() * 4;
      const ours = start.slice();
      const theirs = start.slice();
      const everyone = Int32Array.from({ length: s.n }, (_, i) => i);
      // Any split into the active users' band above lo and the rest must give the same greedy.
      const lo = [lambda, lambda / 2, 0][trial % 3];
      const result = fillBudget(s, lambda, lo, everyone, ours, room);
      const upgrades = referenceFill(s, lambda, theirs, room);
      assert.deepEqual([...ours], [...theirs], `trial ${trial}`);
      assert.equal(result.upgrades, upgrades);
      const before = spendOf(s, start);
      const after = spendOf(s, ours);
      assert.ok(Math.abs(after.spend - before.spend - result.spend) < 1e-9);
      assert.ok(Math.abs(after.revenue - before.revenue - result.revenue) < 1e-9);
      assert.ok(result.spend <= room + 1e-9);
    }
  });

  it('orders upgrades by ROI, lower user first on ties, and follows a user up its hull', () => {
    // User 0: two steps of slope 2 then 1; user 1: one step of slope 2; user 2: slope 3 but too dear.
    const s = scoresOf([
      [
        [0, 0],
        [2, 1],
        [3, 2],
      ],
      [
        [0, 0],
        [4, 2],
        [4, 2],
      ],
      [
        [0, 0],
        [30, 10],
        [30, 10],
      ],
    ]);
    const alloc = new Uint8Array(3);
    const result = fillBudget(s, 3, 0, new Int32Array(0), alloc, 4);
    assert.deepEqual([...alloc], [2, 1, 0]);
    assert.deepEqual(result, { spend: 4, revenue: 7, upgrades: 3 });
  });
});
