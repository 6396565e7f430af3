/**
 * The shipped bundle (assets/lambda/chargeback-report/index.js) end to end against the AWS fake:
 * its real Cost Explorer, S3 and SNS clients, the settings and the role policy taken from a
 * synthesized ChargebackReport, billing data loaded into the fake's Cost Explorer.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'csv-parse/sync';
import { schemaErrors } from './report-schema';
import type { ReportOutcome } from '../../../lambda/chargeback-report/run';
import { ChargebackReport, CostAllocationTagSchema } from '../../../src';
import { REPORT_ENV, ReportDocument } from '../../../src/contracts/chargeback-report';
import type { AwsFake, CostRecord } from '../../fakes/aws';
import { delivered } from '../../support/cfn-delivery';
import { roleStatements } from '../../support/role-statements';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<ReportOutcome>;

const ACCOUNT = '123456789012';
const BUCKET = 'chargeback-reports-bucket';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
let bundle: ShippedBundle<Handler>;
let fake: AwsFake;
let topicArn: string;
let restoreSettings: () => void;

/** The synthesized report: its settings as Lambda delivers them, and its role's policy as IAM holds it. */
function deploy(): void {
  const stack = new Stack(new App(), 'Payer', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new ChargebackReport(stack, 'Report', {
    tagSchema: CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting', 'fraud'] }),
    byLinkedAccount: true,
    includeIamPrincipalTags: true,
  });
  const template = Template.fromStack(stack);
  const ids = Object.keys(template.toJSON().Resources);
  const id = (pattern: RegExp) => ids.find((i) => pattern.test(i))!;
  const attributes = {
    [id(/^ReportBucket[0-9A-F]{8}$/)]: BUCKET,
    [`${id(/^ReportBucket[0-9A-F]{8}$/)}.Arn`]: `arn:aws:s3:::${BUCKET}`,
    [`${id(/^ReportBucketKey/)}.Arn`]: KEY_ARN,
    [id(/^BedrockCostAlertTopic[0-9A-F]{8}$/)]: topicArn,
  };
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }));
  const settings = delivered(fn.Properties.Environment.Variables[REPORT_ENV.settings], { region: 'us-east-1', accountId: ACCOUNT, attributes }) as string;
  const previous = process.env[REPORT_ENV.settings];
  process.env[REPORT_ENV.settings] = settings;
  restoreSettings = () => (previous === undefined ? delete process.env[REPORT_ENV.settings] : (process.env[REPORT_ENV.settings] = previous));
  fake.state.access(ACCOUNT).setIdentityPolicy(roleStatements(stack, /^ReportHandlerRole/, attributes));
}

const bedrock = (date: string, amount: number, account: string, tags: Record<string, string>): CostRecord =>
  ({ date, amount, service: 'Amazon Bedrock', linkedAccount: account, tags });
const claude = (date: string, amount: number, account: string, tags: Record<string, string>): CostRecord =>
  ({ date, amount, service: 'Claude Sonnet 4.5 (Amazon Bedrock Edition)', billingEntity: 'AWS Marketplace', linkedAccount: account, tags });

beforeAll(async () => {
  bundle = await loadShippedBundle<Handler>('chargeback-report', ACCOUNT);
  fake = bundle.fake;
  fake.state.createBucket(BUCKET, { kmsKeyArn: KEY_ARN, versioned: true });
  topicArn = fake.state.createTopic('cost-alerts');
  deploy();
  fake.state.seeTagKeys(['dept', 'iamPrincipal/dept'], { status: 'Active' });
  fake.state.seedCosts([
    // October: final
    bedrock('2026-10-03', 100, '111111111111', { 'dept': 'claims', 'iamPrincipal/dept': 'claims' }),
    claude('2026-10-20', 300, '222222222222', { dept: 'claims' }),
    // November
    bedrock('2026-11-02', 200, '111111111111', { 'dept': 'claims', 'iamPrincipal/dept': 'claims' }),
    claude('2026-11-05', 400, '222222222222', { 'dept': 'claims', 'iamPrincipal/dept': 'claims' }),
    claude('2026-11-09', 150, '222222222222', { dept: 'underwriting' }),
    bedrock('2026-11-10', 50, '111111111111', {}),
    bedrock('2026-11-11', 25, '111111111111', { 'iamPrincipal/dept': 'underwriting' }),
    // the same department's other spend: outside the Bedrock billing scope
    { date: '2026-11-12', amount: 999, service: 'Amazon Elastic Compute Cloud - Compute', linkedAccount: '111111111111', tags: { dept: 'claims' } },
  ]);
  // small pages, so that every query needs several; a month is final 3 days after it ends
  fake.state.limits.costAndUsagePageSize = 2;
  fake.state.limits.monthFinalAfterDays = 3;
});
afterAll(async () => {
  restoreSettings();
  await bundle.close();
});

const json = (period: string) => JSON.parse(fake.state.objects(BUCKET).filter((o) => o.key === `reports/${period}/chargeback.json`).pop()!.body.toString()) as ReportDocument;

describe('the shipped chargeback-report bundle', () => {
  test('the monthly schedule: estimated report announced, rewritten quietly, announced again when final, then idle; metrics each time', async () => {
    const published = () => fake.state.published(topicArn).length;
    const ceCalls = () => fake.calls.count({ service: 'ce', operation: 'GetCostAndUsage' });
    const emf: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (String(chunk).includes('"_aws"')) return emf.push(String(chunk)) > 0;
      return write(chunk as string, ...(rest as []));
    });
    // only Date is faked: the SDK's timers and sockets run as usual
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    const run = async (day: string) => {
      const now = new Date(`${day}T08:00:00Z`);
      jest.setSystemTime(now);
      fake.setClock(() => now);
      return bundle.handler({ period: 'previousMonth' });
    };
    try {
      const before = published();
      expect(await run('2026-12-02')).toMatchObject({ status: 'written', estimated: true, summaryPublished: true });
      expect(await run('2026-12-03')).toMatchObject({ status: 'written', estimated: true, summaryPublished: false });
      expect(await run('2026-12-05')).toMatchObject({ status: 'written', estimated: false, summaryPublished: true });
      expect(fake.state.published(topicArn).slice(before).map((m) => m.subject)).toEqual([
        'Bedrock chargeback 2026-11: USD 825.00 (estimated)', 'Bedrock chargeback 2026-11: USD 825.00 (final)',
      ]);
      const calls = ceCalls();
      expect(await run('2026-12-06')).toMatchObject({ status: 'skipped', costExplorerRequests: 0 });
      expect(ceCalls()).toBe(calls);
      expect(published()).toBe(before + 2);
      // versioned bucket: every rewrite kept
      expect(fake.state.objects(BUCKET).filter((o) => o.key === 'reports/2026-11/chargeback.json')).toHaveLength(3);
    } finally {
      jest.useRealTimers();
      spy.mockRestore();
    }
    // three written runs × (4 cost centers + totals)
    const docs = emf.flatMap((chunk) => chunk.trim().split('\n')).map((l) => JSON.parse(l));
    expect(docs).toHaveLength(15);
    expect(docs.filter((d) => d.CostCenter === 'claims').map((d) => [d.BilledCost, d.Period])).toEqual([[600, 'month'], [600, 'month'], [600, 'month']]);
    expect(docs[4]).toMatchObject({ BilledCostTotal: 825, Report: 'Bedrock chargeback', Period: 'month' });
    expect(docs[4]._aws.CloudWatchMetrics[0].Namespace).toBe('CdkBedrockCostGovernance/Chargeback');
  });

  test('a month by hand: Cost Explorer paged, the Bedrock scope only, three objects under SSE-KMS, the summary published', async () => {
    fake.setClock(() => new Date('2026-12-02T08:00:00Z'));
    const calls = () => fake.calls.count({ service: 'ce', operation: 'GetCostAndUsage', outcome: 'ok' });
    const before = calls();
    const outcome = await bundle.handler({ start: '2026-11-01', end: '2026-12-01', notify: true });
    const ce = calls() - before;
    // groups: Nov by dept × account = 4 (claims×111, claims×222, underwriting×222, none×111) → 2 pages;
    // Oct = 2 → 1 page; Nov by dept × principal dept = 4 → 2 pages
    expect(ce).toBe(5);
    expect(outcome).toMatchObject({ status: 'written', costExplorerRequests: 5, total: 825, currency: 'USD', estimated: true, summaryPublished: true });

    const objects = fake.state.objects(BUCKET).filter((o) => o.isLatest);
    expect(objects.map((o) => o.key).sort()).toEqual(['reports/2026-11/chargeback.csv', 'reports/2026-11/chargeback.html', 'reports/2026-11/chargeback.json']);
    for (const o of objects) expect(o).toMatchObject({ sse: 'aws:kms', kmsKeyId: KEY_ARN });

    const doc = json('2026-11');
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.total).toMatchObject({ amount: 825, previousAmount: 400, change: 425 });
    expect(doc.unattributed).toMatchObject({ amount: 75 });
    expect(doc.costCenters.map((l) => [l.costCenter, l.amount, l.previousAmount])).toEqual([
      ['claims', 600, 400], ['underwriting', 150, 0], ['fraud', 0, 0], ['(unattributed)', 75, 0],
    ]);
    expect(doc.costCenters[0].accounts).toEqual([{ accountId: '222222222222', amount: 400 }, { accountId: '111111111111', amount: 200 }]);
    const share = (amount: number) => ({ amount, share: Math.round((amount / 825) * 1e10) / 1e10 });
    expect(doc.principalAttribution!.attribution)
      .toEqual({ both: share(600), profileTagsOnly: share(150), principalTagsOnly: share(25), neither: share(50) });

    const csv = parse(objects.find((o) => o.key.endsWith('.csv'))!.body.toString(), { columns: true }) as Array<Record<string, string>>;
    expect(csv.map((r) => [r.cost_center, r.linked_account, r.amount])).toEqual([
      ['claims', '222222222222', '400.00'], ['claims', '111111111111', '200.00'], ['underwriting', '222222222222', '150.00'], ['fraud', '', '0.00'],
      ['(unattributed)', '111111111111', '75.00'],
    ]);

    const message = fake.state.published(topicArn).pop()!;
    expect(message.subject).toBe('Bedrock chargeback 2026-11: USD 825.00 (estimated)');
    expect(message.message).toContain('s3://chargeback-reports-bucket/reports/2026-11/chargeback.html');
  });

  test('the role may do exactly what the report needs: a denied write fails the run with S3\'s error', async () => {
    fake.state.access(ACCOUNT).deny({ actions: ['s3:PutObject'], resources: [`arn:aws:s3:::${BUCKET}/reports/2026-10/chargeback.html`], policyType: 'service control policy' });
    await expect(bundle.handler({ start: '2026-10-01', end: '2026-11-01' })).rejects.toMatchObject({ name: 'AccessDenied' });
    deploy();
  });

  test('a bad request fails with InvalidReportRequest and calls nothing', async () => {
    const before = fake.calls.all().length;
    await expect(bundle.handler({ start: '2026-13-01', end: '2026-11-01' })).rejects.toMatchObject({ name: 'InvalidReportRequest' });
    expect(fake.calls.all().length).toBe(before);
  });

});
