import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlots } from '../../src/report/plots.js';
import { renderChart } from '../../src/report/svg/chart.js';
import { parseXml, type XmlElement } from '../helpers/xml.js';
import { fixtureHistories, fixtureMetrics, METHODS } from './fixture.js';

function svgOf(name: string, plots: ReturnType<typeof buildPlots>): XmlElement[] {
  const plot = plots.find((p) => p.name === name);
  assert.ok(plot, `plot ${name}`);
  return parseXml(renderChart(plot.chart, { standalone: true }));
}

const seriesNames = (els: XmlElement[]): string[] => els.filter((e) => e.attrs.get('class') === 'series').map((e) => e.attrs.get('data-name')!);

describe('buildPlots', () => {
  it('multi-arm with truth: sweeps, the cost plot and training curves, one series per method', () => {
    const plots = buildPlots(fixtureMetrics({ truth: true }), fixtureHistories());
    assert.deepEqual(plots.map((p) => p.name), ['sweep-eom', 'sweep-true', 'cost-curve', 'training-val', 'training-loss']);
    for (const name of ['sweep-eom', 'sweep-true', 'cost-curve']) assert.deepEqual(seriesNames(svgOf(name, plots)), METHODS, name);
    const cost = svgOf('cost-curve', plots);
    assert.equal(cost.filter((e) => e.attrs.get('class') === 'guide')[0].attrs.get('data-name'), 'feature-blind frontier');
    // The training budget (fraction 0.3) is marked on the sweep.
    assert.equal(svgOf('sweep-eom', plots).filter((e) => e.attrs.get('class') === 'marker').length, 1);
    // Training curves: a panel per method that has a train.json, two seeds each.
    const loss = svgOf('training-loss', plots);
    assert.deepEqual(seriesNames(loss), METHODS.slice(0, -1));
    assert.equal(loss.filter((e) => e.name === 'polyline').length, 2 * (METHODS.length - 1));
  });

  it('sweep points are the mean over seeds with a ±std band', () => {
    const m = fixtureMetrics();
    const sweep = buildPlots(m, new Map()).find((p) => p.name === 'sweep-eom')!.chart.panels[0].series[0];
    const at = (j: number) => m.runs.filter((r) => r.method === 'tsm-sl-rct').map((r) => r.sweep[j].eom_revenue);
    const first = at(0);
    assert.equal(sweep.lines[0][0][0], 0.1);
    assert.ok(Math.abs(sweep.lines[0][0][1] - (first[0] + first[1] + first[2]) / 3) < 1e-12);
    assert.ok(Math.abs(sweep.band![0].hi - sweep.band![0].lo - 2 * 0.01) < 1e-12, 'std of 0.01·seed over seeds 1..3 is 0.01');
  });

  it('M = 2: the cost curve comes from the AUCC ranking with the random line to (ΔC, ΔR)', () => {
    const plots = buildPlots(fixtureMetrics({ binary: true }), new Map());
    assert.deepEqual(plots.map((p) => p.name), ['sweep-eom', 'cost-curve']);
    const chart = plots.find((p) => p.name === 'cost-curve')!.chart;
    assert.deepEqual(chart.panels[0].guides![0].lines[0], [[0, 0], [0.08, 0.05]]);
    assert.equal(chart.panels[0].series[0].lines[0].length, 101);
    assert.deepEqual(seriesNames(svgOf('cost-curve', plots)), METHODS);
  });

  it('the feature-blind frontier is the upper hull of the everyone-gets-one-arm points', () => {
    const chart = buildPlots(fixtureMetrics(), new Map()).find((p) => p.name === 'cost-curve')!.chart;
    // Arms relative to control: (0, 0), (0.39, 0.1), (0.79, 0.3), (1.09, 0.2); arm 1 lies under the hull.
    const hull = chart.panels[0].guides![0].lines[0].map(([x, y]) => [Number(x.toFixed(6)), Number(y.toFixed(6))]);
    assert.deepEqual(hull, [[0, 0], [0.79, 0.3], [1.09, 0.2]]);
  });
});
