import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema, configReference } from '../../src/config/reference.js';
import { ROOT } from '../helpers/cli.js';

describe('configReference', () => {
  it('the README config reference matches the schema (run npm run docs after changing it)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('<!-- config-reference:start');
    const end = readme.indexOf('<!-- config-reference:end -->');
    assert.ok(start >= 0 && end > start, 'README has the markers');
    const section = readme.slice(readme.indexOf('\n', start) + 1, end);
    assert.equal(section, configReference());
  });

  it('configs/bidfcl.schema.json matches the schema', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'configs/bidfcl.schema.json'), 'utf8'));
    assert.deepEqual(committed, configJsonSchema());
  });

  it('documents every method kind and top-level key', () => {
    const ref = configReference();
    for (const k of ['tsm-sl', 'dfcl-ppl', 'dfcl-pifd', 'dfcl-dpl', 'dfcl-difd']) assert.ok(ref.includes(`kind: ${k}`), k);
    for (const k of ['name', 'seeds', 'data', 'model', 'budget', 'methods', 'train', 'evaluate', 'output']) assert.ok(ref.includes(`| \`${k}\` |`), k);
  });
});
