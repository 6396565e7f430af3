/**
 * The function's IAM wiring: the IamWriter made from the real @aws-sdk/client-iam IAMClient
 * (aws-sdk-client-mock in front of it) sends the commands the enforcement means, with its inputs —
 * a session deny is GetRole (for the role's unique ID) then PutRolePolicy with the aws:userid
 * condition; a cost center's deny is AttachRolePolicy of its deny policy on each role.
 */
import {
  AttachRolePolicyCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { SETTINGS } from './fixtures';
import { silentLogger } from '../../../lambda/shared/log';
import { applyDeny, iamWriterOf, removeDeny, RoleIds } from '../../../lambda/spend-meter/enforcement-iam';
import { MeterSettings } from '../../../src/contracts/spend-meter';

const iamMock = mockClient(IAMClient);
afterEach(() => iamMock.reset());

const DENY_POLICY = 'arn:aws:iam::123456789012:policy/claims-deny';
const settings: MeterSettings = {
  ...SETTINGS,
  enforcement: { costCenters: { claims: { denyPolicyArn: DENY_POLICY, roleNames: ['claims-app', 'claims-batch'] } } },
};

function context() {
  const iam = iamWriterOf(new IAMClient({ region: 'us-east-1', maxAttempts: 1 }));
  return { iam, roles: new RoleIds(iam, { maxAttempts: 1 }, silentLogger), settings, retry: { maxAttempts: 1 }, log: silentLogger };
}

test('a cost center over its cap: AttachRolePolicy of its deny policy on each of its roles; lifting detaches them', async () => {
  iamMock.on(AttachRolePolicyCommand).resolves({});
  iamMock.on(DetachRolePolicyCommand).resolves({});
  const ctx = context();
  const applied = await applyDeny(ctx, 'CC', 'claims', 'month');
  expect(iamMock.commandCalls(AttachRolePolicyCommand).map((c) => c.args[0].input)).toEqual([
    { RoleName: 'claims-app', PolicyArn: DENY_POLICY }, { RoleName: 'claims-batch', PolicyArn: DENY_POLICY },
  ]);
  await removeDeny(ctx, applied);
  expect(iamMock.commandCalls(DetachRolePolicyCommand)).toHaveLength(2);
});

test('a session over its cap: GetRole for the role ID, then an inline deny scoped to that session by aws:userid', async () => {
  iamMock.on(GetRoleCommand).resolves({ Role: { RoleId: 'AROAEXAMPLEID', Path: '/', RoleName: 'shared', Arn: 'arn:aws:iam::123456789012:role/shared', CreateDate: new Date() } });
  iamMock.on(PutRolePolicyCommand).resolves({});
  iamMock.on(DeleteRolePolicyCommand).resolves({});
  const ctx = context();
  const applied = await applyDeny(ctx, 'PRINCIPAL', 'arn:aws:sts::123456789012:assumed-role/shared/alice', 'day');
  expect(iamMock.commandCalls(GetRoleCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: 'shared' }]);
  const [put] = iamMock.commandCalls(PutRolePolicyCommand).map((c) => c.args[0].input);
  expect(put.RoleName).toBe('shared');
  expect(put.PolicyName).toBe('BedrockSpendCap-Daily-alice');
  expect(JSON.parse(put.PolicyDocument!).Statement).toEqual([expect.objectContaining({
    Effect: 'Deny',
    Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
    Resource: ['*'],
    Condition: { StringLike: { 'aws:userid': 'AROAEXAMPLEID:alice' } },
  })]);
  await removeDeny(ctx, applied);
  expect(iamMock.commandCalls(DeleteRolePolicyCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: 'shared', PolicyName: 'BedrockSpendCap-Daily-alice' }]);
});
