import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvColumns, type ColumnRequest } from '../../src/data/csv-read.js';
import { DataError } from '../../src/errors.js';
import type { TextColumn } from '../../src/data/text-column.js';
import { Rng } from '../../src/util/rng.js';
import { tempDir, writeTemp } from '../helpers/cli.js';

const dir = tempDir();
const REQ: ColumnRequest[] = [
  { name: 'x', kind: 'f32' },
  { name: 'y', kind: 'f64' },
  { name: 't', kind: 'i32' },
];

async function rejects(content: string, pattern: RegExp, line?: number, requests = REQ): Promise<void> {
  const file = writeTemp(dir, `bad-${Math.random().toString(36).slice(2)}.csv`, content);
  await assert.rejects(readCsvColumns(file, requests), (e: unknown) => {
    assert.ok(e instanceof DataError, `expected DataError, got ${String(e)}`);
    assert.match(e.describe(), pattern);
    assert.ok(e.describe().startsWith(file), 'message starts with the file name');
    if (line !== undefined) assert.equal(e.where.line, line);
    return true;
  });
}

describe('readCsvColumns', () => {
  it('reads requested columns into typed arrays and lists the others', async () => {
    const file = writeTemp(dir, 'ok.csv', 'id,x,y,t,extra\na,1.5,-2e-3,0,9\nb,0.1,3,2,9\n');
    const got = await readCsvColumns(file, [...REQ, { name: 'id', kind: 'text' }]);
    assert.equal(got.rows, 2);
    assert.deepEqual(got.extra, ['extra']);
    assert.deepEqual([...(got.columns.get('x') as Float32Array)], [1.5, Math.fround(0.1)]);
    assert.deepEqual([...(got.columns.get('y') as Float64Array)], [-2e-3, 3]);
    assert.ok(got.columns.get('t') instanceof Int32Array);
    const ids = got.columns.get('id') as TextColumn;
    assert.deepEqual([ids.get(0), ids.get(1)], ['a', 'b']);
  });

  it('handles CRLF, a missing final newline, blank lines and gzip', async () => {
    const text = 'x,y,t\r\n1,2,3\r\n\r\n4,5,6';
    const plain = await readCsvColumns(writeTemp(dir, 'crlf.csv', text), REQ);
    assert.equal(plain.rows, 2);
    assert.deepEqual([...(plain.columns.get('t') as Int32Array)], [3, 6]);
    const gz = join(dir, 'z.csv.gz');
    writeFileSync(gz, gzipSync(Buffer.from(text)));
    const zipped = await readCsvColumns(gz, REQ);
    assert.deepEqual([...(zipped.columns.get('y') as Float64Array)], [2, 5]);
  });

  it('parses numbers exactly like Number() on random inputs (fast path = reference)', async () => {
    const rng = new Rng(3);
    const values: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = (rng.normal() * 10 ** rng.int(12)) / 10 ** rng.int(12);
      const forms = [String(v), v.toExponential(rng.int(17)), v.toFixed(rng.int(10)), v.toPrecision(1 + rng.int(20))];
      values.push(forms[rng.int(forms.length)]);
    }
    const file = writeTemp(dir, 'numbers.csv', 'y\n' + values.join('\n') + '\n');
    const got = (await readCsvColumns(file, [{ name: 'y', kind: 'f64' }])).columns.get('y') as Float64Array;
    values.forEach((s, i) => assert.equal(got[i], Number(s), `row ${i}: ${s}`));
  });

  it('quoted files go through csv-parse and give the same numbers', async () => {
    const file = writeTemp(dir, 'quoted.csv', 'id,x,y,t\n"a, b",1.25,2,1\n"say ""hi""",3,4.5,0\n');
    const got = await readCsvColumns(file, [...REQ, { name: 'id', kind: 'text' }]);
    const ids = got.columns.get('id') as TextColumn;
    assert.deepEqual([ids.get(0), ids.get(1)], ['a, b', 'say "hi"']);
    assert.deepEqual([...(got.columns.get('y') as Float64Array)], [2, 4.5]);
  });

  it('selects columns from the header when given a function', async () => {
    const file = writeTemp(dir, 'fn.csv', 'f0,f1,g\n1,2,3\n');
    const got = await readCsvColumns(file, (h) => h.filter((n) => n.startsWith('f')).map((name) => ({ name, kind: 'f64' as const })));
    assert.deepEqual([...got.columns.keys()], ['f0', 'f1']);
  });

  it('assembles columns into a row-major matrix', async () => {
    const file = writeTemp(dir, 'matrix.csv', 'f0,t,f1\n1,0,2\n3,1,4\n5,0,6\n');
    const got = await readCsvColumns(file, [
      { name: 'f0', kind: 'f32', matrix: 'x' },
      { name: 'f1', kind: 'f32', matrix: 'x' },
      { name: 't', kind: 'i32' },
    ]);
    assert.deepEqual(got.matrices.get('x')?.columns, ['f0', 'f1']);
    assert.deepEqual([...got.matrices.get('x')!.data], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...(got.columns.get('t') as Int32Array)], [0, 1, 0]);
  });

  it('rejects an empty file', () => rejects('', /file is empty/, 1));
  it('rejects a header without rows', () => rejects('x,y,t\n', /no data rows/));
  it('names a missing column with a close match', () => rejects('x,yy,t\n1,2,3\n', /missing column "y" \(did you mean "yy"\?\)/, 1));
  it('rejects a non-numeric value with file:line and column', () => rejects('x,y,t\n1,2,3\n1,abc,3\n', /:3: column "y": "abc" is not a number/, 3));
  it('rejects non-finite values', async () => {
    await rejects('x,y,t\n1,NaN,3\n', /"NaN" is not a finite number/, 2);
    await rejects('x,y,t\n1,inf,3\n', /not a finite number/, 2);
    await rejects('x,y,t\n1,1e999,3\n', /not a finite number/, 2);
  });
  it('rejects empty values and non-integers in integer columns', async () => {
    await rejects('x,y,t\n1,,3\n', /column "y": empty value/, 2);
    await rejects('x,y,t\n1,2,0.5\n', /column "t": "0.5" is not an integer/, 2);
  });
  it('rejects rows with the wrong number of fields, also on the quoted path', async () => {
    await rejects('x,y,t\n1,2,3\n1,2\n', /:3: expected 3 fields/, 3);
    await rejects('x,y,t\n"1",2,3\n1,2,3,4\n', /:3: expected 3 fields/, 3);
  });
  it('applies per-column checks with the line number', () =>
    rejects('x,y,t\n1,2,0\n1,2,7\n', /:3: column "t": arm 7 too big/, 3, [
      { name: 't', kind: 'i32', check: (v) => (v > 3 ? `arm ${v} too big` : null) },
    ]));
  it('reports a missing file as a DataError', async () => {
    await assert.rejects(readCsvColumns(join(dir, 'nope.csv'), REQ), /cannot open file/);
  });
});
