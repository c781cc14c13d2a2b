import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { highWord } from '../../src/solver/float-bits.js';

describe('highWord', () => {
  it('is the top half of the bit pattern, ordered like positive doubles', () => {
    assert.equal(highWord(1), 0x3ff00000);
    assert.equal(highWord(-2), 0xc0000000);
    const xs = [0, 1e-300, 0.1, 0.5, 1, 1.5, 3, 1e10, Number.MAX_VALUE];
    for (let k = 1; k < xs.length; k++) assert.ok(highWord(xs[k - 1]) < highWord(xs[k]), `${xs[k - 1]} < ${xs[k]}`);
    assert.equal(highWord(1 + 2 ** -52), highWord(1)); // differs only in the low word
  });
});
