/**
 * report.html: one self-contained page with the comparison table, the headline comparison, every plot
 * inlined as SVG, and the per-run details. No scripts, stylesheets, fonts or images are fetched (no URL
 * at all), so it opens offline and can be mailed as one file. The markup is also well-formed XML.
 */
import { overBudget, type MetricsFile } from './metrics-json.js';
import { abnormalRuns, comparisonSentence, comparisonTable, overBudgetNotes, reportNotes } from './markdown.js';
import type { Plot } from './plots.js';
import { renderChart } from './svg/chart.js';
import { esc, tag } from './svg/xml.js';
import { fmt } from './text-table.js';

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #222;
  margin: 24px auto; max-width: 1240px; padding: 0 16px; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.meta { color: #666; margin-top: 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.86em; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ddd; padding: 4px 6px; white-space: nowrap; }
th { background: #f3f3f3; text-align: left; white-space: normal; vertical-align: bottom; }
.sd { display: block; color: #777; font-size: 0.9em; }
td.num { text-align: right; }
tr.headline td { background: #eef6ff; font-weight: 600; }
tr.reference td { background: #f7f7f7; }
tr.over-budget td { color: #8a3b00; }
code { background: #f3f3f3; padding: 0 3px; border-radius: 3px; }
.warning { color: #8a3b00; }
.headline-note { background: #eef6ff; border-left: 4px solid #0072B2; padding: 8px 12px; }
figure { margin: 18px 0 28px; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: 0.92em; max-width: 860px; }
`;

/** Markdown-style `code` spans → <code>, everything else escaped. */
function inline(text: string): string {
  return text
    .split('`')
    .map((part, k) => (k % 2 === 1 ? tag('code', {}, esc(part)) : esc(part)))
    .join('');
}

/** "m ± s" → the mean with the std on a second, quieter line, so the wide table fits a page. */
function meanStd(v: string): string {
  const k = v.indexOf(' ± ');
  return k < 0 ? esc(v) : `${esc(v.slice(0, k))}${tag('span', { class: 'sd' }, esc(v.slice(k + 1)))}`;
}

function table(header: string[], rows: string[][], rowClass: (row: string[]) => string | undefined): string {
  const numeric = (v: string): boolean => /^[−+-]?[\d.]/.test(v) || v === '–';
  return tag('div', { class: 'scroll' }, tag('table', {}, [
    tag('thead', {}, tag('tr', {}, header.map((h) => tag('th', {}, esc(h))))),
    tag('tbody', {}, rows.map((r) => tag('tr', { class: rowClass(r) }, r.map((v, k) => tag('td', { class: k > 2 && numeric(v) ? 'num' : undefined }, meanStd(v)))))),
  ]));
}

function runsTable(m: MetricsFile): string {
  const header = ['method', 'seed', 'epochs', 'best epoch', 'stopped', 'train s', 'λ*', 'EOM revenue', 'EOM cost'];
  const rows = m.runs.map((r) => [
    r.method,
    String(r.seed),
    r.train ? String(r.train.epochs_run) : '–',
    r.train ? String(r.train.best_epoch) : '–',
    r.train?.stopped ?? '–',
    r.train ? r.train.seconds.toFixed(1) : '–',
    fmt(r.lambda),
    fmt(r.eom_revenue),
    fmt(r.eom_cost),
  ]);
  return table(header, rows, () => undefined);
}

/** The whole page. */
export function htmlReport(m: MetricsFile, plots: readonly Plot[]): string {
  const { header, rows } = comparisonTable(m);
  const c = m.comparison;
  const over = new Set(m.summary.filter((s) => overBudget(s, m.budget.per_capita)).map((s) => s.method));
  const rowClass = (r: string[]): string | undefined =>
    c && r[0] === c.method ? 'headline' : r[0] === m.reference ? 'reference' : over.has(r[0]) ? 'over-budget' : undefined;
  const sentence = comparisonSentence(m);
  const abnormal = abnormalRuns(m);
  const overNotes = overBudgetNotes(m);
  const body = [
    tag('h1', {}, esc(m.name)),
    tag('p', { class: 'meta' }, esc(`bidfcl evaluation, ${m.created}; ${m.runs.length} trained models, ${m.summary.length} methods.`)),
    tag('h2', {}, 'Comparison'),
    ...reportNotes(m).map((n) => tag('p', {}, inline(n))),
    table(header, rows, rowClass),
    ...(overNotes.length
      ? [tag('p', { class: 'warning' }, 'Over budget on the test rows (left out of the headline comparison):'), tag('ul', { class: 'warning' }, overNotes.map((l) => tag('li', {}, esc(l))))]
      : []),
    ...(sentence ? [tag('p', { class: 'headline-note' }, inline(sentence))] : []),
    ...(abnormal.length ? [tag('p', {}, 'Runs that did not finish normally:'), tag('ul', {}, abnormal.map((l) => tag('li', {}, esc(l))))] : []),
    tag('h2', {}, 'Plots'),
    ...plots.map((p) =>
      tag('figure', { id: `plot-${p.name}` }, [renderChart(p.chart, { standalone: false }), tag('figcaption', {}, `${tag('b', {}, esc(p.title))}. ${esc(p.caption)} (also ${tag('code', {}, esc(`plots/${p.name}.svg`))})`)]),
    ),
    tag('h2', {}, 'Runs'),
    runsTable(m),
  ];
  return (
    '<!DOCTYPE html>\n' +
    tag('html', { lang: 'en' }, [
      tag('head', {}, [
        tag('meta', { charset: 'utf-8' }),
        tag('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
        tag('title', {}, esc(`${m.name} — bidfcl report`)),
        tag('style', {}, STYLE),
      ]),
      tag('body', {}, body),
    ]) +
    '\n'
  );
}
