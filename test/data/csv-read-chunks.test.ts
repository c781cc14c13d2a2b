import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readCsvColumns, streamCsvColumns, type ColumnRequest, type CsvColumns } from '../../src/data/csv-read.js';
import { DataError } from '../../src/errors.js';
import { tempDir, writeTemp } from '../helpers/cli.js';

const dir = tempDir();
const REQ: ColumnRequest[] = [
  { name: 'a', kind: 'f64' },
  { name: 'b', kind: 'i32' },
  { name: 'f0', kind: 'f32', matrix: 'x' },
  { name: 'f1', kind: 'f32', matrix: 'x' },
];

function csv(rows: number, quoteAt = -1): string {
  const lines = ['a,b,f0,f1'];
  for (let i = 0; i < rows; i++) lines.push(`${i / 4},${i % 7},${i === quoteAt ? '"1.5"' : 1.5 + i},${-i}`);
  return lines.join('\n') + '\n';
}

async function chunks(file: string, size: number): Promise<{ list: CsvColumns[]; rows: number }> {
  const list: CsvColumns[] = [];
  const { rows } = await streamCsvColumns(file, REQ, size, (c) => {
    list.push(c);
  });
  return { list, rows };
}

describe('streamCsvColumns', () => {
  it('hands over the same values as readCsvColumns, in chunks of the given size', async () => {
    const file = writeTemp(dir, 'plain.csv', csv(1000));
    const whole = await readCsvColumns(file, REQ);
    const { list, rows } = await chunks(file, 300);
    assert.equal(rows, 1000);
    assert.deepEqual(list.map((c) => c.rows), [300, 300, 300, 100]);
    const a = list.flatMap((c) => [...(c.columns.get('a') as Float64Array)]);
    const x = list.flatMap((c) => [...c.matrices.get('x')!.data]);
    assert.deepEqual(a, [...(whole.columns.get('a') as Float64Array)]);
    assert.deepEqual(x, [...whole.matrices.get('x')!.data]);
    assert.ok(list[0].columns.get('a') !== list[1].columns.get('a'), 'each chunk has its own arrays');
  });

  it('does not repeat rows when a quote sends the file to the full parser after some chunks', async () => {
    const file = writeTemp(dir, 'quoted.csv', csv(1000, 700));
    const { list, rows } = await chunks(file, 256);
    assert.equal(rows, 1000);
    const b = list.flatMap((c) => [...(c.columns.get('b') as Int32Array)]);
    assert.deepEqual(b, Array.from({ length: 1000 }, (_, i) => i % 7));
  });

  it('reports a bad value in a later chunk with its file line', async () => {
    const lines = csv(500).split('\n');
    lines[401] = lines[401].replace(/^[^,]*/, 'bad'); // data row 401 is file line 402
    const file = writeTemp(dir, 'bad.csv', lines.join('\n'));
    await assert.rejects(chunks(file, 64), (e: unknown) => e instanceof DataError && e.where.line === 402 && e.where.column === 'a');
  });

  it('rejects a header-only file and a bad chunk size', async () => {
    const file = writeTemp(dir, 'header.csv', 'a,b,f0,f1\n');
    await assert.rejects(chunks(file, 10), /no data rows/);
    await assert.rejects(chunks(file, 0), RangeError);
  });
});
