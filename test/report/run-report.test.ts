import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { generateSynthetic } from '../../src/data/synthetic/generate.js';
import { runExperiment, type RunResult } from '../../src/experiment/run.js';
import type { MetricsFile } from '../../src/report/metrics-json.js';
import { tempDir, writeTemp } from '../helpers/cli.js';
import { tinyConfigYaml } from '../helpers/tiny-config.js';
import { externalReferences, parseXml } from '../helpers/xml.js';

const dir = tempDir('bidfcl-run-report-');

describe('a run directory after training: metrics.json, report.md, plots/*.svg, report.html', () => {
  let result: RunResult;

  before(async () => {
    await generateSynthetic(join(dir, 'data'), { seed: 4, arms: 3, features: 4, obs: 1500, rct: 2400 });
    const file = writeTemp(
      dir,
      'tiny.yaml',
      tinyConfigYaml({
        name: 'tiny',
        // A generous budget: two epochs of a tiny model predict costs too poorly to stay within a tight one.
        extra: 'seeds: [1, 2]\nbackend: cpu\nbudget:\n  fraction: 0.9',
        epochs: 2,
        methods: `  - kind: tsm-sl
  - kind: tsm-sl
    data: obs
`,
      }),
    );
    const { config, yaml } = loadConfig(file);
    result = await runExperiment(config, yaml, { out: join(dir, 'run') });
  });

  it('writes every plot as well-formed SVG with one series per method', () => {
    const plots = readdirSync(join(result.runDir, 'plots')).sort();
    assert.deepEqual(plots, ['cost-curve.svg', 'sweep-eom.svg', 'sweep-true.svg', 'training-loss.svg', 'training-val.svg']);
    for (const p of plots) {
      const els = parseXml(readFileSync(join(result.runDir, 'plots', p), 'utf8'));
      const series = els.filter((e) => e.attrs.get('class') === 'series').map((e) => e.attrs.get('data-name'));
      assert.deepEqual(series, ['tsm-sl-rct', 'tsm-sl-obs'], p);
    }
  });

  it('writes a self-contained report.html with the table and every plot', () => {
    const html = readFileSync(result.htmlFile, 'utf8');
    assert.deepEqual(externalReferences(html), []);
    const els = parseXml(html.replace(/^<!DOCTYPE html>\n/, ''));
    assert.equal(els.filter((e) => e.name === 'svg').length, 5);
    assert.match(html, /tsm-sl-obs/);
  });

  it('records the headline comparison in metrics.json and report.md', () => {
    const m = JSON.parse(readFileSync(result.metricsFile, 'utf8')) as MetricsFile;
    assert.equal(m.version, 1);
    assert.equal(m.comparison?.method, 'tsm-sl-obs');
    assert.equal(m.comparison?.reference, 'tsm-sl-rct');
    assert.equal(m.comparison?.resamples, 1000);
    // The bootstrap's point estimate is the table's difference of means.
    const mean = (id: string): number => m.summary.find((s) => s.method === id)!.metrics.eom_revenue!.mean;
    assert.ok(Math.abs(m.comparison!.difference.estimate - (mean('tsm-sl-obs') - mean('tsm-sl-rct'))) < 1e-9);
    assert.equal(m.test_arms?.length, 3);
    assert.match(readFileSync(result.reportFile, 'utf8'), /Headline: `tsm-sl-obs`/);
  });
});
