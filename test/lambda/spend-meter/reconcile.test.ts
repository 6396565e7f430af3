/**
 * Reconciliation against recorded Cost Explorer answers (GetCostAndUsage response shape, as in
 * test/lambda/chargeback-report/recorded-answers.ts), with the meter's day totals in dynalite.
 */
import type { GetCostAndUsageCommandInput, GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ACCOUNT, REGION, SETTINGS } from './fixtures';
import { CostExplorerReader } from '../../../lambda/shared/cost-query';
import { silentLogger } from '../../../lambda/shared/log';
import { reconcile, reconciledDay } from '../../../lambda/spend-meter/reconcile';
import { costCenterTotalKey, MeterSettings } from '../../../src/contracts/spend-meter';
import { createLedgerTable, Dynalite, startDynalite } from '../../support/dynalite';

jest.setTimeout(60_000);

type Answer = Omit<GetCostAndUsageCommandOutput, '$metadata'>;
const usd = (amount: string) => ({ UnblendedCost: { Amount: amount, Unit: 'USD' } });
const group = (keys: string[], amount: string) => ({ Keys: keys, Metrics: usd(amount) });

/** 2026-11-28 by dept, estimated, two pages; `dept$` is spend without the tag. */
const NOV_28_BY_DEPT: Answer[] = [
  {
    GroupDefinitions: [{ Type: 'TAG', Key: 'dept' }],
    ResultsByTime: [{ TimePeriod: { Start: '2026-11-28', End: '2026-11-29' }, Total: {}, Estimated: true, Groups: [group(['dept$claims'], '12.0000000001')] }],
    NextPageToken: 'p2',
  },
  {
    GroupDefinitions: [{ Type: 'TAG', Key: 'dept' }],
    ResultsByTime: [{ TimePeriod: { Start: '2026-11-28', End: '2026-11-29' }, Total: {}, Estimated: true, Groups: [group(['dept$'], '0.5000000000'), group(['dept$legal'], '3.0000000000')] }],
  },
];

const FILTER = { And: [{ Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } }, { Dimensions: { Key: 'REGION', Values: [REGION] } }] };

let db: Dynalite;
beforeAll(async () => { db = await startDynalite(); });
afterAll(async () => db.close());

async function meterDay(settings: MeterSettings, costCenter: string, day: string, nano: number, region = REGION) {
  const key = costCenterTotalKey(costCenter, `D#${day}`, ACCOUNT, region);
  const item = { pk: { S: key.pk }, sk: { S: key.sk }, costNanoUsd: { N: String(nano) } };
  await db.client.send(new PutItemCommand({ TableName: settings.tableName, Item: item }));
}

test('the day before yesterday: metered against billed per cost center and in total, drift metrics', async () => {
  const settings: MeterSettings = {
    ...SETTINGS,
    tableName: 'reconcile-1',
    reconciliation: { filter: FILTER },
    enforcement: { costCenters: { fraud: { denyPolicyArn: 'arn:aws:iam::123456789012:policy/fraud-deny', roleNames: ['Fraud'] } } },
  };
  await createLedgerTable(db.client, settings.tableName);
  await meterDay(settings, 'claims', '2026-11-28', 11_500_000_000);
  await meterDay(settings, 'claims', '2026-11-28', 300_000_000, 'us-west-2'); // a second Region in the same table
  await meterDay(settings, 'claims', '2026-11-29', 99_000_000_000); // another day: not compared
  await meterDay(settings, '(bypass)', '2026-11-28', 450_000_000);
  const requests: GetCostAndUsageCommandInput[] = [];
  const ce: CostExplorerReader = {
    getCostAndUsage: async (input) => {
      requests.push(input);
      return { ...NOV_28_BY_DEPT[input.NextPageToken ? 1 : 0], $metadata: {} };
    },
  };
  const lines: string[] = [];
  const summary = await reconcile({
    ce, dynamodb: db.client, settings, retry: { maxAttempts: 1 }, log: silentLogger, now: () => Date.parse('2026-11-30T06:00:00Z'), emit: (l) => lines.push(l),
  });

  expect(requests[0]).toEqual({
    TimePeriod: { Start: '2026-11-28', End: '2026-11-29' }, Granularity: 'MONTHLY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'TAG', Key: 'dept' }], Filter: FILTER,
  });
  expect(requests).toHaveLength(2);
  expect(summary).toMatchObject({ day: '2026-11-28', estimated: true, requests: 2 });
  expect(summary.costCenters).toEqual([
    { costCenter: '(bypass)', meteredUsd: 0.45, billedUsd: 0.5, driftUsd: -0.05, ratio: 0.9 },
    { costCenter: 'claims', meteredUsd: 11.8, billedUsd: 12, driftUsd: -0.2, ratio: 0.983333 },
    { costCenter: 'fraud', meteredUsd: 0, billedUsd: 0, driftUsd: 0, ratio: undefined },
    { costCenter: 'legal', meteredUsd: 0, billedUsd: 3, driftUsd: -3, ratio: 0 },
  ]);
  expect(summary.total).toEqual({ meteredUsd: 12.25, billedUsd: 15.5, driftUsd: -3.25, ratio: 0.790323 });
  const docs = lines.map((l) => JSON.parse(l));
  expect(docs.find((d) => d.CostCenter === 'claims')).toMatchObject({
    Meter: 'test-meter',
    ReconciledDay: '2026-11-28',
    ReconciledMeteredCost: 11.8,
    ReconciledBilledCost: 12,
    CostDrift: -0.2,
    CostDriftRatio: 0.983333,
    _aws: { CloudWatchMetrics: [{ Namespace: 'Test/SpendMeter', Dimensions: [['Meter', 'CostCenter']] }] },
  });
  expect(docs.find((d) => d.CostCenter === 'fraud').CostDriftRatio).toBeUndefined();
  expect(docs.find((d) => d.CostCenter === undefined)).toMatchObject({ CostDrift: -3.25, _aws: { CloudWatchMetrics: [{ Dimensions: [['Meter']] }] } });
});

test('the day compared: today − lagDays (UTC), or the event\'s day', async () => {
  expect(reconciledDay(Date.parse('2026-12-01T00:10:00Z'), 2)).toBe('2026-11-29');
  expect(reconciledDay(Date.parse('2026-12-01T23:59:00Z'), 1)).toBe('2026-11-30');
  const settings = { ...SETTINGS, tableName: 'reconcile-2' };
  await createLedgerTable(db.client, settings.tableName);
  const ce: CostExplorerReader = { getCostAndUsage: async () => ({ ResultsByTime: [], $metadata: {} }) };
  const ctx = { ce, dynamodb: db.client, settings, retry: { maxAttempts: 1 }, log: silentLogger, now: () => Date.parse('2026-11-30T06:00:00Z'), emit: () => undefined };
  expect((await reconcile(ctx, '2026-11-01')).day).toBe('2026-11-01');
  await expect(reconcile(ctx, 'yesterday')).rejects.toThrow(/YYYY-MM-DD/);
});
