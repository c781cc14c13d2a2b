import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';

const root = tempDir('bidfcl-generate-');
after(() => rmSync(root, { recursive: true, force: true }));

const FILES = ['obs.csv', 'rct_train.csv', 'rct_val.csv', 'rct_test.csv', 'dataset.json'];
const SMALL = ['--obs', '1500', '--rct', '400', '--quiet'];

describe('bidfcl generate', () => {
  it('writes byte-identical files for the same seed, different ones for another seed', () => {
    const run = (name: string, seed: string): string => {
      const out = join(root, name);
      const args = ['--seed', seed, ...SMALL, '--bias-kind', 'hidden', '--outcome', 'poisson'];
      const r = runCli(['generate', '--out', out, ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /obs\.csv\s+1500 rows/);
      assert.match(r.stdout, /rct_test\.csv\s+100 rows/);
      return out;
    };
    const a = run('a', '9');
    const b = run('b', '9');
    const c = run('c', '10');
    for (const f of FILES) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} identical`);
    assert.ok(!readFileSync(join(a, 'obs.csv')).equals(readFileSync(join(c, 'obs.csv'))), 'another seed differs');
    const manifest = JSON.parse(readFileSync(join(a, 'dataset.json'), 'utf8'));
    assert.equal(manifest.knobs.bias_kind, 'hidden');
    assert.equal(manifest.knobs.outcome, 'poisson');
  });

  it('parses lists and signs: --rct-split, --rct-propensities, --bias-sign -1', () => {
    const out = join(root, 'lists');
    const r = runCli([
      'generate', '--out', out, '--arms', '3', ...SMALL,
      '--rct-split', '0.6,0.2,0.2', '--rct-propensities', '0.5,0.25,0.25', '--bias-sign', '-1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8'));
    assert.deepEqual(manifest.knobs.rct_propensities, [0.5, 0.25, 0.25]);
    assert.equal(manifest.knobs.bias_sign, -1);
    assert.equal(manifest.files.rct_train.rows, 240);
    assert.match(readFileSync(join(out, 'rct_val.csv'), 'utf8').split('\n')[0], /,t,r,c,p,r_0,/);
  });

  const bad: [string[], RegExp][] = [
    [['--arms', '1'], /--arms/],
    [['--arms', 'four'], /--arms/],
    [['--bias-kind', 'nope'], /--bias-kind/],
    [['--outcome', 'lognormal'], /--outcome/],
    [['--obs', '-5'], /--obs/],
    [['--rct', '0'], /--rct/],
    [['--bias', '-0.5'], /--bias/],
    [['--bias-sign', '2'], /--bias-sign/],
    [['--rct-split', '0.5,0.5'], /--rct-split/],
    [['--rct-propensities', '0.5,0.5'], /--rct-propensities/],
  ];
  for (const [args, message] of bad) {
    it(`exits 2 naming the option for ${args.join(' ')}`, () => {
      const out = join(root, 'bad');
      const r = runCli(['generate', '--out', out, '--quiet', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.ok(!existsSync(join(out, 'obs.csv')), 'nothing written');
    });
  }

  it('exits 2 without --out', () => {
    const r = runCli(['generate', '--seed', '1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out/);
  });
});
