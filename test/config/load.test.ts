import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError, UsageError } from '../../src/errors.js';
import { ROOT, tempDir, writeTemp } from '../helpers/cli.js';

const dir = tempDir();
const BASE = `name: demo
data:
  arms: 3
  obs: obs.csv
  rct_train: tr.csv
  rct_val: va.csv
  rct_test: te.csv
methods:
  - kind: tsm-sl
  - kind: tsm-sl
    data: rct+obs
  - kind: dfcl-ppl
    warm_start: tsm-sl-rct
`;

function configError(text: string, sets: string[] = []): ConfigError {
  const file = writeTemp(dir, `c${Math.random().toString(36).slice(2)}.yaml`, text);
  try {
    loadConfig(file, sets);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.ok(e.describe().startsWith(file), 'names the file');
    return e;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills defaults, method ids and absolute paths', () => {
    const file = writeTemp(dir, 'ok.yaml', BASE);
    const { config, yaml } = loadConfig(file);
    assert.deepEqual(config.model.hidden, [64, 32, 32]);
    assert.equal(config.train.batch_size, 1024);
    assert.deepEqual(config.budget, { fraction: 0.3 });
    assert.deepEqual(config.methods.map((m) => m.id), ['tsm-sl-rct', 'tsm-sl-rct-obs', 'dfcl-ppl']);
    assert.equal(config.data.rct_train, `${dir}/tr.csv`);
    assert.equal(config.data.columns.arm, 't');
    assert.deepEqual(parse(yaml), JSON.parse(JSON.stringify(config)), 'the resolved YAML round-trips');
  });

  it('applies --set overrides with YAML values', () => {
    const file = writeTemp(dir, 'ok2.yaml', BASE);
    const { config } = loadConfig(file, ['train.lr=0.01', 'seeds=[1, 2, 3]', 'methods.2.tau=0.5', 'model.hidden=[8]']);
    assert.equal(config.train.lr, 0.01);
    assert.deepEqual(config.seeds, [1, 2, 3]);
    const ppl = config.methods[2];
    assert.ok(ppl.kind === 'dfcl-ppl' && ppl.tau === 0.5);
    assert.deepEqual(config.model.hidden, [8]);
  });

  it('reports an unknown key with its path, line, column and a suggestion', () => {
    const e = configError(BASE.replace('warm_start: tsm-sl-rct', 'taux: 2'));
    assert.equal(e.where.key, 'methods.2.taux');
    assert.equal(e.where.line, 13);
    assert.equal(e.where.column, 5);
    assert.match(e.message, /unknown key "taux" \(did you mean "tau"\?\)/);
  });

  it('reports an unknown top-level key', () => {
    const e = configError(BASE + 'trian: {}\n');
    assert.equal(e.where.key, 'trian');
    assert.match(e.message, /did you mean "train"/);
  });

  it('reports a wrong type at the value position', () => {
    const e = configError(BASE.replace('arms: 3', 'arms: three'));
    assert.equal(e.where.key, 'data.arms');
    assert.equal(e.where.line, 3);
  });

  it('reports a missing required key', () => {
    const e = configError(BASE.replace('  rct_test: te.csv\n', ''));
    assert.equal(e.where.key, 'data.rct_test');
    assert.match(e.message, /missing required key/);
  });

  it('reports an unknown method kind and enum values', () => {
    assert.equal(configError(BASE.replace('kind: dfcl-ppl', 'kind: dfcl-xyz')).where.key, 'methods.2.kind');
    assert.equal(configError(BASE.replace('data: rct+obs', 'data: both')).where.key, 'methods.1.data');
  });

  it('reports YAML syntax errors with line and column', () => {
    const e = configError('name: demo\ndata: [1, 2\n');
    assert.match(e.message, /invalid YAML/);
    assert.ok(e.where.line !== undefined && e.where.line >= 2);
  });

  it('checks cross references and duplicates', () => {
    assert.match(configError(BASE.replace('warm_start: tsm-sl-rct', 'warm_start: nope')).message, /must name a tsm-sl method/);
    assert.match(configError(BASE + '  - kind: tsm-sl\n').message, /used twice/);
    assert.match(configError(BASE.replace('  obs: obs.csv\n', '')).message, /data.obs is not set/);
  });

  it('reports a bad --set value through the same validation, and a malformed --set as usage', () => {
    const e = configError(BASE, ['train.lr=-1']);
    assert.equal(e.where.key, 'train.lr');
    assert.match(e.message, /\(from --set train\.lr=-1\)/, 'names the assignment');
    assert.equal(e.where.line, undefined, 'no line of the file: the value is not in it');
    const nested = configError(BASE, ['methods.0.chekpoint=last']);
    assert.match(nested.message, /did you mean "checkpoint".*from --set methods\.0\.chekpoint=last/);
    const inFile = configError(BASE.replace('    warm_start: tsm-sl-rct\n', '    tau: -1\n'), ['train.epochs=3']);
    assert.notEqual(inFile.where.line, undefined, 'an error in the file itself keeps its line');
    const file = writeTemp(dir, 'ok3.yaml', BASE);
    assert.throws(() => loadConfig(file, ['train.lr']), UsageError);
  });

  it('every shipped config under configs/ is valid', () => {
    const files = readdirSync(join(ROOT, 'configs')).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.includes('quickstart.yaml'));
    for (const f of files) assert.doesNotThrow(() => loadConfig(join(ROOT, 'configs', f)), f);
  });
});
