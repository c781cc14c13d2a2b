import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TextColumn } from '../../src/data/text-column.js';

describe('TextColumn', () => {
  it('stores and returns values, including empty and non-ASCII ones, across growth', () => {
    const col = new TextColumn(2, 4);
    const values = ['a', '', 'ünïcødé', 'x'.repeat(100), '42'];
    for (let k = 0; k < 300; k++) col.push(values[k % values.length] + (k % 7 === 0 ? String(k) : ''));
    assert.equal(col.length, 300);
    for (let k = 0; k < 300; k++) assert.equal(col.get(k), values[k % values.length] + (k % 7 === 0 ? String(k) : ''));
    assert.equal(col.trim().get(299), col.get(299));
  });

  it('pushBytes takes a byte range', () => {
    const col = new TextColumn();
    col.pushBytes(new TextEncoder().encode('id-123,rest'), 0, 6);
    assert.equal(col.get(0), 'id-123');
    assert.deepEqual(TextColumn.from(['p', 'q']).get(1), 'q');
  });
});
