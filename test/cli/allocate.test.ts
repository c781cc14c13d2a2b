import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeTemp } from '../helpers/cli.js';

const dir = tempDir();
const HEADER = 'id,rhat_0,rhat_1,rhat_2,chat_0,chat_1,chat_2';
// Upgrade ROIs: u1 0→1 slope 2, 1→2 slope 0.5; u2 0→1 slope 1; u3 0→2 slope 1.5 (arm 1 below the hull).
const SCORES = `${HEADER}\nu1,0,2,2.5,0,1,2\nu2,0,1,1,0,1,1\n"u,3",0,0.5,3,0,1,2\n`;

function allocate(args: string[]): ReturnType<typeof runCli> {
  return runCli(['allocate', '--quiet', ...args]);
}

/** Checks exit 2, a one-line message matching `pattern`, and no output file. */
function expectBad(args: string[], pattern: RegExp, out: string): void {
  const res = allocate([...args, '--out', out]);
  assert.equal(res.code, 2, `exit code (stderr: ${res.stderr})`);
  assert.match(res.stderr, pattern);
  assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(out), false);
}

describe('bidfcl allocate', () => {
  it('writes the allocation and its summary for a total budget', () => {
    const scores = writeTemp(dir, 'scores.csv', SCORES);
    const out = join(dir, 'run1', 'allocation.csv');
    const res = allocate(['--scores', scores, '--budget', '3', '--out', out]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /allocated 3 users over 3 arms/);
    assert.match(res.stdout, /spend 3 of budget 3/);
    // Steps by ROI: u1 0→1 (2), u3 0→2 (1.5), u2 0→1 (1), u1 1→2 (0.5). The first two spend 3, the
    // third would exceed B = 3: λ* = 1, where u2 keeps arm 0.
    assert.equal(readFileSync(out, 'utf8'), 'id,arm,r_hat,c_hat\nu1,1,2,1\nu2,0,0,0\n"u,3",2,3,2\n');
    const summary = JSON.parse(readFileSync(join(dir, 'run1', 'allocation.summary.json'), 'utf8'));
    assert.equal(summary.lambda, 1);
    assert.equal(summary.budget, 3);
    assert.equal(summary.spend, 3);
    assert.equal(summary.revenue, 5);
    assert.equal(summary.dual_bound, 1 * 3 + 1 + 0 + 1); // λB + Σ max_j (r̂ − λĉ)
    assert.equal(summary.gap, 0);
    assert.deepEqual(summary.users_per_arm, [1, 1, 1]);
    assert.equal(typeof summary.seconds, 'number');
    assert.deepEqual(readdirSync(join(dir, 'run1')).sort(), ['allocation.csv', 'allocation.summary.json']);
  });

  it('scales a per-capita budget, numbers rows without an id column, and can skip the fill', () => {
    const scores = writeTemp(dir, 'noid.csv', 'rhat_0,rhat_1,chat_0,chat_1\n0,3,0,2\n0,2,0,2\n0,1,0,1\n');
    const out = join(dir, 'percapita.csv');
    const res = allocate(['--scores', scores, '--per-capita', '1', '--out', out]);
    assert.equal(res.code, 0, res.stderr);
    // B = 3: slopes 1.5, 1, 1; λ* = 1 (spend 2); the fill adds the slope-1 step of row 2 (cost 1).
    assert.equal(readFileSync(out, 'utf8'), 'id,arm,r_hat,c_hat\n0,1,3,2\n1,0,0,0\n2,1,1,1\n');
    const pure = join(dir, 'nofill.csv');
    assert.equal(allocate(['--scores', scores, '--per-capita', '1', '--out', pure, '--no-fill']).code, 0);
    assert.equal(readFileSync(pure, 'utf8'), 'id,arm,r_hat,c_hat\n0,1,3,2\n1,0,0,0\n2,0,0,0\n');
    assert.equal(JSON.parse(readFileSync(join(dir, 'nofill.summary.json'), 'utf8')).fill, false);
  });

  it('fails below the minimum budget, naming it', () => {
    const scores = writeTemp(dir, 'costly.csv', 'rhat_0,rhat_1,chat_0,chat_1\n1,2,1,3\n1,2,2,3\n');
    expectBad(['--scores', scores, '--budget', '2.5'], /minimum possible spend 3 \(1\.5 per user\)/, join(dir, 'min.csv'));
  });

  it('needs exactly one of --budget and --per-capita, and a valid number', () => {
    const scores = writeTemp(dir, 'usage.csv', SCORES);
    const out = join(dir, 'usage-out.csv');
    expectBad(['--scores', scores], /exactly one of --budget and --per-capita/, out);
    expectBad(['--scores', scores, '--budget', '1', '--per-capita', '1'], /exactly one/, out);
    expectBad(['--scores', scores, '--budget', 'lots'], /budget must be a number/, out);
  });

  it('names the file, line and column of bad scores', () => {
    const cases: [string, string, RegExp][] = [
      ['neg.csv', `${HEADER}\nu1,0,2,2.5,0,1,2\nu2,0,1,1,0,-1,1\n`, /neg\.csv:3: column "chat_1": cost must not be negative/],
      ['nan.csv', `${HEADER}\nu1,0,NaN,2.5,0,1,2\n`, /nan\.csv:2: column "rhat_1": .*not a (finite )?number/],
      ['text.csv', `${HEADER}\nu1,0,2,x,0,1,2\n`, /text\.csv:2: column "rhat_2": "x" is not a number/],
      ['missing.csv', 'id,rhat_0,rhat_1,chat_0,chat1\nu1,0,1,0,1\n', /missing\.csv:1: missing column "chat_1"/],
      ['gap.csv', 'id,rhat_0,rhat_2,chat_0,chat_2\nu1,0,1,0,1\n', /gap\.csv:1: column "rhat_2": arm columns must be/],
    ];
    for (const [name, content, pattern] of cases) {
      expectBad(['--scores', writeTemp(dir, name, content), '--budget', '1'], pattern, join(dir, `out-${name}`));
    }
    expectBad(['--scores', join(dir, 'absent.csv'), '--budget', '1'], /absent\.csv: cannot open file/, join(dir, 'absent-out.csv'));
  });
});
