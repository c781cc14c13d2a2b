import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeTemp } from '../helpers/cli.js';
import { writeCriteoFile } from '../helpers/criteo.js';

const dir = tempDir();
const HEADER = 'f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,treatment,conversion,visit,exposure';
const ROW = '0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,1.1,1.2';

function expectBad(name: string, content: string, line: number, pattern: RegExp): void {
  const file = writeTemp(dir, name, content);
  const out = join(dir, `${name}.out`);
  const res = runCli(['data', 'criteo-hybrid', '--input', file, '--out', out, '--quiet']);
  assert.equal(res.code, 2, `exit code (stderr: ${res.stderr})`);
  assert.ok(res.stderr.includes(`${file}:${line}`), `names the file and line: ${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(!existsSync(join(out, 'rct_train.csv')), 'publishes nothing');
}

describe('bidfcl data criteo-hybrid', () => {
  it('builds the four files and prints split sizes and the OBS match rate', () => {
    const input = join(dir, 'criteo.csv');
    writeCriteoFile(input, 20_000, 2);
    const out = join(dir, 'out');
    const res = runCli(['data', 'criteo-hybrid', '--input', input, '--out', out, '--seed', '3']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /20000 rows, seed 3/);
    assert.match(res.stdout, /OBS match rate \d+\.\d+%/);
    for (const f of ['obs', 'rct_train', 'rct_val', 'rct_test']) {
      assert.match(res.stdout, new RegExp(`^${f}\\.csv\\s+\\d+\\s+\\d+\\.\\d+%\\s+\\d+\\.\\d+%$`, 'm'));
      assert.ok(existsSync(join(out, `${f}.csv`)));
    }
    assert.ok(existsSync(join(out, 'dataset.json')));
  });

  it('missing column, with a suggestion', () =>
    expectBad('missing.csv', `${HEADER.replace('treatment', 'treatmnt')}\n${ROW},1,0,0,0\n`, 1, /missing column "treatment" \(did you mean "treatmnt"\?\)/));
  it('non-binary treatment', () => expectBad('arm.csv', `${HEADER}\n${ROW},1,0,0,0\n${ROW},2,0,0,0\n`, 3, /column "treatment": must be 0 or 1, got 2/));
  it('non-binary visit', () => expectBad('visit.csv', `${HEADER}\n${ROW},1,0,0.5,0\n`, 2, /column "visit": must be 0 or 1/));
  it('non-numeric feature', () => expectBad('text.csv', `${HEADER}\n${ROW.replace('0.3', 'abc')},1,0,0,0\n`, 2, /column "f2": "abc" is not a number/));

  it('an input too small for the model part', () => {
    const input = join(dir, 'tiny.csv');
    writeCriteoFile(input, 30, 1);
    const res = runCli(['data', 'criteo-hybrid', '--input', input, '--out', join(dir, 'tiny'), '--quiet']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /too small/);
  });
});
