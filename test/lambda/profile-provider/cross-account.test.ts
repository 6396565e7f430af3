/**
 * Profiles in another account, end to end: the real `@aws-sdk/client-sts` and
 * `@aws-sdk/client-bedrock` against the local AWS fake, which keeps state per account and issues
 * AssumeRole credentials that act in the role's account. The profile must exist in the target
 * account's state, never in the handler's own.
 */
import { BedrockClient, CreateInferenceProfileCommand, ListTagsForResourceCommand } from '@aws-sdk/client-bedrock';
import { STSClient } from '@aws-sdk/client-sts';
import { HandlerContext, onEvent } from '../../../lambda/profile-provider/on-event';
import { roleSessionName } from '../../../lambda/profile-provider/target-account';
import { CfnCreateEvent, CfnDeleteEvent, CfnUpdateEvent } from '../../../lambda/shared/cfn-event';
import { silentLogger } from '../../../lambda/shared/log';
import { AwsFake, startAwsFake } from '../../fakes/aws';
import { loadShippedBundle } from '../../support/shipped-bundle';

const MANAGEMENT = '111122223333';
const MEMBER = '222233334444';
const OTHER_MEMBER = '333344445555';
const MEMBER_ROLE = `arn:aws:iam::${MEMBER}:role/cost-governance/BedrockProfileManagement`;
const OTHER_ROLE = `arn:aws:iam::${OTHER_MEMBER}:role/BedrockProfileManagement`;
const FORBIDDEN_ROLE = `arn:aws:iam::${MEMBER}:role/Forbidden`;
// what the construct synthesizes: the system-defined profile's ARN names the stack's (management) account
const COPY_FROM = `arn:aws:bedrock:us-east-1:${MANAGEMENT}:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0`;
const STACK_ID = `arn:aws:cloudformation:us-east-1:${MANAGEMENT}:stack/governance/1`;
const SERVICE_TOKEN = `arn:aws:lambda:us-east-1:${MANAGEMENT}:function:governance-framework-onEvent`;

let fake: AwsFake;
let ctx: HandlerContext;
let member: BedrockClient;

type Props = Record<string, unknown> & { ServiceToken: string };

function props(tags: Record<string, string>, extra: Record<string, unknown> = {}): Props {
  return {
    ServiceToken: SERVICE_TOKEN,
    SchemaVersion: '2',
    ProfileName: 'claims',
    CopyFrom: COPY_FROM,
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    AdoptExisting: 'false',
    DeleteAdoptedOnRemoval: 'false',
    TargetRoleArn: MEMBER_ROLE,
    TargetExternalId: 'bedrock-cost-governance',
    ...extra,
  };
}

const base = { ServiceToken: SERVICE_TOKEN, ResponseURL: '...', StackId: STACK_ID, LogicalResourceId: 'Claims', ResourceType: 'Custom::BedrockApplicationInferenceProfile' };
const create = (p: Props, requestId = 'req-1'): CfnCreateEvent => ({ ...base, RequestType: 'Create', RequestId: requestId, ResourceProperties: p });
const update = (p: Props, old: Props, physicalId: string): CfnUpdateEvent =>
  ({ ...base, RequestType: 'Update', RequestId: 'req-2', ResourceProperties: p, OldResourceProperties: old, PhysicalResourceId: physicalId });
const remove = (physicalId: string, p: Props): CfnDeleteEvent => ({ ...base, RequestType: 'Delete', RequestId: 'req-3', ResourceProperties: p, PhysicalResourceId: physicalId });

async function memberTags(arn: string, client = member): Promise<Record<string, string>> {
  const out = await client.send(new ListTagsForResourceCommand({ resourceARN: arn }));
  return Object.fromEntries((out.tags ?? []).map((t) => [t.key!, t.value!]));
}

beforeAll(async () => {
  fake = await startAwsFake({ accountId: MANAGEMENT, region: 'us-east-1', canAssumeRole: (roleArn) => !roleArn.endsWith('/Forbidden') });
  ctx = {
    bedrock: new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 }),
    retry: { sleep: async () => undefined, random: () => 0.5, maxAttempts: 4 },
    log: silentLogger,
    region: 'us-east-1',
    targets: {
      sts: new STSClient({ ...fake.clientConfig(), maxAttempts: 1 }),
      bedrockWith: (credentials) => new BedrockClient({ endpoint: fake.url, region: 'us-east-1', credentials, maxAttempts: 1 }),
    },
  };
});
// the fake forgets the member account's keys on reset: a client per test
beforeEach(() => {
  member = new BedrockClient({ ...fake.clientConfig({ accountId: MEMBER }), maxAttempts: 1 });
});
afterEach(() => {
  member.destroy();
  fake.reset();
});
afterAll(async () => {
  ctx.bedrock.destroy();
  ctx.targets!.sts.destroy();
  await fake.stop();
});

describe('a profile in a member account, through its role', () => {
  test('create → tag update in place → delete, all in the member account; AssumeRole carries the external id and a session name', async () => {
    const created = await onEvent(create(props({ dept: 'claims', team: 'a' })), ctx);
    const arn = created.PhysicalResourceId;
    expect(arn).toMatch(new RegExp(`^arn:aws:bedrock:us-east-1:${MEMBER}:application-inference-profile/[a-z0-9]{12}$`));
    expect(created.Data).toMatchObject({ ProfileArn: arn, ProfileId: arn.split('/')[1], ProfileName: 'claims', Adopted: 'false' });
    expect(fake.state.profiles('us-east-1', MEMBER).map((p) => [p.arn, p.name])).toEqual([[arn, 'claims']]);
    // the system-defined source was moved to the member account (Bedrock requires the caller's own)
    expect(fake.state.profiles('us-east-1', MEMBER)[0].copyFrom).toBe(COPY_FROM.replace(MANAGEMENT, MEMBER));
    expect(fake.state.profiles('us-east-1', MANAGEMENT)).toEqual([]);
    expect(await memberTags(arn)).toEqual({ dept: 'claims', team: 'a' });
    expect(fake.state.assumedRoles).toEqual([expect.objectContaining({
      roleArn: MEMBER_ROLE,
      externalId: 'bedrock-cost-governance',
      roleSessionName: 'cfn-governance-Claims',
      callerAccountId: MANAGEMENT,
      accountId: MEMBER,
    })]);

    const updated = await onEvent(update(props({ dept: 'claims', env: 'prod' }), props({ dept: 'claims', team: 'a' }), arn), ctx);
    expect(updated.PhysicalResourceId).toBe(arn);
    expect(await memberTags(arn)).toEqual({ dept: 'claims', env: 'prod' });
    expect(fake.state.profiles('us-east-1', MEMBER)).toHaveLength(1);

    await onEvent(remove(arn, props({ dept: 'claims', env: 'prod' })), ctx);
    expect(fake.state.profiles('us-east-1', MEMBER)).toEqual([]);
    expect(fake.state.profiles('us-east-1', MANAGEMENT)).toEqual([]);
    // every Bedrock call acted in the member account
    expect(fake.calls.count({ service: 'bedrock', accountId: MANAGEMENT })).toBe(0);
    expect(fake.calls.count({ service: 'sts', operation: 'AssumeRole' })).toBe(3);
  });

  test('without an external id none is sent', async () => {
    const res = await onEvent(create(props({ dept: 'claims' }, { TargetExternalId: undefined })), ctx);
    expect(fake.state.assumedRoles[0].externalId).toBeUndefined();
    expect(res.PhysicalResourceId).toContain(`:${MEMBER}:`);
  });

  test('a role whose trust policy refuses the provider fails the create clearly and leaves nothing behind', async () => {
    const event = create(props({ dept: 'claims' }, { TargetRoleArn: FORBIDDEN_ROLE }));
    await expect(onEvent(event, ctx)).rejects.toThrow(
      new RegExp(`could not assume ${FORBIDDEN_ROLE.replace(/\//g, '\\/')} to manage the profile in account ${MEMBER}: the role's trust policy refused it \\(AccessDenied`));
    expect(fake.calls.count({ service: 'bedrock' })).toBe(0);
    expect(fake.state.profiles('us-east-1', MEMBER)).toEqual([]);
    expect(fake.state.profiles('us-east-1', MANAGEMENT)).toEqual([]);
    // the rollback's delete (the framework's physical id of a failed create names no profile) needs no role
    await onEvent(remove('governance-Claims-failed-create', event.ResourceProperties as Props), ctx);
    expect(fake.calls.count({ service: 'sts' })).toBe(1);
  });

  test('a duplicated create event creates one profile in the member account (the token is the same)', async () => {
    const a = await onEvent(create(props({ dept: 'claims' }), 'same'), ctx);
    const b = await onEvent(create(props({ dept: 'claims' }), 'same'), ctx);
    expect(b.PhysicalResourceId).toBe(a.PhysicalResourceId);
    expect(fake.state.profiles('us-east-1', MEMBER)).toHaveLength(1);
  });

  test('throttled AssumeRole is retried', async () => {
    fake.faults.throttle('sts:AssumeRole', { times: 2 });
    const res = await onEvent(create(props({ dept: 'claims' })), ctx);
    expect(fake.calls.count({ service: 'sts', errorCode: 'Throttling' })).toBe(2);
    expect(fake.state.profiles('us-east-1', MEMBER).map((p) => p.arn)).toEqual([res.PhysicalResourceId]);
  });

  test('a profile that cannot be read after creation is deleted from the member account (no orphan)', async () => {
    fake.faults.serverError('GetInferenceProfile');
    await expect(onEvent(create(props({ dept: 'claims' })), ctx)).rejects.toThrow();
    fake.faults.clear();
    expect(fake.state.profiles('us-east-1', MEMBER)).toEqual([]);
  });

  test('an existing profile of the member account is adopted there when asked', async () => {
    const existing = await member.send(new CreateInferenceProfileCommand({
      inferenceProfileName: 'claims', modelSource: { copyFrom: COPY_FROM.replace(MANAGEMENT, MEMBER) }, tags: [{ key: 'owner', value: 'team' }],
    }));
    const res = await onEvent(create(props({ dept: 'claims' }, { AdoptExisting: 'true' })), ctx);
    expect(res.PhysicalResourceId).toBe(`adopted:${existing.inferenceProfileArn}`);
    expect(await memberTags(existing.inferenceProfileArn!)).toEqual({ owner: 'team', dept: 'claims' });
    // kept on delete (adopted), as in the handler's own account
    await onEvent(remove(res.PhysicalResourceId, props({ dept: 'claims' }, { AdoptExisting: 'true' })), ctx);
    expect(fake.state.profiles('us-east-1', MEMBER)).toHaveLength(1);
  });

  test('a name conflict in the member account names the account', async () => {
    await member.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'claims', modelSource: { copyFrom: COPY_FROM.replace(MANAGEMENT, MEMBER) } }));
    await expect(onEvent(create(props({ dept: 'claims' })), ctx)).rejects.toThrow(/already exists in us-east-1 of account 222233334444/);
  });

  test('a change of account creates the profile in the new account; the old one is deleted with the old properties', async () => {
    const first = await onEvent(create(props({ dept: 'claims' })), ctx);
    const moved = await onEvent(update(props({ dept: 'claims' }, { TargetRoleArn: OTHER_ROLE, TargetExternalId: undefined }), props({ dept: 'claims' }),
      first.PhysicalResourceId), ctx);
    expect(moved.PhysicalResourceId).toContain(`:${OTHER_MEMBER}:application-inference-profile/`);
    expect(fake.state.profiles('us-east-1', OTHER_MEMBER)).toHaveLength(1);
    // CloudFormation deletes the old physical resource with the old properties: in the first member account
    await onEvent(remove(first.PhysicalResourceId, props({ dept: 'claims' })), ctx);
    expect(fake.state.profiles('us-east-1', MEMBER)).toEqual([]);
    expect(fake.state.profiles('us-east-1', OTHER_MEMBER)).toHaveLength(1);

    // and back to the handler's own account (no target): a new profile there
    const home = await onEvent(update(props({ dept: 'claims' }, { SchemaVersion: '1', TargetRoleArn: undefined, TargetExternalId: undefined }),
      props({ dept: 'claims' }, { TargetRoleArn: OTHER_ROLE, TargetExternalId: undefined }), moved.PhysicalResourceId), ctx);
    expect(home.PhysicalResourceId).toContain(`:${MANAGEMENT}:application-inference-profile/`);
    expect(fake.state.profiles('us-east-1', MANAGEMENT)).toHaveLength(1);
  });
});

describe('the target properties, validated before any call', () => {
  test.each([
    ['a user ARN', { TargetRoleArn: 'arn:aws:iam::222233334444:user/alice' }, /TargetRoleArn 'arn:aws:iam::222233334444:user\/alice' must be an IAM role ARN/],
    ['an external id with a space', { TargetExternalId: 'a b' }, /TargetExternalId must be 2–1224 characters matching/],
    ['an external id without a role', { TargetRoleArn: undefined }, /TargetExternalId requires TargetRoleArn/],
  ])('%s', async (_label, extra, message) => {
    await expect(onEvent(create(props({ dept: 'claims' }, extra)), ctx)).rejects.toThrow(message);
    expect(fake.calls.all()).toEqual([]);
  });
});

describe('roleSessionName', () => {
  test('names the stack and logical ID within STS\'s 2–64 characters of [\\w+=,.@-]', () => {
    expect(roleSessionName(STACK_ID, 'Claims')).toBe('cfn-governance-Claims');
    const long = roleSessionName(`arn:aws:cloudformation:us-east-1:${MANAGEMENT}:stack/${'a'.repeat(100)}/guid`, 'ClaimsProfile1234ABCD');
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^cfn-a+-[0-9a-f]{8}$/);
    expect(roleSessionName(`arn:aws:cloudformation:us-east-1:${MANAGEMENT}:stack/${'a'.repeat(100)}/guid`, 'Other')).not.toBe(long);
    expect(roleSessionName('not an arn', 'X')).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

describe('the shipped bundle (index.ts wiring: STS client, per-event Bedrock client from the environment)', () => {
  test('creates and deletes the profile in the member account', async () => {
    type Handler = (event: unknown) => Promise<{ PhysicalResourceId: string }>;
    const bundle = await loadShippedBundle<Handler>('profile-provider', MANAGEMENT);
    try {
      const res = await bundle.handler(create(props({ dept: 'claims' })));
      expect(res.PhysicalResourceId).toContain(`:${MEMBER}:application-inference-profile/`);
      expect(bundle.fake.state.profiles('us-east-1', MEMBER)).toHaveLength(1);
      expect(bundle.fake.state.profiles('us-east-1', MANAGEMENT)).toEqual([]);
      await bundle.handler(remove(res.PhysicalResourceId, props({ dept: 'claims' })));
      expect(bundle.fake.state.profiles('us-east-1', MEMBER)).toEqual([]);
    } finally {
      await bundle.close();
    }
  });
});
