/**
 * The comparison table (mean ± std over seeds, normalised to TSM-SL on RCT, the headline's bootstrap
 * interval) as one table model, rendered for report.md, the terminal and report.html.
 */
import { OVER_BUDGET_TOLERANCE, overBudget, type Comparison, type MetricsFile, type MethodSummary, type SummaryMetric } from './metrics-json.js';
import { fmt, textTable } from './text-table.js';

interface Column {
  title: string;
  metric: SummaryMetric;
  normalised?: boolean;
}

function columns(m: MetricsFile): Column[] {
  const has = (k: SummaryMetric): boolean => m.summary.some((s) => s.metrics[k] !== undefined);
  const cols: Column[] = [
    { title: 'EOM revenue', metric: 'eom_revenue' },
    { title: 'EOM rel.', metric: 'eom_revenue', normalised: true },
    { title: 'EOM cost', metric: 'eom_cost' },
  ];
  if (has('true_revenue')) {
    cols.push(
      { title: 'true revenue', metric: 'true_revenue' },
      { title: 'true rel.', metric: 'true_revenue', normalised: true },
      { title: 'true cost', metric: 'true_cost' },
      { title: 'regret', metric: 'regret' },
    );
  }
  cols.push({ title: 'sweep area (EOM)', metric: 'sweep_area_eom' }, { title: 'sweep rel.', metric: 'sweep_area_eom', normalised: true });
  if (has('sweep_area_true')) cols.push({ title: 'sweep area (true)', metric: 'sweep_area_true' });
  if (has('aucc')) cols.push({ title: 'AUCC', metric: 'aucc' }, { title: 'AUCC rel.', metric: 'aucc', normalised: true }, { title: 'AUUC', metric: 'auuc' });
  return cols;
}

function cell(s: MethodSummary, c: Column): string {
  if (c.normalised) {
    const v = s.normalised[c.metric];
    return v === undefined ? '–' : v.toFixed(4);
  }
  const v = s.metrics[c.metric];
  return v === undefined ? '–' : `${fmt(v.mean)} ± ${fmt(v.std)}`;
}

function percent(v: number): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(2)}%`;
}

/** "+1.23% [−0.40%, +2.71%]": the relative EOM difference with its interval. */
export function relativeInterval(c: Comparison): string {
  return `${percent(c.relative.estimate)} [${percent(c.relative.low)}, ${percent(c.relative.high)}]`;
}

/** Header and rows of the comparison table; the CI column appears when metrics.json has a comparison. */
export function comparisonTable(m: MetricsFile): { header: string[]; rows: string[][] } {
  const cols = columns(m);
  const c = m.comparison;
  const ciTitle = c ? `EOM vs ref. (${Math.round(100 * c.level)}% CI)` : '';
  // The interval sits right after "EOM rel.", the number it qualifies.
  const at = cols.findIndex((k) => k.metric === 'eom_revenue' && k.normalised) + 1;
  const withCi = <T>(list: T[], ci: T): T[] => (c ? [...list.slice(0, at), ci, ...list.slice(at)] : list);
  const header = ['method', 'data', 'seeds', ...withCi(cols.map((k) => k.title), ciTitle)];
  const rows = m.summary.map((s) => {
    const ci = !c ? '' : s.method === c.method ? relativeInterval(c) : s.method === c.reference ? 'reference' : '–';
    return [s.method, s.data, String(s.seeds), ...withCi(cols.map((k) => cell(s, k)), ci)];
  });
  return { header, rows };
}

/** One sentence on the headline comparison, or '' when there is none. */
export function comparisonSentence(m: MetricsFile): string {
  const c = m.comparison;
  if (!c) return '';
  const d = c.difference;
  const verdict = d.low > 0 ? 'better than' : d.high < 0 ? 'worse than' : 'not distinguishable from';
  return (
    `Headline: \`${c.method}\` (best mean EOM revenue within budget) vs \`${c.reference}\`: EOM revenue difference ${fmt(d.estimate)} ` +
    `(${Math.round(100 * c.level)}% CI ${fmt(d.low)} … ${fmt(d.high)}), relative ${relativeInterval(c)} — ${verdict} the reference ` +
    `at this level. Paired bootstrap over the ${c.test_rows} test rows (${c.resamples} resamples, seed ${c.seed}); each ` +
    `model's policy is fixed at its full-test λ*, EOM averaged over seeds and budget levels as in the table; the interval ` +
    `covers test-set noise only (training noise is the ± std), and picking the best method on the same test set favours it.`
  );
}

/** Methods whose policy spent more than the budget on the test rows, one line each. */
export function overBudgetNotes(m: MetricsFile): string[] {
  const budget = m.budget.per_capita.reduce((a, b) => a + b, 0) / m.budget.per_capita.length;
  return m.summary
    .filter((s) => overBudget(s, m.budget.per_capita))
    .map(
      (s) =>
        `${s.method} spends ${fmt(s.metrics.eom_cost!.mean)} per capita, more than the budget ${fmt(budget)} ` +
        `(+${(100 * (s.metrics.eom_cost!.mean / budget - 1)).toFixed(1)}%): its revenue is not comparable`,
    );
}

function overBudgetParagraph(m: MetricsFile): string {
  const lines = overBudgetNotes(m);
  if (lines.length === 0) return '';
  return (
    `Over budget (mean EOM cost on the test rows more than ${100 * OVER_BUDGET_TOLERANCE}% above the budget at Algorithm A's λ*; ` +
    `left out of the headline):\n${lines.map((l) => `- ${l}`).join('\n')}`
  );
}

/** The comparison table as aligned text (for the terminal), with the warnings and headline below it. */
export function summaryTable(m: MetricsFile): string {
  const { header, rows } = comparisonTable(m);
  const after = [overBudgetParagraph(m), comparisonSentence(m)].filter((p) => p !== '');
  return [textTable(header, rows), ...after].join('\n\n');
}

/** Explanation of the table's metrics, shared by report.md and report.html (Markdown-style backticks). */
export function reportNotes(m: MetricsFile): string[] {
  const budget = m.budget.per_capita.map((b) => fmt(b)).join(', ');
  return [
    `Test split: \`${m.test_file}\`. Budget per capita: ${budget}. Mean ± standard deviation over seeds.`,
    'EOM is the IPW estimate of per-capita revenue and cost of the model’s budgeted policy on the RCT test rows; ' +
      'true values come from the stored potential outcomes (synthetic data only), regret = oracle − true revenue.',
    `The sweep area is the average EOM (or true) revenue over the budget fractions ${m.sweep_fractions.join(', ')}.` +
      (m.summary.some((s) => s.metrics.aucc !== undefined) ? ' AUCC (Q = 200) and AUUC (Qini area for revenue) rank by predicted ROI and uplift.' : ''),
    m.reference
      ? `Relative columns divide each mean by the mean of \`${m.reference}\` (TSM-SL on RCT = 1.0000).`
      : 'No TSM-SL-on-RCT method ran, so there are no relative columns and no headline comparison.',
  ];
}

/** Runs that stopped abnormally, one line each. */
export function abnormalRuns(m: MetricsFile): string[] {
  return m.runs
    .filter((r) => r.train && r.train.stopped !== 'completed' && r.train.stopped !== 'early-stopping')
    .map((r) => `${r.method} seed ${r.seed}: ${r.train!.stopped}${r.train!.error ? ` (${r.train!.error})` : ''}`);
}

/** The whole report.md; `plots` are file names under plots/ to link. */
export function markdownReport(m: MetricsFile, plots: readonly { name: string; title: string }[] = []): string {
  const { header, rows } = comparisonTable(m);
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const notes = abnormalRuns(m).map((l) => `- ${l}`);
  const sentence = comparisonSentence(m);
  const over = overBudgetParagraph(m);
  const figures = plots.map((p) => `![${p.title}](plots/${p.name}.svg)`);
  return `# ${m.name}

${reportNotes(m).join('\n')}

${table}
${over ? `\n${over}\n` : ''}${sentence ? `\n${sentence}\n` : ''}${notes.length ? `\nRuns that did not finish normally:\n${notes.join('\n')}\n` : ''}${
    figures.length ? `\n## Plots\n\n${figures.join('\n\n')}\n\nThe same table and plots, in one file: \`report.html\`.\n` : ''
  }`;
}
