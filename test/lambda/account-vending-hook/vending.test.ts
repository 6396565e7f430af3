import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStackInstanceCommand } from '@aws-sdk/client-cloudformation';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { OrganizationsReader, organizationsReader } from '../../../lambda/account-vending-hook/organization';
import {
  onManagedAccountEvent, operationIdFor, reconcile, RECONCILE_RESERVE_MS, RetryLaterError, VendingContext,
} from '../../../lambda/account-vending-hook/vending';
import { silentLogger } from '../../../lambda/shared/log';
import { AccountVendingSettings, ManagedAccountEvent } from '../../../src/contracts/account-vending';
import { AwsFake, startAwsFake } from '../../fakes/aws';

const sample = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'control-tower', 'create-managed-account.json'), 'utf8'));
const MANAGEMENT = '999988887777';
const NEW = '111111111111';
const OTHER = '222222222222';
const THIRD = '333333333333';
const SUSPENDED = '444444444444';
const OU = 'ou-abcd-11111111';
const REGIONS = ['us-east-1', 'eu-west-1'];

let fake: AwsFake;
const cfnClients = new Map<string, CloudFormationClient>();
let organizations: OrganizationsClient;

/** The real CloudFormation client of a Region, against the fake (a stack set is found in its own Region only). */
function cfnFor(region: string): CloudFormationClient {
  if (!cfnClients.has(region)) cfnClients.set(region, new CloudFormationClient({ ...fake.clientConfig({ region }), maxAttempts: 1 }));
  return cfnClients.get(region)!;
}

beforeAll(async () => {
  fake = await startAwsFake({ accountId: MANAGEMENT });
  organizations = new OrganizationsClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  for (const c of cfnClients.values()) c.destroy();
  organizations.destroy();
  await fake.stop();
});
beforeEach(() => {
  fake.reset();
  // the organization the Organizations fake serves: the management account, and the OU with the member accounts
  fake.state.createOrganization({ rootId: 'r-abcd' });
  fake.state.addOrganizationalUnit('workloads', { id: OU });
  for (const id of [NEW, OTHER, THIRD]) fake.state.addOrganizationAccount({ id, parentId: OU });
  fake.state.createStackSet({
    name: 'bedrock-baseline',
    organizationalUnitIds: [OU],
    parameters: { CostCenter: 'none', MonthlyBudget: '0' },
    organization: { [NEW]: OU, [OTHER]: OU, [THIRD]: OU },
  });
});

function settings(overrides: Partial<AccountVendingSettings> = {}): AccountVendingSettings {
  return {
    schemaVersion: 2,
    stackSets: [{ stackSetName: 'bedrock-baseline', regions: REGIONS, callAs: 'SELF', region: 'us-east-1' }],
    parameters: { [NEW]: { CostCenter: 'claims', MonthlyBudget: '500' } },
    parametersFromAccountTags: {},
    reconcilePaceMs: 250,
    managementAccountId: MANAGEMENT,
    ...overrides,
  };
}

function context(s: AccountVendingSettings = settings(), org?: OrganizationsReader, sleeps: number[] = [],
  extra: Partial<VendingContext> = {}): VendingContext {
  const sleep = async (ms: number) => { sleeps.push(ms); };
  return { cfnFor, org, settings: s, retry: { maxAttempts: 2, sleep: async () => undefined }, log: silentLogger, sleep, ...extra };
}

/** The documentation's CreateManagedAccount sample for the new account (fixture with its source URL). */
function createdEvent(accountId = NEW, name = 'CreateManagedAccount'): ManagedAccountEvent {
  const event = JSON.parse(JSON.stringify(sample.event));
  event.detail.eventName = name;
  const status = event.detail.serviceEventDetails.createManagedAccountStatus;
  status.account.accountId = accountId;
  status.organizationalUnit.organizationalUnitId = OU;
  if (name === 'UpdateManagedAccount') {
    event.detail.serviceEventDetails = { updateManagedAccountStatus: status };
  }
  return event;
}

/** The real Organizations client against the fake (ListAccountsForParent MaxResults `accountsPageSize`). */
const org = (accountsPageSize?: number): OrganizationsReader => organizationsReader(organizations, accountsPageSize);
const orgCalls = (operation: string) => fake.calls.count({ service: 'organizations', operation });

const writes = () => fake.calls.count({ operation: 'CreateStackInstances' }) + fake.calls.count({ operation: 'UpdateStackInstances' });
const overrides = (account: string): Array<Record<string, string>> => fake.state.stackInstances('bedrock-baseline')
  .filter(i => i.account === account).map(i => ({ region: i.region, ...i.overrides }));

test('the first event creates the account\'s instances in every Region with its parameter overrides', async () => {
  const out = await onManagedAccountEvent(createdEvent(), context());
  expect(out.results![0]).toMatchObject({ created: REGIONS, updated: [], unchanged: [] });
  expect(overrides(NEW)).toEqual(REGIONS.map(region => ({ region, CostCenter: 'claims', MonthlyBudget: '500' })));
  expect(fake.state.stackInstances('bedrock-baseline').every(i => i.organizationalUnitId === OU)).toBe(true);
  expect(fake.calls.count({ operation: 'CreateStackInstances' })).toBe(1);
  expect(out.results![0].operationIds[0]).toBe(operationIdFor('create', 'bedrock-baseline', NEW, REGIONS, [
    { ParameterKey: 'CostCenter', ParameterValue: 'claims' }, { ParameterKey: 'MonthlyBudget', ParameterValue: '500' },
  ], sample.event.id));
});

test('a replayed event makes no write call; the same OperationId sent again would change nothing', async () => {
  await onManagedAccountEvent(createdEvent(), context());
  fake.calls.clear();
  const replay = await onManagedAccountEvent(createdEvent(), context());
  expect(replay.results![0]).toMatchObject({ created: [], updated: [], unchanged: REGIONS });
  expect(writes()).toBe(0);
  expect(fake.state.stackSet('bedrock-baseline')!.operations.size).toBe(1);
});

test('UpdateManagedAccount (a retried create is reported as an update) is handled the same way', async () => {
  const out = await onManagedAccountEvent(createdEvent(NEW, 'UpdateManagedAccount'), context());
  expect(out.results![0].created).toEqual(REGIONS);
});

test('parameters that changed are updated in place, only where they differ', async () => {
  await onManagedAccountEvent(createdEvent(), context());
  fake.calls.clear();
  const changed = settings({ parameters: { [NEW]: { CostCenter: 'claims', MonthlyBudget: '900' } } });
  const out = await onManagedAccountEvent(createdEvent(), context(changed));
  expect(out.results![0]).toMatchObject({ created: [], updated: REGIONS });
  expect(fake.calls.count({ operation: 'UpdateStackInstances' })).toBe(1);
  expect(fake.calls.count({ operation: 'CreateStackInstances' })).toBe(0);
  expect(overrides(NEW).map(o => o.MonthlyBudget)).toEqual(['900', '900']);
  // and back again: a new operation (the last operation ID is part of the update's ID), not a replay of the first
  const back = await onManagedAccountEvent(createdEvent(), context());
  expect(back.results![0].updated).toEqual(REGIONS);
  expect(overrides(NEW).map(o => o.MonthlyBudget)).toEqual(['500', '500']);
});

test('a Region added to the stack set gets an instance; the other Regions are left alone', async () => {
  await onManagedAccountEvent(createdEvent(), context());
  const more = settings({ stackSets: [{ stackSetName: 'bedrock-baseline', regions: [...REGIONS, 'ap-southeast-2'], callAs: 'SELF', region: 'us-east-1' }] });
  const out = await onManagedAccountEvent(createdEvent(), context(more));
  expect(out.results![0]).toMatchObject({ created: ['ap-southeast-2'], updated: [], unchanged: REGIONS });
});

test('account tags become parameters (explicit parameters win), read page by page', async () => {
  fake.state.tagOrganizationResource(NEW, { 'cost-center': 'underwriting', 'budget': '250', 'ignored': 'x' });
  fake.state.organization!.tagsPageSize = 1;
  const s = settings({ parameters: { [NEW]: { MonthlyBudget: '500' } }, parametersFromAccountTags: { 'cost-center': 'CostCenter', 'budget': 'MonthlyBudget' } });
  await onManagedAccountEvent(createdEvent(), context(s, org()));
  expect(overrides(NEW)[0]).toEqual({ region: 'us-east-1', CostCenter: 'underwriting', MonthlyBudget: '500' });
  expect(orgCalls('ListTagsForResource')).toBe(3);
});

test('a throttled ListTagsForResource is retried; an account Organizations does not know fails the invocation', async () => {
  fake.state.tagOrganizationResource(NEW, { 'cost-center': 'underwriting' });
  const s = settings({ parameters: {}, parametersFromAccountTags: { 'cost-center': 'CostCenter' } });
  fake.faults.throttle('organizations:ListTagsForResource', { times: 1 });
  await onManagedAccountEvent(createdEvent(), context(s, org()));
  expect(overrides(NEW)[0]).toEqual({ region: 'us-east-1', CostCenter: 'underwriting' });
  expect(fake.calls.count({ service: 'organizations', operation: 'ListTagsForResource', errorCode: 'TooManyRequestsException' })).toBe(1);
  fake.state.organization!.accounts.delete(NEW);
  await expect(onManagedAccountEvent(createdEvent(), context(s, org()))).rejects.toMatchObject({ name: 'TargetNotFoundException' });
});

test('an operation in progress on the stack set fails the invocation as retry-later, and the retry completes', async () => {
  const set = fake.state.stackSet('bedrock-baseline')!;
  set.holdOperations = true;
  // another account's operation is left running:
  await onManagedAccountEvent(createdEvent(OTHER), context(settings({ parameters: {} })));
  const error = await onManagedAccountEvent(createdEvent(), context()).catch(e => e);
  expect(error).toBeInstanceOf(RetryLaterError);
  expect(error).toMatchObject({ causeName: 'OperationInProgressException' });
  set.holdOperations = false;
  set.finishOperations();
  const retried = await onManagedAccountEvent(createdEvent(), context());
  expect(retried.results![0].created).toEqual(REGIONS);
});

test('events that are not a SUCCEEDED managed-account event, or name the management account, are ignored', async () => {
  const failed = createdEvent();
  (failed.detail!.serviceEventDetails!.createManagedAccountStatus as { state: string }).state = 'FAILED';
  expect(await onManagedAccountEvent(failed, context())).toMatchObject({ ignored: expect.stringContaining('FAILED') });
  expect(await onManagedAccountEvent(createdEvent(MANAGEMENT), context())).toMatchObject({ ignored: expect.stringContaining('management') });
  expect(writes()).toBe(0);
});

test('a missing stack set fails the invocation with StackSetNotFoundException (not retried as in-progress)', async () => {
  const s = settings({ stackSets: [{ stackSetName: 'missing', regions: REGIONS, callAs: 'SELF', region: 'us-east-1' }] });
  await expect(onManagedAccountEvent(createdEvent(), context(s))).rejects.toMatchObject({ name: 'StackSetNotFoundException' });
});

test('reconcile creates the missing instances, updates wrong ones, leaves correct ones alone, paced and paged', async () => {
  // OTHER already correct (no overrides wanted), NEW missing, THIRD with stale overrides
  const s = settings({ parameters: { [NEW]: { CostCenter: 'claims' }, [THIRD]: { CostCenter: 'marketing' } } });
  await onManagedAccountEvent(createdEvent(OTHER), context(s));
  await onManagedAccountEvent(createdEvent(THIRD), context(settings({ parameters: { [THIRD]: { CostCenter: 'stale' } } })));
  fake.calls.clear();
  // the management account and a suspended account in the OU too: neither is vended
  fake.state.addOrganizationAccount({ id: MANAGEMENT, parentId: OU });
  fake.state.addOrganizationAccount({ id: SUSPENDED, parentId: OU, state: 'SUSPENDED' });
  const sleeps: number[] = [];
  const result = await reconcile(context(s, org(1), sleeps));
  expect(result).toEqual({ accounts: 3, created: 2, updated: 2, retried: 0, failed: 0, left: 0, stackSetsLeft: 0 });
  expect(overrides(NEW).map(o => o.CostCenter)).toEqual(['claims', 'claims']);
  expect(overrides(THIRD).map(o => o.CostCenter)).toEqual(['marketing', 'marketing']);
  expect(overrides(OTHER)).toEqual(REGIONS.map(region => ({ region })));
  expect(fake.calls.count({ operation: 'CreateStackInstances' })).toBe(1);
  expect(fake.calls.count({ operation: 'UpdateStackInstances' })).toBe(1);
  expect(orgCalls('ListAccountsForParent')).toBe(5); // MaxResults 1, five accounts in the OU
  expect(sleeps).toEqual([250, 250]);
  // a second run changes nothing
  fake.calls.clear();
  expect(await reconcile(context(s, org()))).toEqual({ accounts: 3, created: 0, updated: 0, retried: 0, failed: 0, left: 0, stackSetsLeft: 0 });
  expect(writes()).toBe(0);
});

test('reconcile without Organizations covers the configured accounts whose OU an instance shows', async () => {
  await onManagedAccountEvent(createdEvent(), context(settings({ parameters: { [NEW]: { CostCenter: 'old' } } })));
  const result = await reconcile(context());
  expect(result).toMatchObject({ accounts: 1, updated: 2 });
});

test('reconcile goes on past an account that fails and fails at the end', async () => {
  fake.state.organization!.accounts.delete(THIRD);
  fake.state.stackSet('bedrock-baseline')!.holdOperations = true;
  const error = await reconcile(context(settings(), org())).catch(e => e);
  expect(error).toBeInstanceOf(RetryLaterError);
  expect(error.message).toContain('1 of 2');
});

describe('only accounts under the stack set\'s target OUs (finding 1)', () => {
  const OUTSIDE = 'ou-abcd-99999999';
  const CHILD = 'ou-abcd-22222222';
  const GRANDCHILD = 'ou-abcd-33333333';
  beforeEach(() => {
    fake.state.addOrganizationalUnit('outside', { id: OUTSIDE });
    fake.state.addOrganizationalUnit('child', { id: CHILD, parentId: OU });
    fake.state.addOrganizationalUnit('grandchild', { id: GRANDCHILD, parentId: CHILD });
  });
  const eventIn = (accountId: string, ou: string) => {
    const event = createdEvent(accountId);
    (event.detail!.serviceEventDetails!.createManagedAccountStatus!.organizationalUnit as { organizationalUnitId: string }).organizationalUnitId = ou;
    return event;
  };

  test('an account vended into an OU the stack set does not target gets nothing (read from DescribeStackSet)', async () => {
    fake.state.addOrganizationAccount({ id: THIRD, parentId: OUTSIDE });
    const out = await onManagedAccountEvent(eventIn(THIRD, OUTSIDE), context(settings(), org()));
    expect(out.results![0]).toMatchObject({ skipped: expect.stringContaining(`OU ${OUTSIDE} is not ${OU}`), created: [] });
    expect(writes()).toBe(0);
    expect(fake.calls.count({ operation: 'DescribeStackSet' })).toBe(1);
    expect(orgCalls('ListParents')).toBe(1); // OUTSIDE → the root: stop
  });

  test('an account in a grandchild OU of a target is vended; the walk up is cached per invocation', async () => {
    const s = settings({
      stackSets: [
        { stackSetName: 'bedrock-baseline', regions: REGIONS, callAs: 'SELF', region: 'us-east-1', organizationalUnits: [OU] },
        { stackSetName: 'second', regions: ['us-east-1'], callAs: 'SELF', region: 'us-east-1', organizationalUnits: [OU] },
      ],
    });
    // NEW in the grandchild this time
    fake.reset();
    fake.state.createOrganization({ rootId: 'r-abcd' });
    fake.state.addOrganizationalUnit('workloads', { id: OU });
    fake.state.addOrganizationalUnit('child', { id: CHILD, parentId: OU });
    fake.state.addOrganizationalUnit('grandchild', { id: GRANDCHILD, parentId: CHILD });
    fake.state.addOrganizationAccount({ id: NEW, parentId: GRANDCHILD });
    for (const name of ['bedrock-baseline', 'second']) {
      fake.state.createStackSet({ name, organizationalUnitIds: [OU], parameters: { CostCenter: 'none', MonthlyBudget: '0' }, organization: { [NEW]: GRANDCHILD } });
    }
    const out = await onManagedAccountEvent(eventIn(NEW, GRANDCHILD), context(s, org()));
    expect(out.results!.map(r => r.created)).toEqual([REGIONS, ['us-east-1']]);
    expect(orgCalls('ListParents')).toBe(2); // GRANDCHILD → CHILD → OU, once for both stack sets
    expect(fake.calls.count({ operation: 'DescribeStackSet' })).toBe(0); // organizationalUnits given
  });

  test('a root target covers every OU without a walk', async () => {
    const s = settings({ stackSets: [{ stackSetName: 'bedrock-baseline', regions: REGIONS, callAs: 'SELF', region: 'us-east-1', organizationalUnits: ['r-abcd'] }] });
    const out = await onManagedAccountEvent(createdEvent(), context(s, org()));
    expect(out.results![0].created).toEqual(REGIONS);
    expect(orgCalls('ListParents')).toBe(0);
  });
});

describe('failed instances are retried (finding 2)', () => {
  const status = (region: string) => cfnFor('us-east-1').send(new DescribeStackInstanceCommand({
    StackSetName: 'bedrock-baseline', StackInstanceAccount: NEW, StackInstanceRegion: region,
  })).then(o => `${o.StackInstance!.Status}/${o.StackInstance!.StackInstanceStatus!.DetailedStatus}`);

  test('an OUTDATED/FAILED instance with the right overrides is updated again with a new OperationId, until it is CURRENT', async () => {
    const set = fake.state.stackSet('bedrock-baseline')!;
    set.failingAccounts.add(NEW);
    await onManagedAccountEvent(createdEvent(), context());
    expect(await status('us-east-1')).toBe('OUTDATED/FAILED');
    // the same event again (EventBridge retry): the instances failed, so they are submitted again
    const again = await onManagedAccountEvent(createdEvent(), context());
    expect(again.results![0]).toMatchObject({ created: [], updated: [], retried: REGIONS });
    expect(fake.calls.count({ operation: 'UpdateStackInstances', outcome: 'ok' })).toBe(1);
    expect(set.operations.size).toBe(2);
    set.failingAccounts.delete(NEW);
    const third = await onManagedAccountEvent(createdEvent(), context());
    expect(third.results![0].retried).toEqual(REGIONS);
    expect(third.results![0].operationIds[0]).not.toBe(again.results![0].operationIds[0]);
    expect(await status('eu-west-1')).toBe('CURRENT/SUCCEEDED');
    expect(set.operations.size).toBe(3);
    // now nothing to do: a replay writes nothing
    fake.calls.clear();
    const replay = await onManagedAccountEvent(createdEvent(), context());
    expect(replay.results![0]).toMatchObject({ retried: [], unchanged: REGIONS });
    expect(writes()).toBe(0);
  });

  test('a CANCELLED instance is retried by the reconcile; PENDING/RUNNING and INOPERABLE ones are left alone', async () => {
    await onManagedAccountEvent(createdEvent(), context());
    const [east, west] = fake.state.stackInstances('bedrock-baseline');
    Object.assign(east, { status: 'OUTDATED', detailedStatus: 'CANCELLED' });
    Object.assign(west, { status: 'INOPERABLE', detailedStatus: 'INOPERABLE' });
    const result = await reconcile(context(settings({ parameters: { [NEW]: { CostCenter: 'claims', MonthlyBudget: '500' } } }), org()));
    expect(result).toMatchObject({ retried: 1, updated: 0 });
    expect(fake.state.stackInstances('bedrock-baseline').filter(i => i.account === NEW).map(i => i.status)).toEqual(['CURRENT', 'INOPERABLE']);
    Object.assign(fake.state.stackInstances('bedrock-baseline')[0], { status: 'OUTDATED', detailedStatus: 'RUNNING' });
    fake.calls.clear();
    await onManagedAccountEvent(createdEvent(), context());
    expect(writes()).toBe(0);
  });
});

describe('parameter keys the hook manages (finding 6)', () => {
  beforeEach(() => {
    fake.state.createStackSet({
      name: 'bedrock-baseline',
      organizationalUnitIds: [OU],
      parameters: { CostCenter: 'none', MonthlyBudget: '0', Owner: 'platform' },
      organization: { [NEW]: OU, [OTHER]: OU, [THIRD]: OU },
    });
  });

  test('an override of a key the hook does not manage is kept (UsePreviousValue) and does not count as a difference', async () => {
    await onManagedAccountEvent(createdEvent(), context());
    for (const i of fake.state.stackInstances('bedrock-baseline')) i.overrides.Owner = 'team-a'; // set by hand
    fake.calls.clear();
    const replay = await onManagedAccountEvent(createdEvent(), context());
    expect(replay.results![0].unchanged).toEqual(REGIONS);
    expect(writes()).toBe(0);
    await onManagedAccountEvent(createdEvent(), context(settings({ parameters: { [NEW]: { CostCenter: 'claims', MonthlyBudget: '900' } } })));
    expect(overrides(NEW)[0]).toEqual({ region: 'us-east-1', CostCenter: 'claims', MonthlyBudget: '900', Owner: 'team-a' });
  });

  test('an account removed from parameters gets the stack set\'s values back for the managed keys only', async () => {
    await onManagedAccountEvent(createdEvent(), context());
    for (const i of fake.state.stackInstances('bedrock-baseline')) i.overrides.Owner = 'team-a';
    // NEW is no longer configured; OTHER still is, so CostCenter and MonthlyBudget stay managed keys
    const s = settings({ parameters: { [OTHER]: { CostCenter: 'marketing', MonthlyBudget: '100' } } });
    const out = await onManagedAccountEvent(createdEvent(), context(s));
    expect(out.results![0].updated).toEqual(REGIONS);
    expect(overrides(NEW)).toEqual(REGIONS.map(region => ({ region, Owner: 'team-a' })));
  });
});

test('a stack set in another Region than the hook is called in its own Region (finding 4)', async () => {
  fake.state.createStackSet({ name: 'regional', region: 'eu-west-1', organizationalUnitIds: [OU], parameters: { CostCenter: 'none' }, organization: { [NEW]: OU } });
  const s = settings({
    stackSets: [{ stackSetName: 'regional', regions: ['us-east-1', 'eu-west-1'], callAs: 'SELF', region: 'eu-west-1' }],
    parameters: { [NEW]: { CostCenter: 'claims' } },
  });
  const out = await onManagedAccountEvent(createdEvent(), context(s));
  expect(out.results![0].created).toEqual(['us-east-1', 'eu-west-1']);
  expect(fake.state.stackInstances('regional', 'eu-west-1')).toHaveLength(2);
  expect(fake.calls.count({ operation: 'CreateStackInstances', region: 'eu-west-1' })).toBe(1);
  expect(fake.calls.count({ service: 'cloudformation', region: 'us-east-1' })).toBe(0);
});

describe('reconcile walks the OU tree (finding 5)', () => {
  const CHILD = 'ou-abcd-22222222';
  const GRANDCHILD = 'ou-abcd-33333333';
  const DEEP = '555555555555';
  beforeEach(() => {
    fake.state.addOrganizationalUnit('child', { id: CHILD, parentId: OU });
    fake.state.addOrganizationalUnit('grandchild', { id: GRANDCHILD, parentId: CHILD });
    fake.state.addOrganizationalUnit('empty', { id: 'ou-abcd-55555555', parentId: OU });
    fake.state.addOrganizationalUnit('sibling', { id: 'ou-abcd-44444444' }); // not under the target
    fake.state.addOrganizationAccount({ id: DEEP, parentId: GRANDCHILD });
    fake.state.addOrganizationAccount({ id: '666666666666', parentId: 'ou-abcd-44444444' });
    fake.state.createStackSet({
      name: 'bedrock-baseline',
      organizationalUnitIds: [OU],
      parameters: { CostCenter: 'none', MonthlyBudget: '0' },
      organization: { [NEW]: OU, [OTHER]: OU, [THIRD]: OU, [DEEP]: GRANDCHILD, ['666666666666']: 'ou-abcd-44444444' },
    });
  });

  test('accounts in child and grandchild OUs are reconciled; OUs listed page by page; others are not', async () => {
    const result = await reconcile(context(settings(), org(1)));
    expect(result).toMatchObject({ accounts: 4, created: 8, failed: 0, left: 0 });
    expect(fake.state.stackInstances('bedrock-baseline').filter(i => i.account === DEEP).map(i => i.organizationalUnitId)).toEqual([GRANDCHILD, GRANDCHILD]);
    expect(overrides('666666666666')).toEqual([]);
    // MaxResults 1: OU has two child OUs (two pages), CHILD, GRANDCHILD and the empty OU one page each
    expect(orgCalls('ListOrganizationalUnitsForParent')).toBe(5);
  });

  test('near the deadline the run stops before the next account and reports how many are left', async () => {
    let remaining = RECONCILE_RESERVE_MS + 10_000;
    const sleeps: number[] = [];
    const ctx = context(settings(), org(), sleeps, { remainingMs: () => remaining });
    const originalSleep = ctx.sleep;
    const run = reconcile({ ...ctx, sleep: async ms => { remaining = RECONCILE_RESERVE_MS - 1; await originalSleep(ms); } });
    const result = await run;
    expect(result).toMatchObject({ accounts: 2, left: 2, failed: 0 });
  });
});
