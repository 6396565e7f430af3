import {
  AttachRolePolicyCommand, DeleteRolePolicyCommand, DeleteUserPolicyCommand, DetachRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand,
  IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, PutRolePolicyCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AwsFake, fastRetries, startAwsFake } from './index';

const ACCOUNT = '123456789012';
const DENY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'bedrock:InvokeModel', Resource: '*' }] });
const SSO_PATH = '/aws-reserved/sso.amazonaws.com/';

let fake: AwsFake;
let iam: IAMClient;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: ACCOUNT });
  iam = new IAMClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
afterEach(() => fake.reset());
afterAll(async () => {
  iam.destroy();
  await fake.stop();
});

test('GetRole returns the seeded role (RoleId AROA…, path, ARN); names are case-insensitive; a missing role is NoSuchEntity 404', async () => {
  const created = fake.state.createRole('claims-app', { path: '/apps/' });
  expect(created).toEqual({ arn: `arn:aws:iam::${ACCOUNT}:role/apps/claims-app`, roleId: expect.stringMatching(/^AROA[A-Z0-9]{17}$/) });
  const out = await iam.send(new GetRoleCommand({ RoleName: 'Claims-App' }));
  expect(out.Role).toMatchObject({ RoleName: 'claims-app', RoleId: created.roleId, Path: '/apps/', Arn: created.arn });
  expect(out.Role!.CreateDate).toBeInstanceOf(Date);
  await expect(iam.send(new GetRoleCommand({ RoleName: 'nobody' })))
    .rejects.toMatchObject({ name: 'NoSuchEntityException', message: 'The role with name nobody cannot be found.', $metadata: { httpStatusCode: 404 } });
});

test('Attach / List / Detach managed policies: attaching twice is one attachment; detaching what is not attached is NoSuchEntity', async () => {
  fake.state.createRole('claims-app');
  const policyArn = fake.state.createPolicy('claims-deny', DENY);
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'claims-app', PolicyArn: policyArn }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'claims-app', PolicyArn: policyArn }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'claims-app', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
  expect(fake.state.attachedRolePolicies('claims-app')).toEqual([policyArn, 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
  const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'claims-app', MaxItems: 1 }));
  expect(listed).toMatchObject({ AttachedPolicies: [{ PolicyName: 'claims-deny', PolicyArn: policyArn }], IsTruncated: true });
  const rest = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'claims-app', Marker: listed.Marker }));
  expect(rest).toMatchObject({ AttachedPolicies: [{ PolicyName: 'ReadOnlyAccess' }], IsTruncated: false });
  await iam.send(new DetachRolePolicyCommand({ RoleName: 'claims-app', PolicyArn: policyArn }));
  expect(fake.state.attachedRolePolicies('claims-app')).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
  await expect(iam.send(new DetachRolePolicyCommand({ RoleName: 'claims-app', PolicyArn: policyArn })))
    .rejects.toMatchObject({ name: 'NoSuchEntityException', message: `Policy ${policyArn} was not found.` });
  await expect(iam.send(new AttachRolePolicyCommand({ RoleName: 'claims-app', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/missing` })))
    .rejects.toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } });
});

test('more than 10 managed policies on a role is LimitExceeded (409)', async () => {
  fake.state.createRole('r');
  for (let i = 0; i < 10; i++) await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: fake.state.createPolicy(`p${i}`, DENY) }));
  await expect(iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: fake.state.createPolicy('p10', DENY) })))
    .rejects.toMatchObject({ name: 'LimitExceededException', message: 'Cannot exceed quota for PoliciesPerRole: 10', $metadata: { httpStatusCode: 409 } });
});

test('inline role policies: Put replaces, Get returns the document URL-encoded, List sorts names, Delete removes', async () => {
  fake.state.createRole('claims-app');
  await iam.send(new PutRolePolicyCommand({ RoleName: 'claims-app', PolicyName: 'b-deny', PolicyDocument: DENY }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'claims-app', PolicyName: 'a-deny', PolicyDocument: DENY }));
  expect(fake.state.rolePolicies('claims-app')).toEqual({ 'b-deny': DENY, 'a-deny': DENY });
  expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'claims-app' }))).PolicyNames).toEqual(['a-deny', 'b-deny']);
  const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'claims-app', PolicyName: 'a-deny' }));
  expect(decodeURIComponent(got.PolicyDocument!)).toBe(DENY);
  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'claims-app', PolicyName: 'a-deny' }));
  expect(Object.keys(fake.state.rolePolicies('claims-app')!)).toEqual(['b-deny']);
  await expect(iam.send(new DeleteRolePolicyCommand({ RoleName: 'claims-app', PolicyName: 'a-deny' })))
    .rejects.toMatchObject({ name: 'NoSuchEntityException', message: 'The role policy with name a-deny cannot be found.' });
});

test('a role\'s inline policies together may hold 10,240 non-white-space characters: one more is LimitExceeded (409)', async () => {
  fake.state.createRole('r');
  const doc = (n: number) => {
    const base = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'bedrock:InvokeModel', Resource: '*', Sid: '' }] });
    return base.replace('"Sid":""', `"Sid":"${'A'.repeat(n - base.length)}"`);
  };
  await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'one', PolicyDocument: doc(6000) }));
  // white space does not count
  await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'two', PolicyDocument: JSON.stringify(JSON.parse(doc(4240)), undefined, 8) }));
  await expect(iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'two', PolicyDocument: doc(4241) })))
    .rejects.toMatchObject({ name: 'LimitExceededException', message: 'Maximum policy size of 10240 bytes exceeded for role r', $metadata: { httpStatusCode: 409 } });
  // replacing a policy counts its new size only
  await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'one', PolicyDocument: doc(5000) }));
});

test.each([
  ['not JSON', '{"Version":', 'This policy contains invalid Json'],
  ['no Statement', '{"Version":"2012-10-17"}', 'Syntax errors in policy.'],
  ['a Principal', JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }] }), 'Policy document should not specify a principal.'],
  ['no Effect', JSON.stringify({ Statement: [{ Action: '*', Resource: '*' }] }), 'Missing required field Effect'],
  ['no Action', JSON.stringify({ Statement: [{ Effect: 'Deny', Resource: '*' }] }), 'Policy statement must contain actions.'],
])('a document with %s is MalformedPolicyDocument', async (_label, document, message) => {
  fake.state.createRole('r');
  fake.state.createUser('alice');
  await expect(iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: document })))
    .rejects.toMatchObject({ name: 'MalformedPolicyDocumentException', message, $metadata: { httpStatusCode: 400 } });
  await expect(iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'p', PolicyDocument: document })))
    .rejects.toMatchObject({ name: 'MalformedPolicyDocumentException', message });
});

test('an IAM Identity Center role can be read but not changed: UnmodifiableEntity', async () => {
  const { roleId } = fake.state.createRole('AWSReservedSSO_Developer_0123456789abcdef', { path: SSO_PATH });
  expect((await iam.send(new GetRoleCommand({ RoleName: 'AWSReservedSSO_Developer_0123456789abcdef' }))).Role).toMatchObject({ RoleId: roleId, Path: SSO_PATH });
  const unmodifiable = { name: 'UnmodifiableEntityException', message: expect.stringContaining('this role is only modifiable by AWS'), $metadata: { httpStatusCode: 400 } };
  await expect(iam.send(new PutRolePolicyCommand({ RoleName: 'AWSReservedSSO_Developer_0123456789abcdef', PolicyName: 'p', PolicyDocument: DENY })))
    .rejects.toMatchObject(unmodifiable);
  await expect(iam.send(new AttachRolePolicyCommand({ RoleName: 'AWSReservedSSO_Developer_0123456789abcdef', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })))
    .rejects.toMatchObject(unmodifiable);
  expect(fake.state.rolePolicies('AWSReservedSSO_Developer_0123456789abcdef')).toEqual({});
});

test('inline user policies: Put, Delete, NoSuchEntity for a missing user, 2,048 characters at most', async () => {
  const alice = fake.state.createUser('alice', { path: '/staff/' });
  expect(alice).toEqual({ arn: `arn:aws:iam::${ACCOUNT}:user/staff/alice`, userId: expect.stringMatching(/^AIDA[A-Z0-9]{17}$/) });
  await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'deny', PolicyDocument: DENY }));
  expect(fake.state.userPolicies('alice')).toEqual({ deny: DENY });
  await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'deny' }));
  expect(fake.state.userPolicies('alice')).toEqual({});
  await expect(iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'deny' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  await expect(iam.send(new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'deny', PolicyDocument: DENY })))
    .rejects.toMatchObject({ name: 'NoSuchEntityException', message: 'The user with name bob cannot be found.' });
  const big = JSON.stringify({ Statement: [{ Effect: 'Deny', Action: 'bedrock:InvokeModel', Resource: '*', Sid: 'A'.repeat(2100) }] });
  await expect(iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'big', PolicyDocument: big })))
    .rejects.toMatchObject({ name: 'LimitExceededException', message: 'Maximum policy size of 2048 bytes exceeded for user alice' });
});

test('inputs are validated against the IAM model (ValidationError)', async () => {
  await expect(iam.send(new GetRoleCommand({ RoleName: 'bad name' })))
    .rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining("at 'roleName'"), $metadata: { httpStatusCode: 400 } });
  await expect(iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p/q', PolicyDocument: DENY })))
    .rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining("at 'policyName'") });
});

test('IAM access checks: refused as AccessDenied (403) in IAM\'s words', async () => {
  fake.state.createRole('claims-app');
  fake.state.access().setIdentityPolicy([{ actions: ['iam:GetRole'] }]);
  await iam.send(new GetRoleCommand({ RoleName: 'claims-app' }));
  await expect(iam.send(new AttachRolePolicyCommand({ RoleName: 'claims-app', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }))).rejects.toMatchObject({
    name: 'AccessDenied',
    message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/FakeRole/fake-session is not authorized to perform: iam:AttachRolePolicy on resource: `
      + `arn:aws:iam::${ACCOUNT}:role/claims-app because no identity-based policy allows the iam:AttachRolePolicy action`,
    $metadata: { httpStatusCode: 403 },
  });
  expect(fake.state.attachedRolePolicies('claims-app')).toEqual([]);
});

test('throttling (Throttling) and service failures are retried by the SDK; entities are per account', async () => {
  fake.state.createRole('claims-app');
  fake.faults.throttle('iam:AttachRolePolicy', { times: 2 });
  const retrying = new IAMClient({ ...fake.clientConfig(), maxAttempts: 3, retryStrategy: fastRetries(3) });
  try {
    await retrying.send(new AttachRolePolicyCommand({ RoleName: 'claims-app', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
  } finally {
    retrying.destroy();
  }
  expect(fake.calls.summary()['iam:AttachRolePolicy']).toEqual({ total: 3, ok: 1, dropped: 0, errors: { Throttling: 2 } });
  fake.faults.serverError('iam:GetRole', { times: 1 });
  await expect(iam.send(new GetRoleCommand({ RoleName: 'claims-app' }))).rejects.toMatchObject({ name: 'ServiceFailureException', $metadata: { httpStatusCode: 500 } });
  const other = new IAMClient({ ...fake.clientConfig({ accountId: '222233334444' }), maxAttempts: 1 });
  try {
    await expect(other.send(new GetRoleCommand({ RoleName: 'claims-app' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  } finally {
    other.destroy();
  }
});

test('IAM is global: a client built from the environment (AWS_ENDPOINT_URL_IAM) in another Region sees the same roles', async () => {
  const { roleId } = fake.state.createRole('claims-app');
  const restore = fake.applyEnv({ region: 'eu-west-1' });
  const fromEnv = new IAMClient({ maxAttempts: 1 });
  try {
    expect((await fromEnv.send(new GetRoleCommand({ RoleName: 'claims-app' }))).Role!.RoleId).toBe(roleId);
  } finally {
    fromEnv.destroy();
    restore();
  }
  expect(fake.calls.all().filter(c => c.service === 'iam').map(c => c.region)).toEqual(['eu-west-1']);
});
