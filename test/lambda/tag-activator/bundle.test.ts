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

const event = (type: 'Create' | 'Delete', keys: string[], extra: Record<string, unknown> = {}) => ({
  RequestType: type,
  StackId: 's',
  RequestId: `r-${Math.random()}`,
  LogicalResourceId: 'Tags',
  ResourceType: 'Custom::CostAllocationTagActivation',
  PhysicalResourceId: PARAM,
  ResourceProperties: { SchemaVersion: '1', TagKeys: keys, StateParameterName: PARAM, ...extra },
});

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
    expect(await state()).toMatchObject({ active: ['dept'], pending: ['team'] });

    // a resource tagged `team` gets used; billing sees the key
    fake.state.seeTagKeys(['team']);
    await handler({ action: 'retry-pending', stateParameterName: PARAM });
    expect(await statuses()).toEqual({ dept: 'Active', team: 'Active' });
    expect(await state()).toMatchObject({ active: ['dept', 'team'], pending: [] });
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
