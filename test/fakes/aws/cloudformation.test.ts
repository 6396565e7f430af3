import {
  CloudFormationClient, CreateStackInstancesCommand, DescribeStackInstanceCommand, DescribeStackSetCommand,
  ListStackInstancesCommand, UpdateStackInstancesCommand,
} from '@aws-sdk/client-cloudformation';
import { AwsFake, startAwsFake } from './index';

const ADMIN = '999988887777';
const A = '111111111111';
const B = '222222222222';
const OU = 'ou-abcd-11111111';
let fake: AwsFake;
let cfn: CloudFormationClient;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: ADMIN });
  cfn = new CloudFormationClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => fake.stop());
beforeEach(() => {
  fake.reset();
  fake.state.createStackSet({ name: 'baseline', organizationalUnitIds: [OU], parameters: { CostCenter: 'none' }, organization: { [A]: OU, [B]: OU } });
});

const create = (extra: object = {}) => cfn.send(new CreateStackInstancesCommand({
  StackSetName: 'baseline',
  DeploymentTargets: { OrganizationalUnitIds: [OU], Accounts: [A], AccountFilterType: 'INTERSECTION' },
  Regions: ['us-east-1', 'eu-west-1'],
  ParameterOverrides: [{ ParameterKey: 'CostCenter', ParameterValue: 'claims' }],
  OperationId: 'op-1',
  ...extra,
}));

test('DescribeStackSet lists the target OUs; an unknown stack set is StackSetNotFoundException', async () => {
  const out = await cfn.send(new DescribeStackSetCommand({ StackSetName: 'baseline' }));
  expect(out.StackSet).toMatchObject({ StackSetName: 'baseline', PermissionModel: 'SERVICE_MANAGED', OrganizationalUnitIds: [OU] });
  await expect(cfn.send(new DescribeStackSetCommand({ StackSetName: 'nope' }))).rejects.toMatchObject({ name: 'StackSetNotFoundException' });
});

test('CreateStackInstances with INTERSECTION creates the account\'s instances only, with its overrides', async () => {
  await expect(create()).resolves.toMatchObject({ OperationId: 'op-1' });
  const instances = fake.state.stackInstances('baseline');
  expect(instances.map(i => `${i.account}/${i.region}`)).toEqual([`${A}/us-east-1`, `${A}/eu-west-1`]);
  const described = await cfn.send(new DescribeStackInstanceCommand({ StackSetName: 'baseline', StackInstanceAccount: A, StackInstanceRegion: 'eu-west-1' }));
  expect(described.StackInstance).toMatchObject({
    Account: A, OrganizationalUnitId: OU, LastOperationId: 'op-1', ParameterOverrides: [{ ParameterKey: 'CostCenter', ParameterValue: 'claims' }],
  });
});

test('the same OperationId with the same request is a no-op; with another request it is OperationIdAlreadyExistsException', async () => {
  await create();
  await expect(create()).resolves.toMatchObject({ OperationId: 'op-1' });
  expect(fake.state.stackSet('baseline')!.operations.size).toBe(1);
  await expect(create({ Regions: ['us-west-2'] })).rejects.toMatchObject({ name: 'OperationIdAlreadyExistsException' });
});

test('a running operation makes the next one OperationInProgressException (409)', async () => {
  fake.state.stackSet('baseline')!.holdOperations = true;
  await create();
  expect(fake.state.stackInstances('baseline')).toHaveLength(0);
  const error = await create({ OperationId: 'op-2', Regions: ['us-west-2'] }).catch(e => e);
  expect(error).toMatchObject({ name: 'OperationInProgressException', $metadata: { httpStatusCode: 409 } });
  fake.state.stackSet('baseline')!.finishOperations();
  expect(fake.state.stackInstances('baseline')).toHaveLength(2);
});

test('service-managed stack sets refuse Accounts, UNION on create, and unknown parameters', async () => {
  await expect(cfn.send(new CreateStackInstancesCommand({ StackSetName: 'baseline', Accounts: [A], Regions: ['us-east-1'] })))
    .rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('SERVICE_MANAGED') });
  await expect(create({ DeploymentTargets: { OrganizationalUnitIds: [OU], Accounts: [A] } }))
    .rejects.toMatchObject({ message: expect.stringContaining('UNION is not supported') });
  await expect(create({ ParameterOverrides: [{ ParameterKey: 'Nope', ParameterValue: 'x' }] }))
    .rejects.toMatchObject({ message: expect.stringContaining('[Nope] do not exist') });
});

test('requests are validated against the model (account pattern, OU pattern)', async () => {
  await expect(create({ DeploymentTargets: { OrganizationalUnitIds: ['ou-X'], Accounts: [A], AccountFilterType: 'INTERSECTION' } }))
    .rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('organizationalUnitIds') });
  await expect(cfn.send(new DescribeStackInstanceCommand({ StackSetName: 'baseline', StackInstanceAccount: '123', StackInstanceRegion: 'us-east-1' })))
    .rejects.toMatchObject({ name: 'ValidationError' });
});

test('UpdateStackInstances replaces the overrides; a missing instance is StackInstanceNotFoundException', async () => {
  await create();
  await cfn.send(new UpdateStackInstancesCommand({
    StackSetName: 'baseline',
    Regions: ['us-east-1'],
    OperationId: 'op-2',
    DeploymentTargets: { OrganizationalUnitIds: [OU], Accounts: [A], AccountFilterType: 'INTERSECTION' },
    ParameterOverrides: [{ ParameterKey: 'CostCenter', ParameterValue: 'underwriting' }],
  }));
  expect(fake.state.stackInstances('baseline').map(i => i.overrides.CostCenter)).toEqual(['underwriting', 'claims']);
  await expect(cfn.send(new UpdateStackInstancesCommand({
    StackSetName: 'baseline',
    Regions: ['us-east-1'],
    OperationId: 'op-3',
    DeploymentTargets: { OrganizationalUnitIds: [OU], Accounts: [B], AccountFilterType: 'INTERSECTION' },
  }))).rejects.toMatchObject({ name: 'StackInstanceNotFoundException' });
});

test('ListStackInstances pages by MaxResults with a NextToken', async () => {
  await create({ DeploymentTargets: { OrganizationalUnitIds: [OU], AccountFilterType: 'NONE' } });
  const first = await cfn.send(new ListStackInstancesCommand({ StackSetName: 'baseline', MaxResults: 3 }));
  expect(first.Summaries).toHaveLength(3);
  const second = await cfn.send(new ListStackInstancesCommand({ StackSetName: 'baseline', MaxResults: 3, NextToken: first.NextToken }));
  expect(second.Summaries).toHaveLength(1);
  expect(second.NextToken).toBeUndefined();
});

test('an account seeded to fail leaves its instances OUTDATED/FAILED; a new OperationId retries them, the same one does nothing', async () => {
  const set = fake.state.stackSet('baseline')!;
  set.failingAccounts.add(A);
  await create();
  const failed = await cfn.send(new DescribeStackInstanceCommand({ StackSetName: 'baseline', StackInstanceAccount: A, StackInstanceRegion: 'us-east-1' }));
  expect(failed.StackInstance).toMatchObject({ Status: 'OUTDATED', StackInstanceStatus: { DetailedStatus: 'FAILED' }, LastOperationId: 'op-1' });
  expect(set.operations.get('op-1')!.status).toBe('FAILED');
  const listed = await cfn.send(new ListStackInstancesCommand({ StackSetName: 'baseline' }));
  expect(listed.Summaries!.map(s => s.Status)).toEqual(['OUTDATED', 'OUTDATED']);
  set.failingAccounts.delete(A);
  await create();
  expect(fake.state.stackInstances('baseline').map(i => i.status)).toEqual(['OUTDATED', 'OUTDATED']);
  await create({ OperationId: 'op-2' });
  expect(fake.state.stackInstances('baseline').map(i => `${i.status}/${i.detailedStatus}/${i.lastOperationId}`))
    .toEqual(['CURRENT/SUCCEEDED/op-2', 'CURRENT/SUCCEEDED/op-2']);
});

test('UsePreviousValue keeps an override; a list without a key sets it back to the stack set\'s value', async () => {
  fake.reset();
  fake.state.createStackSet({ name: 'baseline', organizationalUnitIds: [OU], parameters: { CostCenter: 'none', Owner: 'x' }, organization: { [A]: OU } });
  await create({ ParameterOverrides: [{ ParameterKey: 'CostCenter', ParameterValue: 'claims' }, { ParameterKey: 'Owner', ParameterValue: 'me' }] });
  const update = (ParameterOverrides: object[], OperationId: string) => cfn.send(new UpdateStackInstancesCommand({
    StackSetName: 'baseline',
    Regions: ['us-east-1'],
    OperationId,
    ParameterOverrides,
    DeploymentTargets: { OrganizationalUnitIds: [OU], Accounts: [A], AccountFilterType: 'INTERSECTION' },
  }));
  await update([{ ParameterKey: 'Owner', UsePreviousValue: true }], 'op-2');
  expect(fake.state.stackInstances('baseline')[0].overrides).toEqual({ Owner: 'me' });
  await update([], 'op-3');
  expect(fake.state.stackInstances('baseline')[0].overrides).toEqual({});
});
