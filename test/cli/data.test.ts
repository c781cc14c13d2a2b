import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, tempDir, writeTemp } from '../helpers/cli.js';

const dir = tempDir();
const HEADER = 'f0,f1,t,r,c';
const GOOD = `${HEADER}\n0.1,0.2,0,1.5,0\n0.3,0.4,1,2.5,1\n0.5,0.6,0,1,0\n0.7,0.8,1,3,1.2\n`;

/** Runs `data summary --input` on `content` and checks exit 2 with file:line and the message. */
function expectBad(name: string, content: string, line: number | null, pattern: RegExp): void {
  const file = writeTemp(dir, name, content);
  const res = runCli(['data', 'summary', '--input', file, '--arms', '2', '--quiet']);
  assert.equal(res.code, 2, `exit code (stderr: ${res.stderr})`);
  assert.ok(res.stderr.includes(line === null ? file : `${file}:${line}`), `names the file and line: ${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
}

describe('bidfcl data summary', () => {
  it('prints per-arm statistics and the ignored columns', () => {
    const file = writeTemp(dir, 'good.csv', GOOD);
    const res = runCli(['data', 'summary', '--input', file, '--arms', '2']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /4 rows, 2 features/);
    assert.match(res.stdout, /^\s*0\s+2\s+0\.5\s+1\.25\s+0$/m, 'arm 0: 2 rows, share .5, mean r 1.25, mean c 0');
    assert.match(res.stdout, /^\s*1\s+2\s+0\.5\s+2\.75\s+1\.1$/m);
  });

  it('lists extra columns', () => {
    const file = writeTemp(dir, 'extra.csv', `${HEADER},note\n0.1,0.2,0,1,0,x\n0.3,0.4,1,2,1,y\n`);
    const res = runCli(['data', 'summary', '--input', file, '--arms', '2']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /ignored columns: note/);
  });

  it('missing column, with a suggestion', () => expectBad('missing.csv', GOOD.replace('t,r', 'tt,r'), 1, /missing column "t" \(did you mean "tt"\?\)/));
  it('empty file', () => expectBad('empty.csv', '', 1, /file is empty/));
  it('header only', () => expectBad('header.csv', `${HEADER}\n`, 2, /no data rows/));
  it('non-numeric value', () => expectBad('text.csv', `${HEADER}\n0.1,abc,0,1,0\n`, 2, /column "f1": "abc" is not a number/));
  it('non-finite value', () => expectBad('nan.csv', `${HEADER}\n0.1,0.2,0,1,0\n0.1,0.2,1,Infinity,0\n`, 3, /column "r": "Infinity" is not a finite number/));
  it('arm outside 0..M-1', () => expectBad('arm.csv', `${HEADER}\n0.1,0.2,0,1,0\n0.1,0.2,2,1,0\n`, 3, /column "t": arm 2 is outside 0\.\.1/));
  it('negative cost', () => expectBad('cost.csv', `${HEADER}\n0.1,0.2,1,1,-0.5\n`, 2, /column "c": negative cost -0\.5/));
  it('wrong field count', () => expectBad('fields.csv', `${HEADER}\n0.1,0.2,1,1\n`, 2, /expected 5 fields/));

  it('an RCT split with an arm that has no rows, and mismatched feature counts', () => {
    const rct = writeTemp(dir, 'rct.csv', GOOD);
    const oneArm = writeTemp(dir, 'onearm.csv', `${HEADER}\n0.1,0.2,0,1,0\n0.3,0.4,0,1,0\n`);
    const threeFeatures = writeTemp(dir, 'f3.csv', 'f0,f1,f2,t,r,c\n0.1,0.2,0.3,0,1,0\n0.1,0.2,0.3,1,1,1\n');
    const config = (val: string, test: string): string =>
      writeTemp(dir, `c${Math.random().toString(36).slice(2)}.yaml`, `name: t\ndata:\n  arms: 2\n  rct_train: ${rct}\n  rct_val: ${val}\n  rct_test: ${test}\nmethods:\n  - kind: tsm-sl\n`);
    let res = runCli(['data', 'summary', '--config', config(oneArm, rct), '--quiet']);
    assert.equal(res.code, 2);
    assert.ok(res.stderr.includes(oneArm));
    assert.match(res.stderr, /arm 1 has no rows in this RCT split/);
    res = runCli(['data', 'summary', '--config', config(rct, threeFeatures), '--quiet']);
    assert.equal(res.code, 2);
    assert.ok(res.stderr.includes(`${threeFeatures}:1`));
    assert.match(res.stderr, /has 3 feature columns .* but .* has 2/);
  });

  it('a malformed config reports the key path and line', () => {
    const file = writeTemp(dir, 'bad.yaml', 'name: t\ndata:\n  arms: 2\n  rct_train: a\n  rct_val: b\n  rct_test: c\n  obss: d\nmethods:\n  - kind: tsm-sl\n');
    const res = runCli(['data', 'summary', '--config', file]);
    assert.equal(res.code, 2);
    assert.ok(res.stderr.includes(`${file}:7:3: key data.obss: unknown key "obss" (did you mean "obs"?)`), res.stderr);
  });

  it('usage errors exit 2', () => {
    assert.equal(runCli(['data', 'summary']).code, 2);
    assert.equal(runCli(['data', 'summary', '--input', 'x.csv']).code, 2);
    assert.equal(runCli(['no-such-command']).code, 2);
  });
});

describe('bidfcl --help', () => {
  it('lists the commands with examples', () => {
    const res = runCli(['--help']);
    assert.equal(res.code, 0);
    for (const c of ['generate', 'data', 'train', 'evaluate', 'predict', 'allocate']) assert.match(res.stdout, new RegExp(`^\\s+${c}\\b`, 'm'));
    assert.match(res.stdout, /Examples:/);
  });

  it('an unavailable backend is a clear error with exit 2', () => {
    const file = writeTemp(dir, 'b.csv', GOOD);
    const res = runCli(['evaluate', '--model', dir, '--data', file, '--backend', 'native']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /backend "native" cannot be loaded: .*npm install @tensorflow\/tfjs-node/);
  });
});
