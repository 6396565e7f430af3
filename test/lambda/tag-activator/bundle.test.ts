/**
 * The shipped tag-activator bundle (assets/lambda/tag-activator/index.js) against the local AWS
 * fake: Cost Explorer and SSM over the real SDK clients, as in a deployed function.
 */
import { CostExplorerClient, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsFake } from '../../fakes/aws';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<{ PhysicalResourceId?: string; Data?: Record<string, string> } & Record<string, unknown>>;

const PARAM = '/cdk-bedrock-cost-governance/tag-activation/Payer-Tags-ABCD1234';
let fake: AwsFake;
let handler: Handler;

const event = (type: 'Create' | 'Update' | 'Delete', keys: string[], extra: Record<string, unknown> = {}) => ({
  RequestType: type,
  StackId: 's',
  RequestId: `r-${Math.random()}`,
  LogicalResourceId: 'Tags',
  ResourceType: 'Custom::CostAllocationTagActivation',
  PhysicalResourceId: PARAM,
  ResourceProperties: { SchemaVersion: '1', TagKeys: keys, StateParameterName: PARAM, ...extra },
  ...(type === 'Update' ? { OldResourceProperties: { SchemaVersion: '1', TagKeys: keys, StateParameterName: PARAM } } : {}),
});
const retry = { action: 'retry-pending', stateParameterName: PARAM };
const neverSeenKeys = (s: Record<string, unknown>) => Object.values((s.neverSeen ?? {}) as Record<string, string[]>).flat();

/** The handler's log lines while `fn` runs (the bundle logs JSON lines to the console). */
async function logsOf(fn: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'INFO';
  try {
    await fn().catch(() => undefined);
  } finally {
    process.env.LOG_LEVEL = level;
    log.mockRestore();
    error.mockRestore();
  }
  return lines.map((l) => JSON.parse(l));
}

async function statuses(): Promise<Record<string, string>> {
  const ce = new CostExplorerClient({ ...fake.clientConfig(), maxAttempts: 1 });
  const out: Record<string, string> = {};
  let NextToken: string | undefined;
  do {
    const page = await ce.send(new ListCostAllocationTagsCommand({ NextToken }));
    for (const t of page.CostAllocationTags ?? []) out[t.TagKey!] = t.Status!;
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

async function state(): Promise<Record<string, unknown>> {
  const ssm = new SSMClient({ ...fake.clientConfig(), maxAttempts: 1 });
  return JSON.parse((await ssm.send(new GetParameterCommand({ Name: PARAM }))).Parameter!.Value!);
}

let bundle: ShippedBundle<Handler>;

beforeAll(async () => {
  bundle = await loadShippedBundle<Handler>('tag-activator');
  fake = bundle.fake;
  handler = bundle.handler;
});

afterAll(async () => bundle.close());

afterEach(() => fake.reset());

describe('tag-activator bundle against the AWS fake', () => {
  test('keys billing has not seen stay pending, then a scheduled run activates them', async () => {
    fake.state.seeTagKeys(['dept']);
    const res = await handler(event('Create', ['dept', 'team']));
    expect(res.Data).toEqual({ ActiveKeys: 'dept', PendingKeys: 'team' });
    expect(await statuses()).toEqual({ dept: 'Active' });
    expect(await state()).toMatchObject({ active: ['dept'], pending: [] });
    expect(neverSeenKeys(await state())).toEqual(['team']);

    // a resource tagged `team` gets used; billing sees the key
    fake.state.seeTagKeys(['team']);
    await handler(retry);
    expect(await statuses()).toEqual({ dept: 'Active', team: 'Active' });
    expect(await state()).toMatchObject({ active: ['dept', 'team'], pending: [] });
    expect(neverSeenKeys(await state())).toEqual([]);
  });

  test('45 keys are activated in batches of at most 20, every page read, through throttling', async () => {
    const keys = Array.from({ length: 45 }, (_, i) => `key-${i}`);
    fake.state.seeTagKeys(keys);
    fake.faults.throttle('ce:UpdateCostAllocationTagsStatus', { times: 2 });
    const res = await handler(event('Create', keys));
    expect(res.Data!.PendingKeys).toBe('');
    expect(Object.values(await statuses()).filter((s) => s === 'Active')).toHaveLength(45);
    const updates = fake.calls.all().filter((c) => c.operation === 'UpdateCostAllocationTagsStatus' && c.outcome === 'ok');
    expect(updates).toHaveLength(3);
  });

  test('a member account is refused with a message that says where to deploy', async () => {
    fake.state.setMemberAccount('123456789012');
    fake.state.seeTagKeys(['dept']);
    await expect(handler(event('Create', ['dept']))).rejects.toThrow(/only in the management \(payer\) account.*Linked account doesn't have access/);
  });

  const SCP = 'arn:aws:organizations::999999999999:policy/o-abc/service_control_policy/p-123';
  test.each<[string, () => void, RegExp]>([
    ['NotPayerAccount', () => fake.state.setMemberAccount('123456789012'), /Linked account doesn't have access to cost allocation tags/],
    ['MissingPermission', () => fake.state.access().setIdentityPolicy([{ actions: ['ssm:*', 'ce:ListCostAllocationTags'] }]),
      /is not authorized to perform: ce:UpdateCostAllocationTagsStatus on resource: arn:aws:ce:us-east-1:123456789012:\/UpdateCostAllocationTagsStatus because no identity-based policy allows/],
    ['ServiceControlPolicy', () => fake.state.access().deny({ actions: ['ce:UpdateCostAllocationTagsStatus'], policyType: 'service control policy', policyArn: SCP }),
      /with an explicit deny in a service control policy: arn:aws:organizations::999999999999/],
    ['PermissionsBoundary', () => fake.state.access().setPermissionsBoundary([{ actions: ['ssm:*', 'ce:List*'] }]),
      /because no permissions boundary allows the ce:UpdateCostAllocationTagsStatus action/],
  ])('%s: the deployment names the cause; the scheduled retry records it in the state and the logs', async (code, refuse, awsMessage) => {
    fake.state.seeTagKeys(['dept']);
    refuse();
    const created = await handler(event('Create', ['dept'])).catch((e: Error) => e);
    expect((created as Error).message).toContain(`[${code}]`);
    expect((created as Error).message).toMatch(awsMessage);
    await expect(state()).rejects.toThrow(/not found/); // a failed create leaves nothing behind

    // deployed before the refusal began: the retry records the cause instead of failing every day
    fake.reset();
    await handler(event('Create', ['dept']));
    fake.state.seeTagKeys(['dept']);
    refuse();
    const lines = await logsOf(() => handler(retry));
    const recorded = await state();
    expect(recorded.errors).toEqual([{ key: '*', code, message: expect.stringMatching(awsMessage) }]);
    expect(neverSeenKeys(recorded)).toEqual(['dept']);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', code, awsMessage: expect.stringMatching(awsMessage) }));
  });

  test('an iamPrincipal key billing lists under another type than UserDefined is activated', async () => {
    fake.state.seeTagKeys(['dept']);
    fake.state.seeTagKeys(['iamPrincipal/dept'], { type: 'AWSGenerated' });
    const res = await handler(event('Create', ['dept', 'iamPrincipal/dept']));
    expect(res.Data).toEqual({ ActiveKeys: 'dept,iamPrincipal/dept', PendingKeys: '' });
    expect(await statuses()).toEqual({ 'dept': 'Active', 'iamPrincipal/dept': 'Active' });
  });

  test('a key billing never lists is recorded as never seen since its first request, with a WARN line saying what to do', async () => {
    fake.state.seeTagKeys(['dept']);
    const lines = await logsOf(() => handler(event('Create', ['dept', 'iamPrincipal/dept'])));
    const first = await state();
    expect(first).toMatchObject({ active: ['dept'], pending: [] });
    const [[since, keys]] = Object.entries(first.neverSeen as Record<string, string[]>);
    expect(keys).toEqual(['iamPrincipal/dept']);
    expect(since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(lines).toContainEqual(expect.objectContaining({
      level: 'WARN',
      message: 'tag keys never seen by billing',
      neverSeen: { [since]: ['iamPrincipal/dept'] },
      action: expect.stringMatching(/Tag the IAM role or user that calls Amazon Bedrock with dept .*invoke a model/),
    }));
    // later runs keep the first day
    await handler(event('Update', ['dept', 'iamPrincipal/dept']));
    await handler(retry);
    expect((await state()).neverSeen).toEqual({ [since]: ['iamPrincipal/dept'] });
  });

  test('backfill runs once the keys are active, and the 24-hour limit is respected', async () => {
    fake.state.seeTagKeys(['dept']);
    await handler(event('Create', ['dept'], { BackfillMonths: '3' }));
    expect(fake.state.account().billing.backfills).toHaveLength(1);
    expect(await state()).toMatchObject({ backfillMonths: 3, lastBackfillAt: expect.any(String) });
    await handler(event('Update', ['dept'], { BackfillMonths: '3' }));
    expect(fake.state.account().billing.backfills).toHaveLength(1);
    expect((await state()).backfillError).toMatch(/less than 24 hours ago/);
  });

  test('deactivation on delete spares keys another activation still holds', async () => {
    fake.state.seeTagKeys(['dept', 'team']);
    const other = { ...event('Create', ['dept']), ResourceProperties: { SchemaVersion: '1', TagKeys: ['dept'], StateParameterName: `${PARAM}-other` } };
    await handler(other);
    await handler(event('Create', ['dept', 'team'], { DeactivateOnDelete: 'true' }));
    await handler(event('Delete', ['dept', 'team'], { DeactivateOnDelete: 'true' }));
    expect(await statuses()).toEqual({ dept: 'Active', team: 'Inactive' });
  });

  test('delete leaves keys active by default and removes the state parameter', async () => {
    fake.state.seeTagKeys(['dept']);
    await handler(event('Create', ['dept']));
    await handler(event('Delete', ['dept']));
    expect(await statuses()).toEqual({ dept: 'Active' });
    await expect(state()).rejects.toThrow(/ParameterNotFound|not found/i);
  });
});
