import { parse } from 'csv-parse/sync';
import {
  MID_OCTOBER_TO_MID_NOVEMBER, NO_SPEND, NOVEMBER_BY_ACCOUNT, NOVEMBER_BY_PRINCIPAL, OCTOBER_BY_ACCOUNT, recordedCostExplorer,
} from './recorded-answers';
import { schemaErrors } from './report-schema';
import { memoryContext } from './support';
import { runReport } from '../../../lambda/chargeback-report/run';
import { ReportDocument } from '../../../src/contracts/chargeback-report';
import { bedrockBillingScope } from '../../../src/util/cost-filter';

const BY_ACCOUNT = 'TAG:dept,DIMENSION:LINKED_ACCOUNT';
const november = () => recordedCostExplorer([
  { start: '2026-11-01', groupBy: BY_ACCOUNT, pages: NOVEMBER_BY_ACCOUNT },
  { start: '2026-10-01', groupBy: BY_ACCOUNT, pages: OCTOBER_BY_ACCOUNT },
  { start: '2026-11-01', groupBy: 'TAG:dept,TAG:iamPrincipal/dept', pages: NOVEMBER_BY_PRINCIPAL },
]);

async function novemberReport() {
  const ce = november();
  const run = memoryContext(ce, '2026-12-02T08:00:00Z');
  const outcome = await runReport({ period: 'previousMonth' }, run.ctx);
  const json = JSON.parse(run.objects.get('finance/reports/2026-11/chargeback.json')!.body) as ReportDocument;
  return { ce, run, outcome, json };
}

describe('runReport on recorded Cost Explorer answers', () => {
  test('a fixed number of queries, every page read, all with the Bedrock billing scope, MONTHLY, the metric', async () => {
    const { ce, outcome, json } = await novemberReport();
    // three queries (this month, last month, principals); the first has two pages
    expect(ce.requests.map((r) => [r.TimePeriod!.Start, r.GroupBy!.map((g) => g.Key).join(','), r.NextPageToken ?? ''])).toEqual([
      ['2026-11-01', 'dept,LINKED_ACCOUNT', ''],
      ['2026-11-01', 'dept,LINKED_ACCOUNT', 'page-2'],
      ['2026-10-01', 'dept,LINKED_ACCOUNT', ''],
      ['2026-11-01', 'dept,iamPrincipal/dept', ''],
    ]);
    for (const r of ce.requests) {
      expect(r).toMatchObject({ Granularity: 'MONTHLY', Metrics: ['NetUnblendedCost'], Filter: bedrockBillingScope() });
    }
    expect(outcome).toMatchObject({ status: 'written', costExplorerRequests: 4, estimated: true, total: 1000, currency: 'USD' });
    expect(json.costExplorerRequests).toBe(4);
  });

  test('the document conforms to the published JSON Schema (docs/chargeback-report.schema.json), which rejects what it should', async () => {
    const { json } = await novemberReport();
    expect(schemaErrors(json)).toEqual([]);
    const { costExplorerRequests: _dropped, ...missing } = json;
    expect(schemaErrors(missing)).toEqual(["/ must have required property 'costExplorerRequests'"]);
    expect(schemaErrors({ ...json, kind: 'weekly' })).toContain('/kind must be equal to one of the allowed values');
    expect(schemaErrors({ ...json, extra: 1 })).toContain('/ must NOT have additional properties');
  });

  test('totals, shares, change against the previous month, unattributed spend, linked accounts with names', async () => {
    const { json } = await novemberReport();
    expect(json).toMatchObject({
      schemaVersion: 1,
      kind: 'month',
      estimated: true,
      metric: 'NetUnblendedCost',
      currency: 'USD',
      tagKey: 'dept',
      period: { start: '2026-11-01', end: '2026-12-01' },
      previousPeriod: { start: '2026-10-01', end: '2026-11-01' },
      total: { amount: 1000, previousAmount: 540, change: 460 },
      unattributed: { amount: 12.5000000001, share: 0.0125000000 },
    });
    expect(json.total.changeRatio).toBeCloseTo(460 / 540, 9);
    expect(json.costCenters.map((l) => l.costCenter)).toEqual(['claims', 'underwriting', 'fraud', 'legacy', '(unattributed)']);
    const [claims, underwriting, fraud, legacy, unattributed] = json.costCenters;
    expect(claims).toEqual({
      costCenter: 'claims',
      amount: 750.1234567891,
      share: 0.7501234568,
      previousAmount: 500,
      change: 250.1234567891,
      changeRatio: 0.5002469136,
      inSchema: true,
      accounts: [{ accountId: '111111111111', accountName: 'claims-prod', amount: 600.1234567891 }, { accountId: '222222222222', accountName: 'shared-ml', amount: 150 }],
    });
    // new this month: no ratio against zero
    expect(underwriting).toMatchObject({ amount: 237.3765432108, previousAmount: 0, changeRatio: null, inSchema: true });
    // in the schema, no spend in either month: listed at zero
    expect(fraud).toMatchObject({ amount: 0, previousAmount: 0, change: 0, changeRatio: null, share: 0, inSchema: true, accounts: [] });
    // spend last month only, and a value the schema does not allow
    expect(legacy).toMatchObject({ amount: 0, previousAmount: 40, change: -40, changeRatio: -1, inSchema: false });
    expect(unattributed).toMatchObject({ amount: 12.5000000001, previousAmount: 0 });
    expect(unattributed.inSchema).toBeUndefined();
  });

  test('IAM principal attribution: by principal tag, and by profile tags, principal tags, both, neither', async () => {
    const { json } = await novemberReport();
    expect(json.principalAttribution).toEqual({
      tagKey: 'iamPrincipal/dept',
      byPrincipalTag: [
        { value: 'claims', amount: 610.1234567892, share: 0.6101234568 },
        { value: 'underwriting', amount: 237.3765432108, share: 0.2373765432 },
        { value: '(unattributed)', amount: 152.5, share: 0.1525 },
      ],
      attribution: {
        both: { amount: 837.4999999999, share: 0.8375 },
        profileTagsOnly: { amount: 150, share: 0.15 },
        principalTagsOnly: { amount: 10.0000000001, share: 0.01 },
        neither: { amount: 2.5, share: 0.0025 },
      },
    });
  });

  test('a period across two months sums each group over its months; a cost center that starts mid-period; estimated when any month is', async () => {
    const ce = recordedCostExplorer([
      { start: '2026-10-15', groupBy: 'TAG:dept', pages: MID_OCTOBER_TO_MID_NOVEMBER },
      { start: '2026-09-14', groupBy: 'TAG:dept', pages: NO_SPEND('2026-09-14', '2026-10-15') },
    ]);
    const run = memoryContext(ce, '2026-12-02T08:00:00Z', { byLinkedAccount: false, principalTagKey: undefined, knownCostCenters: undefined });
    const outcome = await runReport({ start: '2026-10-15', end: '2026-11-15' }, run.ctx);
    expect(outcome).toMatchObject({ status: 'written', estimated: true, total: 200, keys: { json: 'finance/reports/2026-10-15_2026-11-15/chargeback.json' } });
    const json = JSON.parse(run.objects.get('finance/reports/2026-10-15_2026-11-15/chargeback.json')!.body) as ReportDocument;
    expect(json.kind).toBe('custom');
    expect(json.costCenters.map((l) => [l.costCenter, l.amount, l.previousAmount, l.changeRatio])).toEqual([['claims', 180, 0, null], ['fraud', 20, 0, null]]);
    expect(json.costCenters[0].accounts).toBeUndefined();
    // no metrics and no summary for a period asked for by hand
    expect(run.metrics).toEqual([]);
    expect(run.messages).toEqual([]);
  });

  test('zero spend: a report with a total of zero, shares and ratios null, every known cost center at zero', async () => {
    const ce = recordedCostExplorer([
      { start: '2026-11-01', groupBy: 'TAG:dept', pages: NO_SPEND('2026-11-01', '2026-12-01') },
      { start: '2026-10-01', groupBy: 'TAG:dept', pages: NO_SPEND('2026-10-01', '2026-11-01') },
    ]);
    const run = memoryContext(ce, '2026-12-05T08:00:00Z', { byLinkedAccount: false, principalTagKey: undefined });
    await runReport({ period: 'previousMonth' }, run.ctx);
    const json = JSON.parse(run.objects.get('finance/reports/2026-11/chargeback.json')!.body) as ReportDocument;
    expect(json).toMatchObject({ estimated: false, total: { amount: 0, changeRatio: null }, unattributed: { amount: 0, share: null } });
    expect(json.costCenters.map((l) => [l.costCenter, l.amount, l.share])).toEqual([['claims', 0, null], ['fraud', 0, null], ['underwriting', 0, null]]);
    const rows = parse(run.objects.get('finance/reports/2026-11/chargeback.csv')!.body, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.cost_center, r.amount, r.share_percent])).toEqual([['claims', '0.00', ''], ['fraud', '0.00', ''], ['underwriting', '0.00', '']]);
  });
});

describe('runReport: the monthly schedule until the month is final', () => {
  const pages = (estimated: boolean) => [{
    ...NOVEMBER_BY_ACCOUNT[0],
    NextPageToken: undefined,
    ResultsByTime: [{ ...NOVEMBER_BY_ACCOUNT[0].ResultsByTime![0], Estimated: estimated }],
  }];
  const reader = (estimated: boolean) => recordedCostExplorer([
    { start: '2026-11-01', groupBy: BY_ACCOUNT, pages: pages(estimated) },
    { start: '2026-10-01', groupBy: BY_ACCOUNT, pages: OCTOBER_BY_ACCOUNT },
  ]);

  test('first run: written (estimated) and announced; again while estimated: rewritten, not announced; final: announced once; after: skipped without Cost Explorer', async () => {
    const run = memoryContext(reader(true), '2026-12-02T08:00:00Z', { principalTagKey: undefined });
    const first = await runReport({ period: 'previousMonth' }, run.ctx);
    expect(first).toMatchObject({ status: 'written', estimated: true, summaryPublished: true });
    expect(run.messages[0].Subject).toBe('Bedrock chargeback 2026-11: USD 612.62 (estimated)');

    const second = await runReport({ period: 'previousMonth' }, { ...run.ctx, now: () => new Date('2026-12-03T08:00:00Z') });
    expect(second).toMatchObject({ status: 'written', estimated: true, summaryPublished: false });

    const finalReader = reader(false);
    const third = await runReport({ period: 'previousMonth' }, { ...run.ctx, ce: finalReader, now: () => new Date('2026-12-04T08:00:00Z') });
    expect(third).toMatchObject({ status: 'written', estimated: false, summaryPublished: true });
    expect(run.messages.map((m) => m.Subject)).toEqual([
      'Bedrock chargeback 2026-11: USD 612.62 (estimated)',
      'Bedrock chargeback 2026-11: USD 612.62 (final)',
    ]);

    const idle = reader(false);
    const fourth = await runReport({ period: 'previousMonth' }, { ...run.ctx, ce: idle, now: () => new Date('2026-12-05T08:00:00Z') });
    expect(fourth).toMatchObject({ status: 'skipped', costExplorerRequests: 0, summaryPublished: false });
    expect(idle.requests).toEqual([]);
    // force makes it again (and says nothing: the figures did not change state)
    const forced = await runReport({ period: 'previousMonth', force: true }, { ...run.ctx, ce: idle });
    expect(forced).toMatchObject({ status: 'written', summaryPublished: false });
    expect(idle.requests).toHaveLength(2);
  });

  test('objects: CSV and HTML first, JSON last (a failed run leaves no new JSON); content types', async () => {
    const run = memoryContext(reader(true), '2026-12-02T08:00:00Z', { principalTagKey: undefined });
    await runReport({ period: 'previousMonth' }, run.ctx);
    expect(run.puts).toEqual(['finance/reports/2026-11/chargeback.csv', 'finance/reports/2026-11/chargeback.html', 'finance/reports/2026-11/chargeback.json']);
    expect(run.objects.get('finance/reports/2026-11/chargeback.csv')!.contentType).toBe('text/csv; charset=utf-8; header=present');
    expect(run.objects.get('finance/reports/2026-11/chargeback.html')!.contentType).toBe('text/html; charset=utf-8');
    expect(run.objects.get('finance/reports/2026-11/chargeback.json')!.contentType).toBe('application/json');

    const failing = memoryContext(reader(true), '2026-12-02T08:00:00Z', { principalTagKey: undefined });
    const put = failing.ctx.s3.putObject;
    const s3 = {
      ...failing.ctx.s3,
      putObject: async (input: Parameters<typeof put>[0]) => {
        if (input.Key.endsWith('.html')) throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
        return put(input);
      },
    };
    await expect(runReport({ period: 'previousMonth' }, { ...failing.ctx, s3 })).rejects.toThrow('denied');
    expect([...failing.objects.keys()]).toEqual(['finance/reports/2026-11/chargeback.csv']);
    expect(failing.messages).toEqual([]);
  });

  test('month to date: written with metrics, never announced unless asked', async () => {
    const ce = recordedCostExplorer([
      { start: '2026-11-01', groupBy: BY_ACCOUNT, pages: pages(true) },
      { start: '2026-10-01', groupBy: BY_ACCOUNT, pages: OCTOBER_BY_ACCOUNT },
    ]);
    const run = memoryContext(ce, '2026-11-20T09:00:00Z', { principalTagKey: undefined });
    expect(await runReport({ period: 'monthToDate' }, run.ctx)).toMatchObject({ status: 'written', summaryPublished: false, period: { start: '2026-11-01', end: '2026-11-20' } });
    expect(ce.requests.map((r) => r.TimePeriod)).toEqual([{ Start: '2026-11-01', End: '2026-11-20' }, { Start: '2026-10-01', End: '2026-10-20' }]);
    expect(run.metrics.length).toBeGreaterThan(0);
    expect(run.messages).toEqual([]);
    expect(await runReport({ period: 'monthToDate', notify: true }, run.ctx)).toMatchObject({ summaryPublished: true });
  });

  test('no topic: nothing published', async () => {
    const run = memoryContext(reader(true), '2026-12-02T08:00:00Z', { principalTagKey: undefined, topicArn: undefined });
    expect(await runReport({ period: 'previousMonth' }, run.ctx)).toMatchObject({ status: 'written', summaryPublished: false });
  });
});
