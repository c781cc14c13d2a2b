import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderChart, seriesStyle, type Chart } from '../../../src/report/svg/chart.js';
import { niceAxis, tickLabel } from '../../../src/report/svg/scale.js';
import { esc, tag } from '../../../src/report/svg/xml.js';
import { parseXml } from '../../helpers/xml.js';

const chart: Chart = {
  title: 'A & B <test>',
  panels: [
    {
      xLabel: 'x',
      yLabel: 'y',
      series: [
        { name: 'first', ...seriesStyle(0), lines: [[[0, 1], [1, 2], [2, NaN], [3, 2.5]]], band: [{ x: 0, lo: 0.5, hi: 1.5 }, { x: 1, lo: 1.5, hi: 2.5 }] },
        { name: 'se"cond', ...seriesStyle(1), lines: [[[0, 0], [3, 3]], [[0, 0.2], [3, 2.8]]] },
      ],
      guides: [{ name: 'random', colour: '#888', dash: '4 4', lines: [[[0, 0], [3, 3]]] }],
      markers: [{ x: 0.3, label: 'budget' }],
    },
  ],
};

describe('renderChart', () => {
  it('writes well-formed SVG with one series group per series, the guide apart', () => {
    const svg = renderChart(chart, { standalone: true });
    const elements = parseXml(svg);
    assert.equal(elements[0].name, 'svg');
    assert.equal(elements[0].attrs.get('xmlns'), 'http://www.w3.org/2000/svg');
    const series = elements.filter((e) => e.attrs.get('class') === 'series');
    assert.deepEqual(series.map((e) => e.attrs.get('data-name')), ['first', 'se"cond']);
    assert.equal(elements.filter((e) => e.attrs.get('class') === 'guide').length, 1);
    assert.equal(elements.filter((e) => e.attrs.get('class') === 'legend-item').length, 3);
    assert.ok(svg.includes('A &amp; B &lt;test&gt;'), 'the title is escaped');
    // Two polylines for the second series (one per seed) and the NaN point dropped from the first.
    assert.equal(elements.filter((e) => e.name === 'polyline').length, 4);
    assert.ok(!svg.includes('NaN'));
  });

  it('leaves out the namespace when inlined, so HTML carries no URL', () => {
    const svg = renderChart(chart, { standalone: false });
    parseXml(svg);
    assert.ok(!/http/.test(svg));
  });

  it('lays small multiples on a grid and can share one y axis', () => {
    const panel = (k: number) => ({ title: `p${k}`, xLabel: 'epoch', yLabel: 'loss', series: [{ name: `m${k}`, colour: '#000', lines: [[[1, k], [2, 10 * k]] as [number, number][]] }] });
    const svg = renderChart({ title: 't', columns: 2, panelHeight: 200, sharedY: true, panels: [panel(1), panel(2), panel(3)] }, { standalone: true });
    const elements = parseXml(svg);
    assert.equal(elements.filter((e) => e.attrs.get('class') === 'panel').length, 3);
    assert.equal(elements[0].attrs.get('height'), String(34 + 2 * 200 + 8));
    // With one shared axis every panel labels the same y ticks (0 … 30).
    const labels = [...svg.matchAll(/text-anchor="end" dominant-baseline="middle">([^<]*)</g)].map((m) => m[1]);
    assert.equal(labels.filter((l) => l === '30').length, 3);
  });
});

describe('niceAxis', () => {
  it('covers the data with round steps', () => {
    const a = niceAxis(0.013, 0.87);
    assert.equal(a.lo, 0);
    assert.equal(a.hi, 1);
    assert.deepEqual(a.ticks.map((t) => tickLabel(t, a)), ['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    const b = niceAxis(1.02, 1.27);
    assert.ok(b.lo <= 1.02 && b.hi >= 1.27 && b.ticks.length >= 4 && b.ticks.length <= 8);
    const c = niceAxis(-0.3, 2.2);
    assert.ok(c.ticks.includes(0));
  });

  it('gives a degenerate or empty range a scale', () => {
    const a = niceAxis(5, 5);
    assert.ok(a.lo < 5 && a.hi > 5);
    const b = niceAxis(Infinity, -Infinity);
    assert.deepEqual([b.lo, b.hi], [0, 1]);
  });

  it('labels 2.5-steps with enough decimals and tiny values in exponent form', () => {
    const a = niceAxis(0, 0.1, 4);
    assert.deepEqual(a.ticks.map((t) => tickLabel(t, a)), ['0', '0.025', '0.050', '0.075', '0.100']);
    const b = niceAxis(0, 3e-8);
    assert.match(tickLabel(b.ticks[1], b), /e-/);
  });
});

describe('tag and esc', () => {
  it('escape text and attributes and leave out undefined attributes', () => {
    assert.equal(esc(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    assert.equal(tag('g', { a: 1, b: undefined, c: 'x"y' }, ['<i/>']), '<g a="1" c="x&quot;y"><i/></g>');
    assert.equal(tag('rect', { x: 0 }), '<rect x="0"/>');
  });
});
