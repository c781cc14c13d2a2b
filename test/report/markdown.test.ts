import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { comparisonTable, markdownReport, summaryTable } from '../../src/report/markdown.js';
import { summarise } from '../../src/report/metrics-json.js';
import { fixtureMetrics } from './fixture.js';

describe('comparisonTable', () => {
  it('has the relative and sweep columns, the CI right after "EOM rel.", and AUCC with M = 2', () => {
    const { header, rows } = comparisonTable(fixtureMetrics({ binary: true }));
    assert.deepEqual(header.slice(0, 7), ['method', 'data', 'seeds', 'EOM revenue', 'EOM rel.', 'EOM vs ref. (95% CI)', 'EOM cost']);
    for (const col of ['sweep area (EOM)', 'sweep rel.', 'AUCC', 'AUCC rel.', 'AUUC']) assert.ok(header.includes(col), col);
    const ci = header.indexOf('EOM vs ref. (95% CI)');
    assert.deepEqual(rows.map((r) => r[ci]), ['reference', '–', '–', '+30.00% [+15.00%, +45.00%]']);
    assert.equal(rows[0][header.indexOf('EOM rel.')], '1.0000');
  });

  it('leaves the CI column out without a comparison', () => {
    const { comparison: _, ...m } = fixtureMetrics();
    assert.ok(!comparisonTable(m).header.some((h) => h.includes('CI')));
  });
});

describe('markdownReport and summaryTable', () => {
  it('state the headline comparison and link the plots', () => {
    const md = markdownReport(fixtureMetrics(), [{ name: 'sweep-eom', title: 'EOM revenue vs budget' }]);
    assert.match(md, /Headline: `odd<&">name` \(best mean EOM revenue within budget\) vs `tsm-sl-rct`/);
    assert.match(md, /!\[EOM revenue vs budget\]\(plots\/sweep-eom\.svg\)/);
    assert.match(summaryTable(fixtureMetrics()), /95% CI 0\.2 … 0\.6/);
  });

  it('flags methods that spend more than the budget', () => {
    const m = fixtureMetrics();
    for (const r of m.runs) if (r.method === 'dfcl-ppl') r.eom_cost = 0.5;
    m.summary = summarise(m.runs, m.reference);
    assert.match(summaryTable(m), /dfcl-ppl spends 0\.5 per capita, more than the budget 0\.4 \(\+25\.0%\)/);
    assert.doesNotMatch(summaryTable(m), /tsm-sl-obs spends/);
  });
});
