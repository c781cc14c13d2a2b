/** report.md: the method × metric table (mean ± std over seeds, normalised to TSM-SL on RCT). */
import type { MetricsFile, MethodSummary, SummaryMetric } from './metrics-json.js';
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
  cols.push({ title: 'sweep area (EOM)', metric: 'sweep_area_eom' });
  if (has('sweep_area_true')) cols.push({ title: 'sweep area (true)', metric: 'sweep_area_true' });
  if (has('aucc')) cols.push({ title: 'AUCC', metric: 'aucc' }, { title: 'AUUC', metric: 'auuc' });
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

/** The comparison table as aligned text (for the terminal). */
export function summaryTable(m: MetricsFile): string {
  const cols = columns(m);
  return textTable(
    ['method', 'data', 'seeds', ...cols.map((c) => c.title)],
    m.summary.map((s) => [s.method, s.data, String(s.seeds), ...cols.map((c) => cell(s, c))]),
  );
}

/** The whole report.md. */
export function markdownReport(m: MetricsFile): string {
  const cols = columns(m);
  const header = ['method', 'data', 'seeds', ...cols.map((c) => c.title)];
  const rows = m.summary.map((s) => [s.method, s.data, String(s.seeds), ...cols.map((c) => cell(s, c))]);
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  const budget = m.budget.per_capita.map((b) => fmt(b)).join(', ');
  const ref = m.reference ? `Relative columns divide each mean by the mean of \`${m.reference}\` (TSM-SL on RCT = 1.0000).` : 'No TSM-SL-on-RCT method ran, so there are no relative columns.';
  const notes = m.runs
    .filter((r) => r.train && r.train.stopped !== 'completed' && r.train.stopped !== 'early-stopping')
    .map((r) => `- ${r.method} seed ${r.seed}: ${r.train!.stopped}${r.train!.error ? ` (${r.train!.error})` : ''}`);
  return `# ${m.name}

Test split: \`${m.test_file}\`. Budget per capita: ${budget}. Mean ± standard deviation over seeds.
EOM is the IPW estimate of per-capita revenue and cost of the model's budgeted policy on the RCT test rows;
true values come from the stored potential outcomes (synthetic data only), regret = oracle − true revenue.
The sweep area is the average EOM (or true) revenue over the budget fractions ${m.sweep_fractions.join(', ')}.
${ref}

${table}
${notes.length ? `\nRuns that did not finish normally:\n${notes.join('\n')}\n` : ''}`;
}
