import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeTemp } from '../helpers/cli.js';
import { tinyConfigYaml } from '../helpers/tiny-config.js';

const dir = tempDir();
let data = '';
let run = '';
let config = '';

describe('bidfcl train / evaluate / predict / allocate --model', () => {
  before(() => {
    data = join(dir, 'data');
    const gen = runCli(['generate', '--out', data, '--seed', '3', '--arms', '3', '--features', '4', '--obs', '1500', '--rct', '2400', '--quiet']);
    assert.equal(gen.code, 0, gen.stderr);
    config = writeTemp(
      dir,
      'tiny.yaml',
      tinyConfigYaml({
        name: 'tiny',
        extra: 'seeds: [1, 2]',
        epochs: 3,
        methods: `  - kind: tsm-sl
  - kind: tsm-sl
    data: rct+obs
  - kind: dfcl-ppl
    warm_start: tsm-sl-rct
  - kind: dfcl-pifd
    warm_start: tsm-sl-rct
    reward: lagrangian
  - kind: dfcl-dpl
  - kind: dfcl-difd
`,
      }),
    );
    run = join(dir, 'run');
    const res = runCli(['train', '--config', config, '--out', run, '--backend', 'cpu', '--quiet']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /tsm-sl-rct\s+rct\s+2\s/);
  });

  it('writes the run directory of design.md', () => {
    for (const f of ['config.yaml', 'log.ndjson', 'metrics.json', 'report.md']) assert.ok(existsSync(join(run, f)), f);
    for (const m of ['tsm-sl-rct', 'tsm-sl-rct-obs', 'dfcl-ppl', 'dfcl-pifd', 'dfcl-dpl', 'dfcl-difd']) {
      for (const s of [1, 2]) {
        assert.ok(existsSync(join(run, m, `seed-${s}`, 'model', 'model.json')), `${m} seed ${s}`);
        assert.ok(existsSync(join(run, m, `seed-${s}`, 'train.json')));
      }
    }
    assert.deepEqual(readdirSync(run).filter((f) => f.includes('.tmp-')), [], 'no temporary files left');
    const lines = readFileSync(join(run, 'log.ndjson'), 'utf8').trim().split('\n');
    assert.ok(lines.every((l) => typeof JSON.parse(l).msg === 'string'));
  });

  it('metrics.json has the documented shape with true values', () => {
    const m = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    assert.equal(m.version, 1);
    assert.equal(m.reference, 'tsm-sl-rct');
    assert.equal(m.runs.length, 12);
    for (const r of m.runs) {
      for (const k of ['lambda', 'eom_revenue', 'eom_cost', 'true_revenue', 'true_cost', 'oracle_revenue', 'regret', 'sweep_area_eom']) {
        assert.ok(Number.isFinite(r[k]), `${r.method}.${k}`);
      }
      assert.equal(r.regret, r.oracle_revenue - r.true_revenue);
      assert.equal(r.sweep.length, 10);
      assert.ok(r.train.steps > 0);
    }
    const ref = m.summary.find((s: { method: string }) => s.method === 'tsm-sl-rct');
    assert.equal(ref.normalised.eom_revenue, 1);
  });

  it('evaluate --run reproduces the metrics', () => {
    const before = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    const res = runCli(['evaluate', '--run', run, '--backend', 'cpu', '--quiet']);
    assert.equal(res.code, 0, res.stderr);
    const after = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    assert.deepEqual(after.runs, before.runs);
  });

  it('evaluate --model and predict → allocate --scores and allocate --model', () => {
    const model = join(run, 'dfcl-ppl', 'seed-1', 'model');
    const ev = runCli(['evaluate', '--model', model, '--data', join(data, 'rct_test.csv'), '--backend', 'cpu', '--quiet']);
    assert.equal(ev.code, 0, ev.stderr);
    assert.match(ev.stdout, /EOM revenue/);
    const scores = join(dir, 'scores.csv');
    const pr = runCli(['predict', '--model', model, '--input', join(data, 'rct_test.csv'), '--out', scores, '--backend', 'cpu', '--quiet']);
    assert.equal(pr.code, 0, pr.stderr);
    const lines = readFileSync(scores, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'id,rhat_0,rhat_1,rhat_2,chat_0,chat_1,chat_2');
    assert.equal(lines.length, 601);
    const a1 = runCli(['allocate', '--scores', scores, '--per-capita', '0.5', '--out', join(dir, 'a1.csv'), '--quiet']);
    assert.equal(a1.code, 0, a1.stderr);
    const a2 = runCli(['allocate', '--model', model, '--input', join(data, 'rct_test.csv'), '--per-capita', '0.5', '--out', join(dir, 'a2.csv'), '--backend', 'cpu', '--quiet']);
    assert.equal(a2.code, 0, a2.stderr);
    assert.equal(readFileSync(join(dir, 'a1.csv'), 'utf8'), readFileSync(join(dir, 'a2.csv'), 'utf8'), 'same allocation both ways');
  });

  it('same config and seed give the same numbers', () => {
    const again = join(dir, 'run2');
    const res = runCli(['train', '--config', config, '--out', again, '--backend', 'cpu', '--quiet', '--set', 'seeds=[1]', 'methods=[{kind: tsm-sl}]']);
    assert.equal(res.code, 0, res.stderr);
    const a = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')).runs.find((r: { method: string; seed: number }) => r.method === 'tsm-sl-rct' && r.seed === 1);
    const b = JSON.parse(readFileSync(join(again, 'metrics.json'), 'utf8')).runs[0];
    assert.equal(b.eom_revenue, a.eom_revenue);
    assert.equal(b.true_revenue, a.true_revenue);
  });

  it('refuses a non-empty --out and a bad --set', () => {
    assert.equal(runCli(['train', '--config', config, '--out', run, '--quiet']).code, 2);
    const res = runCli(['train', '--config', config, '--set', 'train.epochz=3', '--quiet']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /key train\.epochz: unknown key "epochz" \(did you mean "epochs"\?\)/);
  });
});
