import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCriteoHybrid, CRITEO_PARTS, type CriteoHybridResult } from '../../src/data/criteo.js';
import { DEFAULT_COLUMNS, loadTable, type DataTable } from '../../src/data/table.js';
import { tempDir } from '../helpers/cli.js';
import { writeCriteoFile } from '../helpers/criteo.js';

const dir = tempDir('bidfcl-criteo-');
const ROWS = 200_000;

/** Treated share of the rows with f0 above / below 0 (the toy world's ROI driver). */
function treatedBy(table: DataTable): { high: number; low: number; all: number } {
  let [nh, th, nl, tl] = [0, 0, 0, 0];
  for (let i = 0; i < table.n; i++) {
    if (table.x[i * table.d] > 0) [nh, th] = [nh + 1, th + table.t[i]];
    else [nl, tl] = [nl + 1, tl + table.t[i]];
  }
  return { high: th / nh, low: tl / nl, all: (th + tl) / table.n };
}

describe('buildCriteoHybrid on a 200k-row Criteo-format file', () => {
  let result: CriteoHybridResult;
  const out = join(dir, 'out');
  const load = (name: string): Promise<DataTable> => loadTable(join(out, `${name}.csv`), 2, DEFAULT_COLUMNS);

  before(async () => {
    writeCriteoFile(join(dir, 'criteo.csv'), ROWS, 7);
    result = await buildCriteoHybrid(join(dir, 'criteo.csv'), out, 1);
  });

  it('splits the rows in the stated proportions', () => {
    assert.equal(result.rows, ROWS);
    for (const p of CRITEO_PARTS) {
      const share = result.parts[p.name] / ROWS;
      // 4 binomial standard deviations at 200k rows is ≤ 0.0045.
      assert.ok(Math.abs(share - p.share) < 0.0045, `${p.name}: ${share} vs ${p.share}`);
    }
    const files = Object.fromEntries(result.files.map((f) => [f.name, f.rows]));
    assert.equal(files.rct_train, result.parts.rct_train);
    assert.equal(files.rct_val, result.parts.rct_val);
    assert.equal(files.rct_test, result.parts.rct_test);
    assert.equal(files.obs, Math.round(result.matchRate * result.parts.policy));
  });

  it('the policy treats half the policy part and about half of it matches the logged arm', () => {
    assert.ok(Math.abs(result.policyTreatedShare - 0.5) < 0.02, `treated ${result.policyTreatedShare}`);
    assert.ok(Math.abs(result.matchRate - 0.5) < 0.02, `match rate ${result.matchRate}`);
  });

  it('writes bidfcl-format files; OBS is selected on the features, the RCT is not', async () => {
    const obs = treatedBy(await load('obs'));
    const test = treatedBy(await load('rct_test'));
    // RCT: ~85% treated whatever f0. OBS: treated rows are the high-ROI (high f0) half.
    assert.ok(Math.abs(test.high - 0.85) < 0.015 && Math.abs(test.low - 0.85) < 0.015, JSON.stringify(test));
    assert.ok(obs.high > 0.93 && obs.low < 0.6, JSON.stringify(obs));
    assert.ok(obs.high - obs.low > 0.35);
    // With a randomized 85% logged arm and a policy that treats half, the *overall* OBS rate stays ≈ 85%:
    // P(t = 1 | match) = 0.5·0.85 / (0.5·0.85 + 0.5·0.15). The bias is in who is treated, not how many.
    assert.ok(Math.abs(obs.all - 0.85) < 0.02, `OBS overall ${obs.all}`);
    const header = readFileSync(join(out, 'obs.csv'), 'utf8').split('\n', 1)[0];
    assert.equal(header, 'f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,t,r,c');
  });

  it('copies values through unchanged', () => {
    const input = readFileSync(join(dir, 'criteo.csv'), 'utf8').split('\n');
    const written = new Set(readFileSync(join(out, 'rct_test.csv'), 'utf8').split('\n').slice(1, 200));
    // Each written line is an input line minus the exposure column.
    const inputs = new Set(input.slice(1).map((l) => l.slice(0, l.lastIndexOf(','))));
    for (const line of written) if (line) assert.ok(inputs.has(line), line);
  });

  it('records seed, shares, part sizes and the policy in dataset.json', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8'));
    assert.equal(manifest.seed, 1);
    assert.equal(Object.values(manifest.parts as Record<string, number>).reduce((a, b) => a + b, 0), ROWS);
    assert.equal(manifest.files.obs.rows, result.files.find((f) => f.name === 'obs')!.rows);
    assert.equal(manifest.policy.match_rate, result.matchRate);
  });
});

describe('buildCriteoHybrid determinism', () => {
  it('same input and seed ⇒ identical files, also from .csv.gz; another seed ⇒ other splits', async () => {
    writeCriteoFile(join(dir, 'small.csv'), 20_000, 3);
    writeCriteoFile(join(dir, 'small.csv.gz'), 20_000, 3);
    await buildCriteoHybrid(join(dir, 'small.csv'), join(dir, 'a'), 5);
    await buildCriteoHybrid(join(dir, 'small.csv.gz'), join(dir, 'b'), 5);
    await buildCriteoHybrid(join(dir, 'small.csv'), join(dir, 'c'), 6);
    const read = (d: string, f: string): string => readFileSync(join(dir, d, f), 'utf8');
    for (const f of ['obs.csv', 'rct_train.csv', 'rct_val.csv', 'rct_test.csv']) {
      assert.equal(read('a', f), read('b', f), f);
      assert.notEqual(read('a', f), read('c', f), f);
    }
  });
});
