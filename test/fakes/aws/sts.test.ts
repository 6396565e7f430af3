import { BedrockClient, CreateInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsFake, startAwsFake } from './index';

const TARGET_ROLE = 'arn:aws:iam::222233334444:role/cost-governance/ProfileProvisioner';
const NOVA_EU = 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0';

let fake: AwsFake;
let sts: STSClient;

beforeAll(async () => {
  fake = await startAwsFake({ canAssumeRole: roleArn => !roleArn.endsWith('/Forbidden') });
  sts = new STSClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
afterEach(() => fake.reset());
afterAll(async () => {
  sts.destroy();
  await fake.stop();
});

test('AssumeRole issues credentials that act in the role\'s account, and is recorded', async () => {
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: TARGET_ROLE, RoleSessionName: 'provision-claims', ExternalId: 'tenant-42', DurationSeconds: 900 }));
  expect(out.AssumedRoleUser!.Arn).toBe('arn:aws:sts::222233334444:assumed-role/ProfileProvisioner/provision-claims');
  expect(out.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
  expect(out.Credentials!.Expiration).toBeInstanceOf(Date);

  const { AccessKeyId, SecretAccessKey, SessionToken } = out.Credentials!;
  const credentials = { accessKeyId: AccessKeyId!, secretAccessKey: SecretAccessKey!, sessionToken: SessionToken };
  const bedrock = new BedrockClient({ endpoint: fake.url, region: 'eu-west-1', credentials, maxAttempts: 1 });
  try {
    const created = await bedrock.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'claims', modelSource: { copyFrom: NOVA_EU } }));
    expect(created.inferenceProfileArn).toMatch(/^arn:aws:bedrock:eu-west-1:222233334444:application-inference-profile\/[a-z0-9]{12}$/);
  } finally {
    bedrock.destroy();
  }
  expect(fake.state.profiles('eu-west-1', '222233334444')).toHaveLength(1);
  expect(fake.state.profiles('eu-west-1')).toHaveLength(0); // the fake's own account is untouched
  expect(fake.state.assumedRoles).toEqual([expect.objectContaining({
    roleArn: TARGET_ROLE, roleSessionName: 'provision-claims', externalId: 'tenant-42', callerAccountId: '123456789012', accountId: '222233334444',
  })]);
});

test('temporary credentials need their session token', async () => {
  const out = await sts.send(new AssumeRoleCommand({ RoleArn: TARGET_ROLE, RoleSessionName: 's' + '1' }));
  const tagging = new ResourceGroupsTaggingAPIClient({
    ...fake.clientConfig(),
    maxAttempts: 1,
    credentials: { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey! },
  });
  try {
    await expect(tagging.send(new GetResourcesCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });
  } finally {
    tagging.destroy();
  }
});

test('unknown access keys are rejected in each protocol\'s words', async () => {
  const credentials = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' };
  const stranger = new STSClient({ endpoint: fake.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const bedrock = new BedrockClient({ endpoint: fake.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    await expect(stranger.send(new AssumeRoleCommand({ RoleArn: TARGET_ROLE, RoleSessionName: 'x1' })))
      .rejects.toMatchObject({ name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } });
    await expect(bedrock.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'x', modelSource: { copyFrom: NOVA_EU } })))
      .rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  } finally {
    stranger.destroy();
    bedrock.destroy();
  }
});

test('a role the caller may not assume is AccessDenied', async () => {
  await expect(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222233334444:role/Forbidden', RoleSessionName: 'x1' })))
    .rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
});

test.each([
  ['a session name violating the pattern (model)', { RoleArn: TARGET_ROLE, RoleSessionName: 'bad session' }, /at 'roleSessionName'/],
  ['a too-short session name (model)', { RoleArn: TARGET_ROLE, RoleSessionName: 'x' }, /length greater than or equal to 2/],
  ['DurationSeconds out of range (model)', { RoleArn: TARGET_ROLE, RoleSessionName: 'xy', DurationSeconds: 60 }, /value greater than or equal to 900/],
  ['a missing RoleArn (model)', { RoleSessionName: 'xy' }, /Value null at 'roleArn'/],
  ['an ARN that is not a role', { RoleArn: 'arn:aws:iam::222233334444:user/alice', RoleSessionName: 'xy' }, /is invalid/],
])('%s is ValidationError (XML ErrorResponse)', async (_label, input, message) => {
  await expect(sts.send(new AssumeRoleCommand(input as { RoleArn: string; RoleSessionName: string })))
    .rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(message), $metadata: { httpStatusCode: 400 } });
});
