import { parse } from 'csv-parse/sync';
import { XMLParser } from 'fast-xml-parser';
import { SETTINGS } from './support';
import { csvText, renderCsv } from '../../../lambda/chargeback-report/csv';
import { emfDocuments } from '../../../lambda/chargeback-report/emf';
import { barWidth, CHART_BAR_WIDTH, CHART_MAX_BARS, chartLines, escapeHtml, renderChart, renderHtml } from '../../../lambda/chargeback-report/html';
import { planReport } from '../../../lambda/chargeback-report/periods';
import { buildReport } from '../../../lambda/chargeback-report/report-builder';
import { SUBJECT_MAX_LENGTH, summaryMessage, summarySubject } from '../../../lambda/chargeback-report/summary';
import { CostQueryResult } from '../../../lambda/shared/cost-query';
import { ReportDocument } from '../../../src/contracts/chargeback-report';

const result = (groups: Array<[string[], number]>, estimated = false): CostQueryResult =>
  ({ groups: groups.map(([keys, amount]) => ({ keys, amount })), accountNames: new Map(), estimated, currency: 'USD', requests: 1 });

/** Cost centers a hostile or careless tagger could write: Bedrock's tag pattern allows = + - @ and spaces. */
const HOSTILE = ['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', 'a, b', 'say "hi"', '<script>alert(1)</script>'];

function report(groups: Array<[string, number]>, previous: Array<[string, number]> = [], settings = {}): ReportDocument {
  const s = { ...SETTINGS, byLinkedAccount: false, principalTagKey: undefined, knownCostCenters: undefined, ...settings };
  return buildReport(planReport({ period: 'previousMonth' }, new Date('2026-12-02T00:00:00Z')), s, {
    current: result(groups.map(([cc, a]) => [[`dept$${cc}`], a]), true),
    previous: result(previous.map(([cc, a]) => [[`dept$${cc}`], a])),
  }, new Date('2026-12-02T08:00:00Z'));
}

describe('CSV (RFC 4180)', () => {
  test('a real parser reads back every value; formulas are defused; CRLF line ends; amounts in cents', () => {
    // '<script>…' and 'say "hi"' are not valid tag values for the API, but the CSV must not care
    const doc = report(HOSTILE.map((cc, i) => [cc, 10 * (i + 1)] as [string, number]), [['-2', 5]]);
    const text = renderCsv(doc, false);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(HOSTILE.length + 2);
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0])).toEqual(['period_start', 'period_end', 'tag_key', 'cost_center', 'amount', 'currency', 'previous_amount',
      'change', 'change_percent', 'share_percent', 'estimated', 'metric']);
    const byName = new Map(rows.map((r) => [r.cost_center, r]));
    expect(byName.get("'=HYPERLINK(\"http://x\")")!.amount).toBe('10.00');
    expect(byName.get("'+1")).toBeDefined();
    expect(byName.get("'@SUM(A1)")).toBeDefined();
    expect(byName.get('a, b')).toBeDefined();
    expect(byName.get('say "hi"')).toBeDefined();
    // a negative number stays a number
    expect(byName.get("'-2")).toMatchObject({ amount: '30.00', previous_amount: '5.00', change: '25.00', change_percent: '500.00' });
    expect(byName.get('a, b')).toMatchObject({ period_start: '2026-11-01', period_end: '2026-12-01', tag_key: 'dept', estimated: 'true', metric: 'NetUnblendedCost' });
    for (const r of rows) expect(r.cost_center).not.toMatch(/^[=+\-@]/);
    const legacy = report([['claims', 1]], [['legacy', 12.345]]);
    const legacyRow = (parse(renderCsv(legacy, false), { columns: true }) as Array<Record<string, string>>).find((r) => r.cost_center === 'legacy')!;
    expect(legacyRow).toMatchObject({ amount: '0.00', previous_amount: '12.35', change: '-12.35', change_percent: '-100.00' });
  });

  test('csvText: quotes only what needs quoting', () => {
    expect(csvText('claims')).toBe('claims');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('a"b')).toBe('"a""b"');
    expect(csvText('a\r\nb')).toBe('"a\r\nb"');
    expect(csvText('=1+1')).toBe("'=1+1");
    expect(csvText('\tx')).toBe("'\tx");
  });

  test('with linked accounts: a row per account, with its name', () => {
    const doc = {
      ...report([['claims', 10]]),
      costCenters: [{
        ...report([['claims', 10]]).costCenters[0],
        accounts: [
          { accountId: '111111111111', accountName: 'prod, EU', amount: 7 }, { accountId: '222222222222', amount: 3 },
        ],
      }],
    };
    const rows = parse(renderCsv(doc, true), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.cost_center, r.linked_account, r.linked_account_name, r.amount, r.share_percent]))
      .toEqual([['claims', '111111111111', 'prod, EU', '7.00', '70.00'], ['claims', '222222222222', '', '3.00', '30.00']]);
  });
});

describe('HTML page', () => {
  const svgOf = (html: string) => html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['g', 'rect', 'text'].includes(name) });
  const bars = (svg: string) => {
    const doc = parser.parse(svg);
    return (doc.svg.g as Array<{ rect: Array<Record<string, string>> }>).flatMap((g) => g.rect).filter((r) => r['data-period']);
  };

  test('the SVG is well-formed XML and each bar is as long as its amount (longest bar = the largest amount, this or last period)', () => {
    const doc = report([['claims', 750.12], ['underwriting', 237.38], ['', 12.5]], [['claims', 500], ['legacy', 800]]);
    const rects = bars(svgOf(renderHtml(doc)));
    const max = 800;
    for (const r of rects) {
      expect(Number(r.width)).toBeCloseTo((Number(r['data-amount']) / max) * CHART_BAR_WIDTH, 1);
    }
    const current = rects.filter((r) => r['data-period'] === 'current').map((r) => [r['data-cost-center'], Number(r['data-amount'])]);
    expect(current).toEqual(doc.costCenters.map((l) => [l.costCenter, l.amount]));
    expect(rects.find((r) => r['data-cost-center'] === 'legacy' && r['data-period'] === 'previous')!.width).toBe(String(CHART_BAR_WIDTH));
  });

  test('many cost centers: the largest ones, then one bar for the rest; unattributed stays separate', () => {
    const many = Array.from({ length: 40 }, (_, i) => [`team-${String(i).padStart(2, '0')}`, 100 - i] as [string, number]);
    const doc = report([...many, ['', 3]]);
    const lines = chartLines(doc);
    expect(lines).toHaveLength(CHART_MAX_BARS);
    expect(lines[CHART_MAX_BARS - 2].costCenter).toBe('17 other cost centers');
    expect(lines[CHART_MAX_BARS - 2].amount).toBe(many.slice(23).reduce((a, [, v]) => a + v, 0));
    expect(lines[CHART_MAX_BARS - 1].costCenter).toBe('(unattributed)');
    expect(bars(renderChart(doc))).toHaveLength(2 * CHART_MAX_BARS);
  });

  test('escapes every value; no scripts, no external resources; the headline figures', () => {
    const doc = report(HOSTILE.map((cc) => [cc, 1] as [string, number]));
    const html = renderHtml(doc, { billingScope: 'SERVICE in ("Amazon Bedrock")' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/(src|href)=/);
    expect(html).toContain('<span class="badge estimated">Estimated</span>');
    expect(html).toContain('<div class="v" id="total">$7.00</div>');
    expect(html).toContain('SERVICE in (&quot;Amazon Bedrock&quot;)');
    expect(() => parser.parse(svgOf(html))).not.toThrow();
    expect(escapeHtml('<a href="x">\'&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  test('the amount and change labels start after the longer of the two bars (never over one)', () => {
    const doc = report([['claims', 100], ['underwriting', 20]], [['claims', 50], ['underwriting', 90]]);
    type Row = { rect: Array<Record<string, string>>; text: Array<Record<string, string>> };
    const rows = (parser.parse(renderChart(doc)).svg.g as Row[]).slice(1);
    for (const row of rows) {
      const end = Math.max(...row.rect.map((r) => Number(r.x) + Number(r.width)));
      const labels = row.text.filter((t) => t.class !== 'label');
      expect(labels).toHaveLength(2);
      for (const t of labels) expect(Number(t.x)).toBeGreaterThan(end);
    }
  });

  test('bar widths: zero and negative amounts draw nothing', () => {
    expect(barWidth(0, 10)).toBe(0);
    expect(barWidth(-5, 10)).toBe(0);
    expect(barWidth(5, 0)).toBe(0);
    expect(barWidth(5, 10)).toBe(CHART_BAR_WIDTH / 2);
  });
});

describe('SNS summary', () => {
  test('subject: ASCII, under 100 characters, the long name shortened, never the period or total', () => {
    const doc = { ...report([['claims', 1234.5]]), reportName: `Chargeback — ${'x'.repeat(150)}` };
    const subject = summarySubject(doc, '2026-11');
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX_LENGTH);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.endsWith('2026-11: USD 1,234.50 (estimated)')).toBe(true);
    expect(subject).toContain('Chargeback ? xxx');
  });

  test('message: total and change, the top cost centers, the unattributed share, where the report is', () => {
    const doc = report([['claims', 600], ['underwriting', 300], ['fraud', 50], ['', 50]], [['claims', 400]]);
    const message = summaryMessage(doc, { bucket: 'b', keys: { csv: 'r/x.csv', json: 'r/x.json', html: 'r/x.html' }, region: 'eu-west-1' }, 2);
    expect(message).toContain('Status: ESTIMATED');
    expect(message).toContain('Total: USD 1,000.00 (+150.0% against USD 400.00 in 2026-10-01 to 2026-11-01)');
    expect(message).toContain('Unattributed (no dept tag): USD 50.00, 5.0% of the total');
    expect(message).toContain('Top 2 cost centers:\n  1. claims: USD 600.00 (60.0%; +50.0%)\n  2. underwriting: USD 300.00 (30.0%; new)\n\n');
    expect(message).toContain('s3://b/r/x.html');
    expect(message).toContain('https://eu-west-1.console.aws.amazon.com/s3/object/b?region=eu-west-1&prefix=r%2Fx.html');
  });
});

describe('metrics (embedded metric format)', () => {
  test('one document per cost center and one for the totals, as the EMF specification shapes them', () => {
    const doc = report([['claims', 600], ['', 50]], [], { knownCostCenters: ['claims', 'fraud'] });
    const lines = emfDocuments(doc, 'Ns', 1764576000000).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(l._aws.Timestamp).toBe(1764576000000);
      const [directive] = l._aws.CloudWatchMetrics;
      expect(directive.Namespace).toBe('Ns');
      // every dimension and metric named in the directive is a top-level member
      for (const d of directive.Dimensions[0]) expect(typeof l[d]).toBe('string');
      for (const m of directive.Metrics) expect(typeof l[m.Name]).toBe('number');
    }
    expect(lines.slice(0, 3).map((l) => [l.CostCenter, l.BilledCost, l.Period, l.TagKey, l.Report])).toEqual([
      ['claims', 600, 'month', 'dept', 'Bedrock chargeback'], ['fraud', 0, 'month', 'dept', 'Bedrock chargeback'], ['(unattributed)', 50, 'month', 'dept', 'Bedrock chargeback'],
    ]);
    expect(lines[3]).toMatchObject({ BilledCostTotal: 650, Period: 'month' });
    expect(lines[3].UnattributedPercent).toBeCloseTo((50 / 650) * 100, 6);
    expect(lines[3]._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'BilledCostTotal', Unit: 'None' }, { Name: 'UnattributedPercent', Unit: 'Percent' }]);
  });
});
