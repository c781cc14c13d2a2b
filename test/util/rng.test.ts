import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';

describe('Rng.fillU32', () => {
  it('gives the same numbers as repeated nextU32 and leaves the generator in the same state', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const block = new Uint32Array(1000);
    a.fillU32(block);
    assert.deepEqual([...block], Array.from({ length: 1000 }, () => b.nextU32()));
    assert.equal(a.nextU32(), b.nextU32());
    assert.equal(a.uniform(), b.uniform());
  });
});
