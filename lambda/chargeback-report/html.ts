import { CostCenterLine, ReportDocument, UNATTRIBUTED } from '../../src/contracts/chargeback-report';

/** Bars drawn before the rest of the cost centers are summed into one "others" bar. */
export const CHART_MAX_BARS = 25;
/** Width of the longest bar, in SVG user units. */
export const CHART_BAR_WIDTH = 520;
const LABEL_WIDTH = 190;
const ROW_HEIGHT = 34;
const VALUE_WIDTH = 190;

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

const money = (n: number, currency: string): string =>
  `${n < 0 ? '−' : ''}${currency === 'USD' ? '$' : `${currency} `}${Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const signedPct = (r: number | null): string => (r === null ? 'new' : `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r * 100).toFixed(1)}%`);

/** The bars of the chart: the largest cost centers, the rest as one line, unattributed last. */
export function chartLines(report: ReportDocument): CostCenterLine[] {
  const attributed = report.costCenters.filter((l) => l.costCenter !== UNATTRIBUTED);
  const unattributed = report.costCenters.filter((l) => l.costCenter === UNATTRIBUTED && (l.amount !== 0 || l.previousAmount !== 0));
  const room = CHART_MAX_BARS - unattributed.length;
  if (attributed.length <= room) return [...attributed, ...unattributed];
  const shown = attributed.slice(0, room - 1);
  const rest = attributed.slice(room - 1);
  const amount = rest.reduce((a, l) => a + l.amount, 0);
  const previousAmount = rest.reduce((a, l) => a + l.previousAmount, 0);
  const others: CostCenterLine = {
    costCenter: `${rest.length} other cost centers`,
    amount,
    share: report.total.amount === 0 ? null : amount / report.total.amount,
    previousAmount,
    change: amount - previousAmount,
    changeRatio: previousAmount === 0 ? null : (amount - previousAmount) / previousAmount,
  };
  return [...shown, others, ...unattributed];
}

/** Width of a bar of `amount` when the longest bar is `max`. */
export const barWidth = (amount: number, max: number): number =>
  (max <= 0 || amount <= 0 ? 0 : Math.round((amount / max) * CHART_BAR_WIDTH * 100) / 100);

/**
 * A horizontal bar chart of cost per cost center, this period (dark) above the previous period
 * (light), with the amount and the change at the end of each row. Every bar carries
 * `data-cost-center`, `data-period` (current|previous) and `data-amount`, so a test (or a reader's
 * tool) can check the drawing against the numbers.
 */
export function renderChart(report: ReportDocument): string {
  const lines = chartLines(report);
  const max = Math.max(0, ...lines.flatMap((l) => [l.amount, l.previousAmount]));
  const height = Math.max(1, lines.length) * ROW_HEIGHT + 30;
  const width = LABEL_WIDTH + CHART_BAR_WIDTH + VALUE_WIDTH;
  const rows = lines.map((line, i) => {
    const y = 24 + i * ROW_HEIGHT;
    const name = escapeHtml(line.costCenter);
    const unattributed = line.costCenter === UNATTRIBUTED;
    const change = line.change > 0 ? 'up' : line.change < 0 ? 'down' : 'flat';
    // the labels start after the longer of the two bars, so that neither covers the other
    const labelX = LABEL_WIDTH + Math.max(barWidth(line.amount, max), barWidth(line.previousAmount, max)) + 6;
    return `<g class="row${unattributed ? ' unattributed' : ''}">`
      + `<text x="${LABEL_WIDTH - 8}" y="${y + 13}" text-anchor="end" class="label">${name}</text>`
      + `<rect class="bar current" x="${LABEL_WIDTH}" y="${y}" height="16" width="${barWidth(line.amount, max)}" data-cost-center="${name}" data-period="current" data-amount="${line.amount}"><title>${name}: ${escapeHtml(money(line.amount, report.currency))}</title></rect>`
      + `<rect class="bar previous" x="${LABEL_WIDTH}" y="${y + 18}" height="8" width="${barWidth(line.previousAmount, max)}" data-cost-center="${name}" data-period="previous" data-amount="${line.previousAmount}"><title>${name}, previous period: ${escapeHtml(money(line.previousAmount, report.currency))}</title></rect>`
      + `<text x="${labelX}" y="${y + 13}" class="value">${escapeHtml(money(line.amount, report.currency))}</text>`
      + `<text x="${labelX}" y="${y + 27}" class="change ${change}">${escapeHtml(signedPct(line.changeRatio))}</text>`
      + '</g>';
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height}" width="100%" class="chart">`
    + `<title id="chart-title">Cost per cost center, ${escapeHtml(report.period.start)} to ${escapeHtml(report.period.end)}, against the previous period</title>`
    + `<g class="legend"><rect x="${LABEL_WIDTH}" y="2" width="12" height="12" class="bar current"/><text x="${LABEL_WIDTH + 18}" y="12" class="legend-text">this period</text>`
    + `<rect x="${LABEL_WIDTH + 110}" y="5" width="12" height="6" class="bar previous"/><text x="${LABEL_WIDTH + 128}" y="12" class="legend-text">previous period</text></g>`
    + rows.join('')
    + '</svg>';
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:0;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:28px 24px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 10px}
.sub{color:#5b6470;margin:0 0 20px}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600;vertical-align:middle}
.badge.estimated{background:#fff3cd;color:#7a5b00}.badge.final{background:#d8f3e0;color:#1d6b36}
.cards{display:flex;gap:14px;flex-wrap:wrap}
.card{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:14px 18px;min-width:190px;flex:1}
.card .k{color:#5b6470;font-size:13px}.card .v{font-size:24px;font-weight:650;margin-top:2px}.card .d{font-size:13px;color:#5b6470}
.panel{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:16px}
.chart .label{font-size:13px;fill:#1b1f24}.chart .value{font-size:12px;font-weight:600;fill:#1b1f24}
.chart .change{font-size:11px;fill:#5b6470}.chart .change.up{fill:#b42318}.chart .change.down{fill:#1d6b36}
.chart .legend-text{font-size:11px;fill:#5b6470}
.bar.current{fill:#2f5da8}.bar.previous{fill:#b9c6dc}.unattributed .bar.current{fill:#b7791f}
table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}
th,td{padding:7px 10px;border-bottom:1px solid #eceef1;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f0f2f5;font-weight:600}td.up{color:#b42318}td.down{color:#1d6b36}
.note{color:#5b6470;font-size:13px}`;

function row(cells: string[], cls: string[] = []): string {
  return `<tr>${cells.map((c, i) => `<td${cls[i] ? ` class="${cls[i]}"` : ''}>${c}</td>`).join('')}</tr>`;
}

/**
 * `chargeback.html`: one self-contained page (inline CSS and SVG, no scripts, no external
 * resources) with the headline figures, the chart, the table of every cost center and, when
 * asked, the IAM principal attribution.
 */
export function renderHtml(report: ReportDocument, context: { billingScope?: string } = {}): string {
  const c = report.currency;
  const e = escapeHtml;
  const status = report.estimated
    ? '<span class="badge estimated">Estimated</span>'
    : '<span class="badge final">Final</span>';
  const changeClass = (n: number) => (n > 0 ? 'up' : n < 0 ? 'down' : '');
  const table = report.costCenters.map((l) => row(
    [e(l.costCenter) + (l.inSchema === false ? ' <span class="note">(not in the tag schema)</span>' : ''),
      e(money(l.amount, c)), e(pct(l.share)), e(money(l.previousAmount, c)), e(money(l.change, c)), e(signedPct(l.changeRatio))],
    ['', '', '', '', changeClass(l.change), changeClass(l.change)],
  )).join('');
  const principal = report.principalAttribution;
  const principalSection = principal ? `<h2>Attribution by IAM principal tag <code>${e(principal.tagKey)}</code></h2>
<div class="panel"><table><thead><tr><th>attributed by</th><th>amount</th><th>share</th></tr></thead><tbody>
${row(['profile tags and principal tags', e(money(principal.attribution.both.amount, c)), e(pct(principal.attribution.both.share))])}
${row(['profile tags only', e(money(principal.attribution.profileTagsOnly.amount, c)), e(pct(principal.attribution.profileTagsOnly.share))])}
${row(['principal tags only', e(money(principal.attribution.principalTagsOnly.amount, c)), e(pct(principal.attribution.principalTagsOnly.share))])}
${row(['neither', e(money(principal.attribution.neither.amount, c)), e(pct(principal.attribution.neither.share))])}
</tbody></table>
<table style="margin-top:14px"><thead><tr><th>${e(principal.tagKey)}</th><th>amount</th><th>share</th></tr></thead><tbody>
${principal.byPrincipalTag.map((p) => row([e(p.value), e(money(p.amount, c)), e(pct(p.share))])).join('')}
</tbody></table></div>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(report.reportName)} — ${e(report.period.start)} to ${e(report.period.end)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${e(report.reportName)} ${status}</h1>
<p class="sub">Amazon Bedrock spend by <code>${e(report.tagKey)}</code>, ${e(report.period.start)} to ${e(report.period.end)} (end exclusive, UTC), against ${e(report.previousPeriod.start)} to ${e(report.previousPeriod.end)}.</p>
<div class="cards">
<div class="card"><div class="k">Total</div><div class="v" id="total">${e(money(report.total.amount, c))}</div><div class="d">${e(signedPct(report.total.changeRatio))} against ${e(money(report.total.previousAmount, c))}</div></div>
<div class="card"><div class="k">Unattributed</div><div class="v" id="unattributed">${e(pct(report.unattributed.share))}</div><div class="d">${e(money(report.unattributed.amount, c))} without a <code>${e(report.tagKey)}</code> tag</div></div>
<div class="card"><div class="k">Cost centers with spend</div><div class="v">${report.costCenters.filter((l) => l.costCenter !== UNATTRIBUTED && l.amount !== 0).length}</div><div class="d">of ${report.costCenters.filter((l) => l.costCenter !== UNATTRIBUTED).length} listed</div></div>
</div>
<h2>Cost per cost center</h2>
<div class="panel">${renderChart(report)}</div>
<h2>All cost centers</h2>
<table><thead><tr><th>${e(report.tagKey)}</th><th>amount</th><th>share</th><th>previous period</th><th>change</th><th>change %</th></tr></thead><tbody>${table}</tbody></table>
${principalSection}
<p class="note">${report.estimated ? 'Cost Explorer marks these figures as estimated: the period is not closed yet, and the report is rewritten until it is. ' : ''}Metric: ${e(report.metric)}. ${context.billingScope ? `Scope: ${e(context.billingScope)}. ` : ''}Generated ${e(report.generatedAt)} from ${report.costExplorerRequests} Cost Explorer requests.</p>
</main></body></html>
`;
}
