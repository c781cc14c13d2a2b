import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/index.js';
import { ModelError } from '../../src/errors.js';
import { Mlp, type MlpSpec } from '../../src/nn/mlp.js';
import { fitScaler } from '../../src/nn/scaler.js';
import { loadModel, saveModel, MODEL_FILE, WEIGHTS_FILE } from '../../src/nn/serialize.js';
import { Rng } from '../../src/util/rng.js';

let root = '';
before(async () => {
  await initBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'bidfcl-serialize-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const SPEC: MlpSpec = { inputDim: 3, hidden: [6, 4], activation: 'sigmoid', output: 'identity', arms: 2 };
const COLUMNS = { features: ['f0', 'f1', 'f2'], arm: 't', revenue: 'r', cost: 'c' };

async function saved(name: string): Promise<{ dir: string; model: Mlp; x: Float32Array }> {
  const dir = join(root, name);
  const rng = new Rng(3);
  const x = Float32Array.from({ length: 30 }, () => rng.normal() * 2 + 5);
  const model = Mlp.create(SPEC, 21);
  await saveModel(dir, model, { scaler: fitScaler(x, 10, 3), columns: COLUMNS, meta: { method: 'tsm-sl', seed: 1 } });
  return { dir, model, x };
}

async function rejects(dir: string, file: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadModel(dir), (e: unknown) => {
    assert.ok(e instanceof ModelError, String(e));
    assert.equal(e.where.file, join(dir, file));
    assert.match(e.message, pattern);
    return true;
  });
}

describe('saveModel / loadModel', () => {
  it('round-trips: identical predictions, spec, scaler, columns and metadata', async () => {
    const { dir, model, x } = await saved('ok');
    const loaded = await loadModel(dir);
    assert.deepEqual(loaded.model.spec, SPEC);
    assert.deepEqual(loaded.columns, COLUMNS);
    assert.deepEqual(loaded.meta, { method: 'tsm-sl', seed: 1 });
    const a = model.predict(x, 10, { scaler: fitScaler(x, 10, 3) });
    const b = loaded.model.predict(x, 10, { scaler: loaded.scaler! });
    assert.deepEqual(b.r, a.r);
    assert.deepEqual(b.c, a.c);
    assert.deepEqual(loaded.model.getWeights(), model.getWeights());
    assert.deepEqual((await readdir(dir)).sort(), [MODEL_FILE, WEIGHTS_FILE], 'no temporary files left');
    const json = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8'));
    assert.equal(json.version, 1);
    assert.equal((await readFile(join(dir, WEIGHTS_FILE))).byteLength, 4 * model.size);
    model.dispose();
    loaded.model.dispose();
  });

  it('names weights.bin when it is missing, truncated or from another save', async () => {
    const { dir, model } = await saved('bad-weights');
    const bytes = await readFile(join(dir, WEIGHTS_FILE));
    await writeFile(join(dir, WEIGHTS_FILE), bytes.subarray(0, bytes.length - 4));
    await rejects(dir, WEIGHTS_FILE, /bytes/);
    const other = Buffer.from(bytes);
    other[0] ^= 0xff;
    await writeFile(join(dir, WEIGHTS_FILE), other);
    await rejects(dir, WEIGHTS_FILE, /checksum/);
    await rm(join(dir, WEIGHTS_FILE));
    await rejects(dir, WEIGHTS_FILE, /not found/);
    model.dispose();
  });

  it('names model.json when it is missing, not JSON, of another version or inconsistent', async () => {
    const { dir, model } = await saved('bad-json');
    const file = join(dir, MODEL_FILE);
    const good = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...good, spec: { ...good.spec, hidden: [6, 5] } }));
    await rejects(dir, MODEL_FILE, /do not match/);
    await writeFile(file, JSON.stringify({ ...good, version: 99 }));
    await rejects(dir, MODEL_FILE, /version 99/);
    await writeFile(file, JSON.stringify({ ...good, spec: { ...good.spec, activation: 'elu' } }));
    await rejects(dir, MODEL_FILE, /invalid model description/);
    await writeFile(file, JSON.stringify({ ...good, scaler: { mean: [0], std: [1] } }));
    await rejects(dir, MODEL_FILE, /scaler/);
    await writeFile(file, '{ not json');
    await rejects(dir, MODEL_FILE, /not valid JSON/);
    await rm(file);
    await rejects(dir, MODEL_FILE, /not found/);
    model.dispose();
  });
});
