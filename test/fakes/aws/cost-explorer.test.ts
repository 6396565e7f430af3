import {
  CostExplorerClient, Expression, GetCostAndUsageCommand, GetCostAndUsageCommandInput, GetCostAndUsageCommandOutput, GetCostForecastCommand,
  ListCostAllocationTagsCommand,
  paginateListCostAllocationTags, StartCostAllocationTagBackfillCommand, UpdateCostAllocationTagsStatusCommand,
} from '@aws-sdk/client-cost-explorer';
import { AwsFake, CostRecord, startAwsFake } from './index';

const PAYER = '111111111111';
const MEMBER = '222222222222';
const NOW = new Date('2026-11-15T10:00:00Z');
const MARKETPLACE_CLAUDE = 'Claude Sonnet 4 (Amazon Bedrock Edition)';

/** Two months of spend: Bedrock (AWS), Claude via Marketplace, and S3, across two accounts and two departments. */
function records(): CostRecord[] {
  const out: CostRecord[] = [];
  for (let day = 1; day <= 31 + 14; day++) {
    const date = new Date(Date.UTC(2026, 9, day)).toISOString().slice(0, 10);
    out.push({ date, amount: 1.25, service: 'Amazon Bedrock', linkedAccount: PAYER, tags: { dept: 'claims' }, usageQuantity: 1000 });
    out.push({ date, amount: 2.5, service: MARKETPLACE_CLAUDE, billingEntity: 'AWS Marketplace', linkedAccount: MEMBER, tags: { dept: 'fraud' } });
    out.push({ date, amount: 0.1, service: 'Amazon S3', linkedAccount: PAYER, tags: { dept: 'claims' } });
    out.push({ date, amount: 0.05, service: 'Amazon Bedrock', linkedAccount: MEMBER, dimensions: { LINKED_ACCOUNT_NAME: 'claims-prod' } });
  }
  return out;
}

let fake: AwsFake;
let ce: CostExplorerClient;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: PAYER, clock: () => NOW, memberAccounts: [MEMBER] });
  ce = new CostExplorerClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
beforeEach(() => fake.state.seedCosts(records()));
afterEach(() => fake.reset());
afterAll(async () => {
  ce.destroy();
  await fake.stop();
});

const monthly = (input: Partial<GetCostAndUsageCommandInput> = {}) => ce.send(new GetCostAndUsageCommand({
  TimePeriod: { Start: '2026-10-01', End: '2026-12-01' }, Granularity: 'MONTHLY', Metrics: ['UnblendedCost'], ...input,
}));

async function activate(...keys: string[]) {
  await ce.send(new UpdateCostAllocationTagsStatusCommand({ CostAllocationTagsStatus: keys.map(TagKey => ({ TagKey, Status: 'Active' })) }));
}

describe('GetCostAndUsage', () => {
  test('MONTHLY totals; the open month is Estimated', async () => {
    const out = await monthly({ Metrics: ['UnblendedCost', 'UsageQuantity'] });
    expect(out.ResultsByTime).toEqual([
      {
        TimePeriod: { Start: '2026-10-01', End: '2026-11-01' },
        Estimated: false,
        Groups: [],
        Total: { UnblendedCost: { Amount: '120.9', Unit: 'USD' }, UsageQuantity: { Amount: '31000', Unit: 'N/A' } },
      },
      {
        TimePeriod: { Start: '2026-11-01', End: '2026-12-01' },
        Estimated: true,
        Groups: [],
        Total: { UnblendedCost: { Amount: '54.6', Unit: 'USD' }, UsageQuantity: { Amount: '14000', Unit: 'N/A' } },
      },
    ]);
    expect(out.NextPageToken).toBeUndefined();
  });

  test('monthFinalAfterDays: the previous month stays Estimated that many days into the next', async () => {
    const estimated = async () => (await monthly({ TimePeriod: { Start: '2026-10-01', End: '2026-11-01' } })).ResultsByTime![0].Estimated;
    const saved = fake.state.limits.monthFinalAfterDays;
    try {
      // the clock, 2026-11-15T10:00Z, is 14 days and 10 hours after October ended
      fake.state.limits.monthFinalAfterDays = 15;
      expect(await estimated()).toBe(true);
      fake.state.limits.monthFinalAfterDays = 14;
      expect(await estimated()).toBe(false);
    } finally {
      fake.state.limits.monthFinalAfterDays = saved;
    }
  });

  test('TAG group keys are key$value; inactive cost allocation tags show as untagged (key$)', async () => {
    const before = await monthly({ TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, GroupBy: [{ Type: 'TAG', Key: 'dept' }] });
    expect(before.ResultsByTime![0].Groups!.map(g => g.Keys)).toEqual([['dept$']]);
    expect(before.ResultsByTime![0].Total).toEqual({});

    await activate('dept');
    const after = await monthly({ TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, GroupBy: [{ Type: 'TAG', Key: 'dept' }] });
    expect(after.ResultsByTime![0].Groups).toEqual([
      { Keys: ['dept$'], Metrics: { UnblendedCost: { Amount: '1.55', Unit: 'USD' } } },
      { Keys: ['dept$claims'], Metrics: { UnblendedCost: { Amount: '41.85', Unit: 'USD' } } },
      { Keys: ['dept$fraud'], Metrics: { UnblendedCost: { Amount: '77.5', Unit: 'USD' } } },
    ]);
  });

  test('two group-bys (TAG and LINKED_ACCOUNT) with account names', async () => {
    await activate('dept');
    const out = await monthly({
      TimePeriod: { Start: '2026-11-01', End: '2026-11-02' }, GroupBy: [{ Type: 'TAG', Key: 'dept' }, { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' }],
    });
    expect(out.GroupDefinitions).toHaveLength(2);
    expect(out.ResultsByTime![0].Groups!.map(g => [...g.Keys!, g.Metrics!.UnblendedCost.Amount])).toEqual([
      ['dept$', MEMBER, '0.05'], ['dept$claims', PAYER, '1.35'], ['dept$fraud', MEMBER, '2.5'],
    ]);
    expect(out.DimensionValueAttributes).toEqual(expect.arrayContaining([
      { Value: MEMBER, Attributes: { description: 'claims-prod' } }, { Value: PAYER, Attributes: { description: PAYER } },
    ]));
  });

  test('DIMENSION SERVICE groups and DAILY periods', async () => {
    const out = await ce.send(new GetCostAndUsageCommand({
      TimePeriod: { Start: '2026-11-13', End: '2026-11-16' }, Granularity: 'DAILY', Metrics: ['BlendedCost'], GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
    }));
    expect(out.ResultsByTime!.map(r => r.TimePeriod!.Start)).toEqual(['2026-11-13', '2026-11-14', '2026-11-15']);
    expect(out.ResultsByTime![0].Groups!.map(g => [g.Keys![0], g.Metrics!.BlendedCost.Amount]))
      .toEqual([['Amazon Bedrock', '1.3'], ['Amazon S3', '0.1'], [MARKETPLACE_CLAUDE, '2.5']]);
    expect(out.ResultsByTime![2].Groups).toEqual([]); // no usage seeded for today yet
  });

  test.each<[string, Expression, string]>([
    ['the default budget scope: tags AND (Bedrock OR Marketplace)', {
      And: [
        { Tags: { Key: 'dept', Values: ['claims', 'fraud'] } },
        { Or: [{ Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } }, { Dimensions: { Key: 'BILLING_ENTITY', Values: ['AWS Marketplace'] } }] },
      ],
    }, '116.25'],
    ['Not', { Not: { Dimensions: { Key: 'SERVICE', Values: ['Amazon S3'] } } }, '117.8'],
    ['tag ABSENT', { Tags: { Key: 'dept', MatchOptions: ['ABSENT'] } }, '1.55'],
    ['tag value "" (untagged)', { Tags: { Key: 'dept', Values: [''] } }, '1.55'],
    ['STARTS_WITH, CASE_INSENSITIVE', { Dimensions: { Key: 'SERVICE', Values: ['claude'], MatchOptions: ['STARTS_WITH', 'CASE_INSENSITIVE'] } }, '77.5'],
  ])('Filter: %s', async (_label, filter, amount) => {
    await activate('dept');
    const out = await monthly({ TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, Filter: filter });
    expect(out.ResultsByTime![0].Total!.UnblendedCost.Amount).toBe(amount);
  });

  test('pages collect every group exactly once', async () => {
    const input: GetCostAndUsageCommandInput = {
      TimePeriod: { Start: '2026-10-01', End: '2026-11-15' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
    };
    const keysOf = (results: GetCostAndUsageCommandOutput['ResultsByTime']) =>
      results!.flatMap(r => r.Groups!.map(g => `${r.TimePeriod!.Start}|${g.Keys!.join(',')}|${g.Metrics!.UnblendedCost.Amount}`));
    const firstPage = await ce.send(new GetCostAndUsageCommand(input));
    expect(keysOf(firstPage.ResultsByTime)).toHaveLength(100); // 135 groups > the default page of 100
    expect(firstPage.NextPageToken).toBeDefined();

    const limits = fake.state.limits;
    const saved = limits.costAndUsagePageSize;
    try {
      limits.costAndUsagePageSize = 1000;
      const expected = keysOf((await ce.send(new GetCostAndUsageCommand(input))).ResultsByTime);
      expect(expected).toHaveLength(45 * 3);
      limits.costAndUsagePageSize = 7;
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do { // the SDK has no paginator for GetCostAndUsage
        const page = await ce.send(new GetCostAndUsageCommand({ ...input, NextPageToken: token }));
        seen.push(...keysOf(page.ResultsByTime));
        token = page.NextPageToken;
        pages++;
      } while (token);
      expect(pages).toBe(Math.ceil(135 / 7));
      expect(seen).toEqual(expected);
    } finally {
      limits.costAndUsagePageSize = saved;
    }
  });

  test('a token used with changed parameters is RequestChangedException; a garbled one InvalidNextTokenException', async () => {
    const input: GetCostAndUsageCommandInput = {
      TimePeriod: { Start: '2026-10-01', End: '2026-11-15' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'], GroupBy: [{ Type: 'DIMENSION', Key: 'SERVICE' }],
    };
    const first = await ce.send(new GetCostAndUsageCommand(input));
    await expect(ce.send(new GetCostAndUsageCommand({ ...input, Metrics: ['BlendedCost'], NextPageToken: first.NextPageToken })))
      .rejects.toMatchObject({ name: 'RequestChangedException' });
    await expect(ce.send(new GetCostAndUsageCommand({ ...input, NextPageToken: 'garbage' }))).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
  });

  test.each<[string, Partial<GetCostAndUsageCommandInput>]>([
    ['more than 2 GroupBy', { GroupBy: [{ Type: 'TAG', Key: 'a' }, { Type: 'TAG', Key: 'b' }, { Type: 'DIMENSION', Key: 'SERVICE' }] }],
    ['a GroupBy dimension that cannot group', { GroupBy: [{ Type: 'DIMENSION', Key: 'BILLING_ENTITY' }] }],
    ['a bad Granularity enum (model)', { Granularity: 'WEEKLY' as 'DAILY' }],
    ['a missing TimePeriod (model)', { TimePeriod: undefined }],
    ['a malformed date (model pattern)', { TimePeriod: { Start: '2026-10-1', End: '2026-11-01' } }],
    ['Start not before End', { TimePeriod: { Start: '2026-11-01', End: '2026-11-01' } }],
    ['an unknown metric', { Metrics: ['Cost'] }],
    ['an expression with two roots', { Filter: { Tags: { Key: 'dept', Values: ['x'] }, Dimensions: { Key: 'SERVICE', Values: ['y'] } } }],
    ['a bad Dimension enum in a filter (model)', { Filter: { Dimensions: { Key: 'COLOR' as 'SERVICE', Values: ['y'] } } }],
  ])('%s is ValidationException', async (_label, input) => {
    await expect(monthly(input)).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  });
});

describe('GetCostForecast', () => {
  test('averages the last 30 days and projects them, deterministically', async () => {
    const out = await ce.send(new GetCostForecastCommand({
      TimePeriod: { Start: '2026-11-15', End: '2026-12-01' },
      Metric: 'UNBLENDED_COST',
      Granularity: 'MONTHLY',
      PredictionIntervalLevel: 90,
      Filter: { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } },
    }));
    // 1.30 a day for 30 days of history → 1.30 × 16 days
    expect(out.Total).toEqual({ Amount: '20.8', Unit: 'USD' });
    expect(out.ForecastResultsByTime).toEqual([{
      TimePeriod: { Start: '2026-11-15', End: '2026-12-01' }, MeanValue: '20.8', PredictionIntervalLowerBound: '12.48', PredictionIntervalUpperBound: '29.12',
    }]);
  });

  test('no history is DataUnavailableException; a past start is ValidationException', async () => {
    await expect(ce.send(new GetCostForecastCommand({
      TimePeriod: { Start: '2026-11-15', End: '2026-12-01' },
      Metric: 'UNBLENDED_COST',
      Granularity: 'DAILY',
      Filter: { Dimensions: { Key: 'SERVICE', Values: ['Amazon EC2'] } },
    }))).rejects.toMatchObject({ name: 'DataUnavailableException' });
    await expect(ce.send(new GetCostForecastCommand({ TimePeriod: { Start: '2026-11-01', End: '2026-12-01' }, Metric: 'UNBLENDED_COST', Granularity: 'DAILY' })))
      .rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('cost allocation tags', () => {
  test('activation makes tag data visible; LastUpdatedDate is recorded', async () => {
    await activate('dept');
    const out = await ce.send(new ListCostAllocationTagsCommand({ Status: 'Active' }));
    expect(out.CostAllocationTags).toEqual([{
      TagKey: 'dept', Type: 'UserDefined', Status: 'Active', LastUpdatedDate: '2026-11-15T10:00:00Z', LastUsedDate: '2026-11-14T00:00:00Z',
    }]);
  });

  test('keys billing has not seen fail the whole call with "Tag keys not found"', async () => {
    const error = await ce.send(new UpdateCostAllocationTagsStatusCommand({
      CostAllocationTagsStatus: [{ TagKey: 'dept', Status: 'Active' }, { TagKey: 'team', Status: 'Active' }, { TagKey: 'owner', Status: 'Active' }],
    })).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ValidationException', message: 'Failed to update Cost Allocation Tag: Tag keys not found: team,owner' });
    expect(fake.state.account().billing.isActive('dept')).toBe(false);
  });

  test('in "errors" mode unseen keys come back in Errors and the others are updated', async () => {
    const other = await startAwsFake({ unknownTagKeys: 'errors' });
    const client = new CostExplorerClient({ ...other.clientConfig(), maxAttempts: 1 });
    try {
      other.state.seeTagKeys(['dept']);
      const out = await client.send(new UpdateCostAllocationTagsStatusCommand({
        CostAllocationTagsStatus: [{ TagKey: 'dept', Status: 'Active' }, { TagKey: 'team', Status: 'Active' }],
      }));
      expect(out.Errors).toEqual([{ TagKey: 'team', Code: 'TagKeysNotFoundException', Message: 'Tag keys not found' }]);
      expect(other.state.account().billing.isActive('dept')).toBe(true);
    } finally {
      client.destroy();
      await other.stop();
    }
  });

  test('more than 20 entries is ValidationException (model)', async () => {
    fake.state.seeTagKeys(Array.from({ length: 21 }, (_, i) => `k${i}`));
    await expect(activate(...Array.from({ length: 21 }, (_, i) => `k${i}`)))
      .rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/Member must have length less than or equal to 20/) });
  });

  test('a member account cannot manage cost allocation tags', async () => {
    const member = new CostExplorerClient({ ...fake.clientConfig({ accountId: MEMBER }), maxAttempts: 1 });
    try {
      await expect(member.send(new UpdateCostAllocationTagsStatusCommand({ CostAllocationTagsStatus: [{ TagKey: 'dept', Status: 'Active' }] })))
        .rejects.toMatchObject({
          name: 'AccessDeniedException', message: 'Failed to update Cost Allocation Tag: Linked account doesn\'t have access to cost allocation tags.',
        });
    } finally {
      member.destroy();
    }
  });

  test('ListCostAllocationTags pages and filters', async () => {
    const keys = Array.from({ length: 250 }, (_, i) => `key-${String(i).padStart(3, '0')}`);
    fake.state.seeTagKeys(keys);
    fake.state.seeTagKeys(['aws:createdBy'], { status: 'Active' });
    const seen: string[] = [];
    for await (const page of paginateListCostAllocationTags({ client: ce, pageSize: 40 }, { Type: 'UserDefined', Status: 'Inactive' })) {
      expect(page.CostAllocationTags!.length).toBeLessThanOrEqual(40);
      seen.push(...page.CostAllocationTags!.map(t => t.TagKey!));
    }
    expect(seen).toEqual(['dept', ...keys].sort());
    const aws = await ce.send(new ListCostAllocationTagsCommand({ Type: 'AWSGenerated' }));
    expect(aws.CostAllocationTags).toEqual([expect.objectContaining({ TagKey: 'aws:createdBy', Status: 'Active' })]);
    const some = await ce.send(new ListCostAllocationTagsCommand({ TagKeys: ['key-001', 'nope'] }));
    expect(some.CostAllocationTags!.map(t => t.TagKey)).toEqual(['key-001']);
    await expect(ce.send(new ListCostAllocationTagsCommand({ MaxResults: 1001 }))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('IAM in front of Cost Explorer (fake.state.access)', () => {
  const update = () => ce.send(new UpdateCostAllocationTagsStatusCommand({ CostAllocationTagsStatus: [{ TagKey: 'dept', Status: 'Active' }] }));
  const head = `User: arn:aws:sts::${PAYER}:assumed-role/Activator/fn is not authorized to perform: ce:UpdateCostAllocationTagsStatus `
    + `on resource: arn:aws:ce:us-east-1:${PAYER}:/UpdateCostAllocationTagsStatus`;
  beforeEach(() => fake.state.access().setPrincipal(`arn:aws:sts::${PAYER}:assumed-role/Activator/fn`));

  test('an identity-based policy that does not allow the action: implicit deny', async () => {
    fake.state.access().setIdentityPolicy([{ actions: ['ce:ListCostAllocationTags', 'ce:Get*'], resources: ['*'] }]);
    await expect(update()).rejects.toMatchObject({
      name: 'AccessDeniedException', message: `${head} because no identity-based policy allows the ce:UpdateCostAllocationTagsStatus action`,
    });
    await expect(ce.send(new ListCostAllocationTagsCommand({}))).resolves.toBeDefined();
    expect(fake.state.account().billing.isActive('dept')).toBe(false);
  });

  test('an explicit deny in a service control policy, named by its ARN', async () => {
    const scp = 'arn:aws:organizations::999999999999:policy/o-abc/service_control_policy/p-123';
    fake.state.access().deny({ actions: ['ce:Update*'], policyType: 'service control policy', policyArn: scp });
    await expect(update()).rejects.toMatchObject({ name: 'AccessDeniedException', message: `${head} with an explicit deny in a service control policy: ${scp}` });
  });

  test('a permissions boundary: implicit when it does not allow, explicit when it denies', async () => {
    fake.state.access().setPermissionsBoundary([{ actions: ['ce:List*'] }]);
    await expect(update()).rejects.toMatchObject({ message: `${head} because no permissions boundary allows the ce:UpdateCostAllocationTagsStatus action` });
    fake.state.access().setPermissionsBoundary([{ actions: ['*'] }]).deny({ actions: ['ce:*'], policyType: 'permissions boundary' });
    await expect(update()).rejects.toMatchObject({ message: `${head} with an explicit deny in a permissions boundary` });
  });

  test('IAM decides before the service: a member account with a missing permission hears about the permission', async () => {
    fake.state.access(MEMBER).setIdentityPolicy([]);
    const member = new CostExplorerClient({ ...fake.clientConfig({ accountId: MEMBER }), maxAttempts: 1 });
    try {
      await expect(member.send(new ListCostAllocationTagsCommand({}))).rejects.toMatchObject({
        message: expect.stringMatching(/because no identity-based policy allows the ce:ListCostAllocationTags action$/),
      });
    } finally {
      member.destroy();
    }
  });

  test('reset forgets the policies', async () => {
    fake.state.access().setIdentityPolicy([]);
    fake.reset();
    fake.state.seedCosts(records());
    await expect(update()).resolves.toBeDefined();
  });
});

describe('cost allocation tag types and backfill', () => {
  test('seeTagKeys may list a key under another type; the Type filter then leaves it out', async () => {
    fake.state.seeTagKeys(['iamPrincipal/dept'], { type: 'AWSGenerated' });
    const user = await ce.send(new ListCostAllocationTagsCommand({ TagKeys: ['iamPrincipal/dept'], Type: 'UserDefined' }));
    expect(user.CostAllocationTags).toEqual([]);
    const any = await ce.send(new ListCostAllocationTagsCommand({ TagKeys: ['iamPrincipal/dept'] }));
    expect(any.CostAllocationTags).toEqual([expect.objectContaining({ TagKey: 'iamPrincipal/dept', Type: 'AWSGenerated', Status: 'Inactive' })]);
  });

  test('StartCostAllocationTagBackfill: first day of a month within twelve months, once per 24 hours', async () => {
    const backfill = (from: string) => ce.send(new StartCostAllocationTagBackfillCommand({ BackfillFrom: from }));
    await expect(backfill('2025-10-01T00:00:00Z')).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(backfill('2026-08-15T00:00:00Z')).rejects.toMatchObject({ name: 'ValidationException' });
    const out = await backfill('2025-11-01T00:00:00Z');
    expect(out.BackfillRequest).toEqual({ BackfillFrom: '2025-11-01T00:00:00Z', RequestedAt: '2026-11-15T10:00:00Z', LastUpdatedAt: '2026-11-15T10:00:00Z', BackfillStatus: 'PROCESSING' });
    await expect(backfill('2026-08-01T00:00:00Z')).rejects.toMatchObject({ name: 'BackfillLimitExceededException' });
    expect(fake.state.account().billing.backfills).toEqual([{ backfillFrom: '2025-11-01T00:00:00Z', requestedAt: NOW }]);
    const member = new CostExplorerClient({ ...fake.clientConfig({ accountId: MEMBER }), maxAttempts: 1 });
    try {
      await expect(member.send(new StartCostAllocationTagBackfillCommand({ BackfillFrom: '2026-08-01T00:00:00Z' })))
        .rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringMatching(/Linked account doesn't have access to cost allocation tags/) });
    } finally {
      member.destroy();
    }
  });
});

