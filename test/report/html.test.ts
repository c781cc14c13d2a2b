import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { htmlReport } from '../../src/report/html.js';
import { buildPlots } from '../../src/report/plots.js';
import { externalReferences, parseXml } from '../helpers/xml.js';
import { fixtureHistories, fixtureMetrics, METHODS } from './fixture.js';

describe('htmlReport', () => {
  const m = fixtureMetrics({ truth: true });
  const plots = buildPlots(m, fixtureHistories());
  const html = htmlReport(m, plots);

  it('has no external references at all', () => {
    assert.deepEqual(externalReferences(html), []);
  });

  it('is well-formed, with the table, the headline and every plot inlined', () => {
    const elements = parseXml(html.replace(/^<!DOCTYPE html>\n/, ''));
    assert.equal(elements[0].name, 'html');
    assert.equal(elements.filter((e) => e.name === 'svg').length, plots.length);
    assert.equal(elements.filter((e) => e.name === 'figure').length, plots.length);
    const rows = elements.filter((e) => e.name === 'tr');
    assert.equal(rows.length, 1 + METHODS.length + 1 + m.runs.length, 'comparison header + methods, runs header + runs');
    assert.equal(rows.filter((e) => e.attrs.get('class') === 'headline').length, 1);
    assert.ok(html.includes('odd&lt;&amp;&quot;&gt;name'), 'method names are escaped');
    assert.match(html, /\+30\.00% \[\+15\.00%, \+45\.00%\]/);
    assert.match(html, /better than the reference/);
  });
});
