import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatNumber } from '../../src/data/csv-write.js';
import { generateSynthetic } from '../../src/data/synthetic/generate.js';
import { resolveKnobs, type SyntheticKnobs } from '../../src/data/synthetic/knobs.js';
import { outcomeModel } from '../../src/data/synthetic/outcomes.js';
import { World } from '../../src/data/synthetic/world.js';
import { UsageError } from '../../src/errors.js';
import { configureLogging } from '../../src/log.js';
import { Rng } from '../../src/util/rng.js';
import { tempDir } from '../helpers/cli.js';

configureLogging({ quiet: true });
const root = tempDir('bidfcl-synthetic-');
after(() => rmSync(root, { recursive: true, force: true }));

const FILES = ['obs.csv', 'rct_train.csv', 'rct_val.csv', 'rct_test.csv', 'dataset.json'];
let runs = 0;

/** Generates into a fresh folder; small RCT by default since most tests look at OBS. */
async function gen(knobs: Partial<SyntheticKnobs>): Promise<string> {
  const dir = join(root, `run-${runs++}`);
  await generateSynthetic(dir, { seed: 11, obs: 20_000, rct: 400, ...knobs });
  return dir;
}

/** A tiny CSV reader (plain numbers, no quoting): the generator's files need nothing more. */
function readCsv(path: string): { header: string[]; col: (name: string) => Float64Array } {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const header = lines[0].split(',');
  const cells = lines.slice(1).map((l) => l.split(','));
  return {
    header,
    col(name) {
      const k = header.indexOf(name);
      assert.ok(k >= 0, `column ${name} in ${path}`);
      return Float64Array.from(cells, (row) => Number(row[k]));
    },
  };
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function sd(a: ArrayLike<number>): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / (a.length - 1));
}

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Per row, the value of column `${prefix}${t}` for the row's logged arm t. */
function atLoggedArm(csv: ReturnType<typeof readCsv>, prefix: string, arms: number): Float64Array {
  const t = csv.col('t');
  const byArm = Array.from({ length: arms }, (_, j) => csv.col(`${prefix}${j}`));
  return t.map((j, i) => byArm[j][i]);
}

function pick(a: Float64Array, keep: (i: number) => boolean): Float64Array {
  return a.filter((_, i) => keep(i));
}

/** Per arm: (naive OBS mean of r − population mean of the true r_j) / its standard error. */
function naiveBiasZ(dir: string, arms: number): number[] {
  const obs = readCsv(join(dir, 'obs.csv'));
  const t = obs.col('t');
  const r = obs.col('r');
  return Array.from({ length: arms }, (_, j) => {
    const logged = pick(r, (i) => t[i] === j);
    // sd of the factual r within the arm covers both the spread of r_j and the noise: a conservative SE.
    return (mean(logged) - mean(obs.col(`r_${j}`))) / (sd(logged) / Math.sqrt(logged.length));
  });
}

describe('generateSynthetic', () => {
  it('writes the same bytes for the same seed and different ones for another seed', async () => {
    const a = await gen({ seed: 5, obs: 3000, rct: 900 });
    const b = await gen({ seed: 5, obs: 3000, rct: 900 });
    const c = await gen({ seed: 6, obs: 3000, rct: 900 });
    for (const f of FILES) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} identical`);
    for (const f of FILES.slice(0, 4)) {
      assert.ok(!readFileSync(join(a, f)).equals(readFileSync(join(c, f))), `${f} differs`);
    }
  });

  it('writes the documented columns, row counts, ids and every knob in dataset.json', async () => {
    const dir = await gen({ arms: 3, features: 5, obs: 100, rct: 40, rctSplit: [0.5, 0.3, 0.2] });
    const expected = ['id', 'f0', 'f1', 'f2', 'f3', 'f4', 't', 'r', 'c', 'r_0', 'r_1', 'r_2', 'c_0', 'c_1', 'c_2'];
    const rows = { obs: 100, rct_train: 20, rct_val: 12, rct_test: 8 };
    let nextId = 0;
    for (const [name, n] of Object.entries(rows)) {
      const csv = readCsv(join(dir, `${name}.csv`));
      assert.deepEqual(csv.header, expected);
      assert.deepEqual([...csv.col('id')], Array.from({ length: n }, (_, i) => nextId + i));
      nextId += n;
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8'));
    assert.equal(manifest.seed, 11);
    assert.deepEqual(Object.keys(manifest.knobs).sort(), [
      'arms', 'base_complexity', 'base_rate', 'bias', 'bias_kind', 'bias_sign', 'cost_noise', 'features', 'noise',
      'obs', 'outcome', 'rct', 'rct_propensities', 'rct_split', 'seed', 'uplift_tail',
    ]);
    assert.deepEqual(manifest.knobs.rct_split, [0.5, 0.3, 0.2]);
    assert.equal(manifest.files.rct_val.rows, 12);
    assert.deepEqual(manifest.files.obs.columns, expected);
    assert.match(manifest.command, /^bidfcl generate --seed 11 --arms 3 --features 5 --obs 100 --rct 40 --rct-split 0.5,/);
  });

  it('writes features as their float32 round-trip text', async () => {
    const f = readCsv(join(await gen({ obs: 500, rct: 30 }), 'obs.csv')).col('f3');
    for (const v of f) assert.equal(World.featureText(Math.fround(v)), formatNumber(Math.fround(v), true));
  });

  it('leaves the world unchanged when only the logging bias changes', async () => {
    const a = readCsv(join(await gen({ obs: 2000, bias: 0 }), 'obs.csv'));
    const b = readCsv(join(await gen({ obs: 2000, bias: 2, biasKind: 'hidden' }), 'obs.csv'));
    for (const name of ['f0', 'f7', 'r_0', 'r_3', 'c_2']) assert.deepEqual(a.col(name), b.col(name), name);
    assert.notDeepEqual(a.col('t'), b.col('t'));
  });

  it('logs OBS at random with --bias 0: naive per-arm means match the truth within 4 SE', async () => {
    for (const biasKind of ['observed', 'hidden', 'rank'] as const) {
      const z = naiveBiasZ(await gen({ bias: 0, biasKind }), 4);
      assert.ok(z.every((v) => Math.abs(v) < 4), `${biasKind}: z = ${z.map((v) => v.toFixed(2))}`);
    }
  });

  it('biases OBS clearly with --bias 2 (observed and hidden kinds)', async () => {
    for (const biasKind of ['observed', 'hidden'] as const) {
      const z = naiveBiasZ(await gen({ bias: 2, biasKind, biasSign: 1 }), 4);
      // High scores get large arms and also buy more: the top arm looks better than it is.
      assert.ok(z[3] > 10, `${biasKind}: z = ${z.map((v) => v.toFixed(2))}`);
      assert.ok(z[0] < -10, `${biasKind}: z = ${z.map((v) => v.toFixed(2))}`);
    }
  });

  it('rank kind: inside the subgroup the logged arm follows the true uplift with the sign of --bias-sign', async () => {
    for (const biasSign of [1, -1] as const) {
      const obs = readCsv(join(await gen({ bias: 2, biasKind: 'rank', biasSign }), 'obs.csv'));
      const f0 = obs.col('f0');
      const t = obs.col('t');
      const r0 = obs.col('r_0');
      const uplift = obs.col('r_3').map((v, i) => v - r0[i]);
      const inside = (i: number): boolean => f0[i] > 0.5;
      const cIn = corr(pick(t, inside), pick(uplift, inside));
      const cOut = corr(pick(t, (i) => !inside(i)), pick(uplift, (i) => !inside(i)));
      assert.ok(biasSign * cIn > 0.1, `sign ${biasSign}: corr inside ${cIn}`);
      assert.ok(Math.abs(cOut) < 0.05, `sign ${biasSign}: corr outside ${cOut}`);
    }
  });

  it('gaussian: factual r is r_t plus N(0, noise²) and factual c is a positive mean-one multiple of c_t', async () => {
    const obs = readCsv(join(await gen({ outcome: 'gaussian', noise: 0.7, costNoise: 0.3 }), 'obs.csv'));
    const rT = atLoggedArm(obs, 'r_', 4);
    const cT = atLoggedArm(obs, 'c_', 4);
    const resid = obs.col('r').map((v, i) => v - rT[i]);
    const n = resid.length;
    assert.ok(Math.abs(mean(resid)) < (4 * 0.7) / Math.sqrt(n), `residual mean ${mean(resid)}`);
    assert.ok(Math.abs(sd(resid) - 0.7) < (4 * 0.7) / Math.sqrt(2 * n), `residual sd ${sd(resid)}`);
    const ratio = obs.col('c').map((v, i) => v / cT[i]);
    assert.ok(ratio.every((v) => v > 0));
    assert.ok(Math.abs(mean(ratio) - 1) < (4 * 0.3) / Math.sqrt(n), `cost ratio mean ${mean(ratio)}`);
    assert.ok(Math.abs(sd(ratio) - 0.3) < 0.02, `cost ratio sd ${sd(ratio)}`);
  });

  for (const outcome of ['binary', 'poisson'] as const) {
    it(`${outcome}: factual r, c are ${outcome} draws whose means match r_t, c_t`, async () => {
      const obs = readCsv(join(await gen({ outcome, baseRate: outcome === 'binary' ? 0.05 : 2 }), 'obs.csv'));
      for (const [y, truth] of [['r', 'r_'], ['c', 'c_']] as const) {
        const draws = obs.col(y);
        const expected = atLoggedArm(obs, truth, 4);
        const allowed =
          outcome === 'binary' ? (v: number) => v === 0 || v === 1 : (v: number) => Number.isInteger(v) && v >= 0;
        assert.ok(draws.every(allowed), `${y} values`);
        if (outcome === 'binary') assert.ok(expected.every((p) => p >= 0 && p <= 1));
        // Both kinds: the variance of a draw is at most its mean (p(1−p) ≤ p; Poisson: = mean).
        const se = Math.sqrt(expected.reduce((s, v) => s + v, 0)) / draws.length;
        assert.ok(Math.abs(mean(draws) - mean(expected)) < 4 * se, `${y}: ${mean(draws)} vs ${mean(expected)}`);
      }
    });
  }

  it('binary base rate: the control conversion rate is about --base-rate', async () => {
    const r0 = readCsv(join(await gen({ outcome: 'binary', baseRate: 0.01 }), 'obs.csv')).col('r_0');
    assert.ok(Math.abs(mean(r0) - 0.01) < 0.002, `mean r_0 ${mean(r0)}`);
  });

  it('RCT arms are uniform without propensities, and follow them (with a p column) when given', async () => {
    const uniform = readCsv(join(await gen({ obs: 10, rct: 16_000 }), 'rct_train.csv'));
    assert.ok(!uniform.header.includes('p'));
    const tu = uniform.col('t');
    for (let j = 0; j < 4; j++) {
      const share = mean(tu.map((v) => (v === j ? 1 : 0)));
      assert.ok(Math.abs(share - 0.25) < 4 * Math.sqrt(0.25 * 0.75 / tu.length), `arm ${j} share ${share}`);
    }
    const p = [0.4, 0.1, 0.2, 0.3];
    const dir = await gen({ obs: 10, rct: 16_000, rctPropensities: p });
    assert.ok(!readCsv(join(dir, 'obs.csv')).header.includes('p'), 'OBS has no known propensities');
    for (const file of ['rct_train.csv', 'rct_val.csv', 'rct_test.csv']) {
      const rct = readCsv(join(dir, file));
      assert.deepEqual(rct.header.slice(15, 18), ['c', 'p', 'r_0']);
      const t = rct.col('t');
      assert.deepEqual(rct.col('p'), t.map((j) => p[j]));
      for (let j = 0; j < 4; j++) {
        const share = mean(t.map((v) => (v === j ? 1 : 0)));
        assert.ok(Math.abs(share - p[j]) < 4 * Math.sqrt((p[j] * (1 - p[j])) / t.length), `${file} arm ${j}: ${share}`);
      }
    }
  });
});

describe('World', () => {
  const world = new World(12, 5, 1, 0.75, 3);
  const rng = new Rng(1);
  const ind = world.newIndividual();
  const m = new Float64Array(5);
  const q = new Float64Array(5);

  it('has non-negative revenue with diminishing returns and cost increasing in the arm', () => {
    for (let i = 0; i < 2000; i++) {
      world.drawIndividual(rng, ind);
      world.intensities(ind, m, q);
      assert.ok(m[0] >= 0 && q[0] >= 0 && q[0] <= 0.05, 'non-negative, small control cost');
      for (let j = 1; j < 5; j++) {
        assert.ok(m[j] > m[j - 1], 'revenue rises with the arm');
        assert.ok(q[j] > q[j - 1], 'cost rises with the arm');
        if (j > 1) assert.ok(m[j] - m[j - 1] < m[j - 1] - m[j - 2], 'each step up adds less');
      }
    }
  });

  it('ranks individuals differently by ROI than by revenue uplift', () => {
    const n = 5000;
    const uplift = new Float64Array(n);
    const roi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      world.drawIndividual(rng, ind);
      world.intensities(ind, m, q);
      uplift[i] = m[4] - m[0];
      roi[i] = uplift[i] / (q[4] - q[0]);
    }
    const rank = (a: Float64Array): Float64Array => {
      const order = Array.from(a.keys()).sort((x, y) => a[x] - a[y]);
      const r = new Float64Array(a.length);
      order.forEach((i, k) => (r[i] = k));
      return r;
    };
    const spearman = corr(rank(uplift), rank(roi));
    assert.ok(spearman > 0.3 && spearman < 0.9, `spearman(uplift, ROI) = ${spearman}`);
  });

  it('keeps expected outcomes of the binary kind inside (0, 1) with diminishing returns', () => {
    const model = outcomeModel({ outcome: 'binary', baseRate: 0.5, baseComplexity: 1, noise: 0, costNoise: 0 });
    const r = new Float64Array(5);
    const c = new Float64Array(5);
    for (let i = 0; i < 500; i++) {
      world.drawIndividual(rng, ind);
      world.intensities(ind, m, q);
      model.expect(m, q, r, c);
      assert.ok(r.every((p) => p > 0 && p < 1) && c.every((p) => p > 0 && p < 1));
      for (let j = 2; j < 5; j++) assert.ok(r[j] - r[j - 1] <= r[j - 1] - r[j - 2]);
    }
  });
});

describe('resolveKnobs', () => {
  it('fills defaults', () => {
    const k = resolveKnobs({});
    assert.equal(k.arms, 4);
    assert.equal(k.baseRate, 1);
    assert.equal(resolveKnobs({ outcome: 'binary' }).baseRate, 0.02);
  });

  const bad: [Partial<SyntheticKnobs>, RegExp][] = [
    [{ arms: 1 }, /--arms/],
    [{ arms: 2.5 }, /--arms/],
    [{ features: 1 }, /--features/],
    [{ obs: -5 }, /--obs/],
    [{ rct: 2 }, /--rct/],
    [{ rctSplit: [0.5, 0.5] }, /--rct-split/],
    [{ rctSplit: [0.5, 0.3, 0.3] }, /--rct-split/],
    [{ rct: 4, rctSplit: [0.9, 0.05, 0.05] }, /empty RCT split/],
    [{ bias: -1 }, /--bias/],
    [{ biasKind: 'nope' as never }, /--bias-kind/],
    [{ upliftTail: 4 }, /--uplift-tail/],
    [{ outcome: 'binary', baseRate: 1.5 }, /--base-rate/],
    [{ rctPropensities: [0.5, 0.5] }, /--rct-propensities/],
    [{ rctPropensities: [0.5, 0.5, 0, 0] }, /--rct-propensities/],
  ];
  for (const [knobs, message] of bad) {
    it(`rejects ${JSON.stringify(knobs)}`, () => {
      assert.throws(() => resolveKnobs(knobs), (e: unknown) => e instanceof UsageError && message.test(e.message));
    });
  }
});
