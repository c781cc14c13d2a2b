import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import { choiceAt, climb, nextUp } from '../../src/solver/hull.js';
import { randomScores, scoresOf } from './fixtures.js';

function walk(s: ReturnType<typeof scoresOf>, i: number): number[] {
  const base = i * s.m;
  const start = choiceAt(s, base, Infinity);
  const arms = new Uint8Array(s.m);
  const slopes = new Float64Array(s.m);
  const steps = climb(s, base, start, Infinity, 0, arms, slopes);
  return [start, ...arms.subarray(0, steps)];
}

describe('choiceAt', () => {
  it('maximises r̂ − λĉ, the cheaper arm on ties, then the lower index', () => {
    const s = scoresOf([
      [
        [1, 0],
        [3, 2],
        [3, 2],
        [2, 1],
      ],
    ]);
    assert.equal(choiceAt(s, 0, 0), 1); // scores 1, 3, 3, 2: equal arms, lower index
    assert.equal(choiceAt(s, 0, 1), 0); // scores 1, 1, 1, 1: the cheapest
    assert.equal(choiceAt(s, 0, 0.5), 1); // scores 1, 2, 2, 1.5
    assert.equal(choiceAt(s, 0, Infinity), 0);
  });

  it('spends no more as the price rises', () => {
    const rng = new Rng(6);
    for (let trial = 0; trial < 50; trial++) {
      const r = randomScores(rng, 100, 1 + rng.int(5), trial % 2 === 0 ? 3 : 0);
      let previous = Infinity;
      for (const lambda of [0, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, Infinity]) {
        let spend = 0;
        for (let i = 0; i < r.n; i++) spend += r.chat[i * r.m + choiceAt(r, i * r.m, lambda)];
        assert.ok(spend <= previous, `trial ${trial}, λ ${lambda}`);
        previous = spend;
      }
    }
  });
});

describe('climb', () => {
  it('walks the upper hull from the cheapest arm, skipping dominated, collinear and duplicate points', () => {
    const s = scoresOf([
      [
        [0, 0], // cheapest
        [1, 1], // collinear with 0 → 2: skipped
        [2, 2],
        [1.5, 3], // below the hull
        [3, 4],
        [3, 5], // costs more, earns no more: dominated
        [3, 4], // duplicate of arm 4: the lower index stays
      ],
    ]);
    assert.deepEqual(walk(s, 0), [0, 2, 4]);
  });

  it('visits exactly the arms that some price chooses, on random rows', () => {
    const rng = new Rng(9);
    for (let trial = 0; trial < 300; trial++) {
      const s = randomScores(rng, 1, 1 + rng.int(6), trial % 2 === 0 ? 4 : 0);
      const slopes = new Set<number>([0]);
      for (let a = 0; a < s.m; a++)
        for (let b = 0; b < s.m; b++) {
          const dc = s.chat[b] - s.chat[a];
          if (dc > 0) slopes.add(Math.max(0, (s.rhat[b] - s.rhat[a]) / dc));
        }
      const sorted = [...slopes].sort((x, y) => x - y);
      const prices = [...sorted.map((x, k) => (k + 1 < sorted.length ? (x + sorted[k + 1]) / 2 : x + 1)), Infinity];
      const chosen = new Set(prices.map((lambda) => choiceAt(s, 0, lambda)));
      assert.deepEqual(new Set(walk(s, 0)), chosen, `trial ${trial}`);
    }
  });

  it('stops at the floor and respects the ceiling', () => {
    const s = scoresOf([
      [
        [0, 0],
        [3, 1], // slope 3
        [4, 2], // slope 1
      ],
    ]);
    const arms = new Uint8Array(3);
    const slopes = new Float64Array(3);
    assert.equal(climb(s, 0, 0, Infinity, 2, arms, slopes), 1);
    assert.deepEqual([arms[0], slopes[0]], [1, 3]);
    assert.equal(climb(s, 0, 0, 3, 0, arms, slopes), 2); // a tie at the ceiling still climbs
    assert.equal(nextUp(s, 0, 0, 3, false), 2); // below an exclusive ceiling of 3, arm 2 (slope 2) is next
  });
});
