import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { isBidfclMethod } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import { ROOT, tempDir, writeTemp } from '../helpers/cli.js';

const dir = tempDir();
const config = (methods: string, obs = '  obs: obs.csv\n'): string => `name: t
data:
  arms: 3
${obs}  rct_train: tr.csv
  rct_val: va.csv
  rct_test: te.csv
methods:
${methods}`;

function load(text: string) {
  return loadConfig(writeTemp(dir, `c${Math.random().toString(36).slice(2)}.yaml`, text)).config;
}

function error(text: string): ConfigError {
  try {
    load(text);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('expected a ConfigError');
}

describe('bidfcl method configs', () => {
  it('fill the documented defaults', () => {
    const m = load(config('  - kind: tsm-sl\n  - kind: bidfcl-pifd\n    teacher: tsm-sl-rct\n')).methods[1];
    assert.ok(isBidfclMethod(m) && m.kind === 'bidfcl-pifd');
    assert.equal(m.id, 'bidfcl-pifd');
    assert.deepEqual(
      [m.k, m.n_cg, m.cg_tol, m.damping, m.damping_scale, m.bridge_lr, m.hypergradient, m.implicit, m.bridge, m.gates, m.detach_target],
      [5, 50, 1e-3, 1e-3, 'trace', 1e-3, 'exact', true, 'pseudo-labels', 'learned', true],
    );
    assert.deepEqual([m.tau, m.reward, m.h_min, m.warm_start_epochs, m.inner_optimizer], [1, 'revenue', 0.3, 0, 'adam']);
  });

  it('teacher must name a tsm-sl method on RCT listed before', () => {
    for (const [methods, why] of [
      ['  - kind: bidfcl-ppl\n    teacher: tsm-sl-rct\n  - kind: tsm-sl\n', 'listed after'],
      ['  - kind: tsm-sl\n    data: obs\n  - kind: bidfcl-ppl\n    teacher: tsm-sl-obs\n', 'not on RCT'],
      ['  - kind: tsm-sl\n  - kind: bidfcl-ppl\n    teacher: nope\n', 'unknown'],
    ]) {
      const e = error(config(methods));
      assert.match(e.message, /teacher ".*" must name a tsm-sl method with data: rct listed before/, why);
      assert.match(e.where.key ?? '', /^methods\.\d\.teacher$/, why);
    }
  });

  it('need data.obs and check warm_start like the other kinds', () => {
    assert.match(error(config('  - kind: bidfcl-ppl\n', '')).message, /data\.obs is not set/);
    assert.match(error(config('  - kind: bidfcl-ppl\n    warm_start: x\n')).message, /warm_start "x" must name a tsm-sl method/);
  });

  it('the shipped quickstart, ablation and synthetic-benchmark configs load', () => {
    for (const f of ['quickstart', 'ablation', 'synthetic-benchmark']) {
      const c = loadConfig(join(ROOT, 'configs', `${f}.yaml`)).config;
      assert.ok(c.methods.some(isBidfclMethod), f);
    }
  });
});
