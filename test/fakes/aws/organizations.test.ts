import {
  ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, ListParentsCommand, ListTagsForResourceCommand, OrganizationsClient,
  paginateListAccountsForParent,
} from '@aws-sdk/client-organizations';
import { AwsFake, startAwsFake } from './index';

const MANAGEMENT = '999988887777';
const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const OU = 'ou-examp-11111111';
let fake: AwsFake;
let org: OrganizationsClient;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: MANAGEMENT });
  org = new OrganizationsClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  org.destroy();
  await fake.stop();
});
beforeEach(() => {
  fake.reset();
  fake.state.createOrganization({ tagsPageSize: 2 });
  fake.state.addOrganizationalUnit('workloads', { id: OU });
  const child = fake.state.addOrganizationalUnit('sandbox', { parentId: OU });
  fake.state.addOrganizationAccount({ id: B, parentId: OU, tags: { 'cost-center': 'claims', 'budget': '250', 'owner': 'x' } });
  fake.state.addOrganizationAccount({ id: A, parentId: OU, state: 'SUSPENDED' });
  fake.state.addOrganizationAccount({ id: C, parentId: child.id });
});

test('ListAccountsForParent lists the accounts directly in the OU, page by page (MaxResults), with State', async () => {
  const first = await org.send(new ListAccountsForParentCommand({ ParentId: OU, MaxResults: 1 }));
  expect(first.Accounts).toMatchObject([{ Id: A, State: 'SUSPENDED', Status: 'SUSPENDED', Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-exampleorg1/${A}` }]);
  expect(first.NextToken).toBeDefined();
  const second = await org.send(new ListAccountsForParentCommand({ ParentId: OU, MaxResults: 1, NextToken: first.NextToken }));
  expect(second.Accounts!.map(a => a.Id)).toEqual([B]);
  expect(second.NextToken).toBeUndefined();
  const ids: string[] = [];
  for await (const page of paginateListAccountsForParent({ client: org, pageSize: 1 }, { ParentId: 'r-examp' })) ids.push(...page.Accounts!.map(a => a.Id!));
  expect(ids).toEqual([MANAGEMENT]);
  expect(fake.calls.count({ service: 'organizations', operation: 'ListAccountsForParent' })).toBe(3);
});

test('ListAccountsForParent refuses an unknown parent, MaxResults above 20 and a token of another request', async () => {
  await expect(org.send(new ListAccountsForParentCommand({ ParentId: 'ou-examp-99999999' }))).rejects.toMatchObject({ name: 'ParentNotFoundException' });
  await expect(org.send(new ListAccountsForParentCommand({ ParentId: OU, MaxResults: 21 }))).rejects.toMatchObject({ name: 'InvalidInputException' });
  const first = await org.send(new ListAccountsForParentCommand({ ParentId: OU, MaxResults: 1 }));
  await expect(org.send(new ListAccountsForParentCommand({ ParentId: 'r-examp', NextToken: first.NextToken })))
    .rejects.toMatchObject({ name: 'InvalidInputException', Reason: 'INVALID_NEXT_TOKEN' });
});

test('ListTagsForResource pages an account\'s tags by the service\'s page size; unknown targets are TargetNotFoundException', async () => {
  const first = await org.send(new ListTagsForResourceCommand({ ResourceId: B }));
  expect(first.Tags).toEqual([{ Key: 'budget', Value: '250' }, { Key: 'cost-center', Value: 'claims' }]);
  const second = await org.send(new ListTagsForResourceCommand({ ResourceId: B, NextToken: first.NextToken }));
  expect(second).toMatchObject({ Tags: [{ Key: 'owner', Value: 'x' }] });
  expect(second.NextToken).toBeUndefined();
  expect((await org.send(new ListTagsForResourceCommand({ ResourceId: A }))).Tags).toEqual([]);
  await expect(org.send(new ListTagsForResourceCommand({ ResourceId: '444444444444' }))).rejects.toMatchObject({ name: 'TargetNotFoundException' });
});

test('only the management account and delegated administrators may list; without an organization AWSOrganizationsNotInUseException', async () => {
  const member = new OrganizationsClient({ ...fake.clientConfig({ accountId: B }), maxAttempts: 1 });
  try {
    await expect(member.send(new ListTagsForResourceCommand({ ResourceId: B }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    fake.state.organization!.delegatedAdministrators.add(B);
    await expect(member.send(new ListTagsForResourceCommand({ ResourceId: B }))).resolves.toBeDefined();
  } finally {
    member.destroy();
  }
  fake.reset();
  await expect(org.send(new ListAccountsForParentCommand({ ParentId: OU }))).rejects.toMatchObject({ name: 'AWSOrganizationsNotInUseException' });
});

test('injected throttling answers TooManyRequestsException', async () => {
  fake.faults.throttle('organizations:*', { times: 1 });
  await expect(org.send(new ListTagsForResourceCommand({ ResourceId: B }))).rejects.toMatchObject({ name: 'TooManyRequestsException' });
});

test('ListOrganizationalUnitsForParent lists the OUs directly in a parent, paged; ListParents names an OU\'s or account\'s one parent', async () => {
  const child = [...fake.state.organization!.units.values()].find(u => u.name === 'sandbox')!;
  const grandchild = fake.state.addOrganizationalUnit('deep', { parentId: child.id });
  fake.state.addOrganizationalUnit('second', { parentId: OU });
  const first = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: OU, MaxResults: 1 }));
  expect(first.OrganizationalUnits).toHaveLength(1);
  const second = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: OU, MaxResults: 1, NextToken: first.NextToken }));
  expect(second.NextToken).toBeUndefined();
  expect([...first.OrganizationalUnits!, ...second.OrganizationalUnits!].map(u => u.Name).sort()).toEqual(['sandbox', 'second']);
  expect(first.OrganizationalUnits![0].Arn).toMatch(new RegExp(`^arn:aws:organizations::${MANAGEMENT}:ou/o-exampleorg1/ou-`));
  expect((await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'r-examp' }))).OrganizationalUnits!.map(u => u.Id)).toEqual([OU]);
  await expect(org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'ou-examp-99999999' }))).rejects.toMatchObject({ name: 'ParentNotFoundException' });

  expect((await org.send(new ListParentsCommand({ ChildId: grandchild.id }))).Parents).toEqual([{ Id: child.id, Type: 'ORGANIZATIONAL_UNIT' }]);
  expect((await org.send(new ListParentsCommand({ ChildId: OU }))).Parents).toEqual([{ Id: 'r-examp', Type: 'ROOT' }]);
  expect((await org.send(new ListParentsCommand({ ChildId: C }))).Parents).toEqual([{ Id: child.id, Type: 'ORGANIZATIONAL_UNIT' }]);
  await expect(org.send(new ListParentsCommand({ ChildId: '555555555555' }))).rejects.toMatchObject({ name: 'ChildNotFoundException' });
  // a root is not a child ([model] ChildId pattern)
  await expect(org.send(new ListParentsCommand({ ChildId: 'r-examp' }))).rejects.toMatchObject({ name: 'InvalidInputException' });
});
