import { BedrockClient, LoggingConfig } from '@aws-sdk/client-bedrock';
import { SSMClient } from '@aws-sdk/client-ssm';
import { LoggingContext, onEvent } from '../../../lambda/invocation-logging/on-event';
import { parseLoggingProperties } from '../../../lambda/invocation-logging/properties';
import { silentLogger } from '../../../lambda/shared/log';
import { INVOCATION_LOGGING_PHYSICAL_ID, STATE_PARAMETER_NAME } from '../../../src/contracts/invocation-logging';
import { AwsFake, startAwsFake } from '../../fakes/aws';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/Stack-LoggingRole`;
const STACK = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/Stack/1`;
const PROPS = {
  SchemaVersion: '1',
  LogGroupName: '/bedrock/invocations',
  RoleArn: ROLE,
  TextDataDelivery: 'false',
  ImageDataDelivery: 'false',
  EmbeddingDataDelivery: 'false',
  VideoDataDelivery: 'false',
  AudioDataDelivery: 'false',
  AdoptExisting: 'false',
};
const METADATA_ONLY: LoggingConfig = {
  cloudWatchConfig: { logGroupName: '/bedrock/invocations', roleArn: ROLE },
  textDataDeliveryEnabled: false,
  imageDataDeliveryEnabled: false,
  embeddingDataDeliveryEnabled: false,
  videoDataDeliveryEnabled: false,
  audioDataDeliveryEnabled: false,
};
const EXISTING: LoggingConfig = {
  cloudWatchConfig: { logGroupName: '/security/bedrock', roleArn: `arn:aws:iam::${ACCOUNT}:role/SecurityLogging` },
  s3Config: { bucketName: 'security-logs', keyPrefix: 'bedrock' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: true,
  embeddingDataDeliveryEnabled: false,
};

let fake: AwsFake;
let ctx: LoggingContext;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: ACCOUNT });
  ctx = {
    bedrock: new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 }),
    ssm: new SSMClient({ ...fake.clientConfig(), maxAttempts: 1 }),
    retry: { maxAttempts: 4, sleep: async () => undefined },
    log: silentLogger,
    region: 'us-east-1',
    now: () => new Date('2026-05-01T00:00:00Z'),
  };
});
afterEach(() => fake.reset());
afterAll(async () => {
  ctx.bedrock.destroy();
  ctx.ssm.destroy();
  await fake.stop();
});

type Props = Record<string, unknown>;
const ev = (RequestType: string, ResourceProperties: Props, extra: Props = {}) => ({
  RequestType,
  ResourceProperties: { ServiceToken: 'x', ...ResourceProperties },
  LogicalResourceId: 'Logging',
  StackId: STACK,
  RequestId: 'r',
  ResponseURL: 'u',
  ServiceToken: 'x',
  ResourceType: 'Custom::BedrockModelInvocationLogging',
  ...extra,
}) as never;
const create = (props: Props = PROPS, extra: Props = {}) => onEvent(ev('Create', props, extra), ctx);
const update = (props: Props, old: Props = PROPS) => onEvent(ev('Update', props, { PhysicalResourceId: INVOCATION_LOGGING_PHYSICAL_ID, OldResourceProperties: old }), ctx);
const remove = (props: Props = PROPS, extra: Props = {}) => onEvent(ev('Delete', props, { PhysicalResourceId: INVOCATION_LOGGING_PHYSICAL_ID, ...extra }), ctx);
const state = () => fake.state.region().parameters.get(STATE_PARAMETER_NAME)?.at(-1);

describe('invocation logging lifecycle', () => {
  test('create puts a metadata-only configuration (every flag sent false) and records that there was none', async () => {
    await expect(create()).resolves.toEqual({ PhysicalResourceId: INVOCATION_LOGGING_PHYSICAL_ID, Data: { Adopted: 'false' } });
    expect(fake.state.invocationLogging()).toEqual(METADATA_ONLY);
    expect(JSON.parse(state()!.value)).toEqual({ owner: { stackId: STACK, logicalResourceId: 'Logging' }, updatedAt: '2026-05-01T00:00:00.000Z' });
  });

  test('with a bucket, S3 is a destination and takes the large data of the CloudWatch delivery', async () => {
    await create({ ...PROPS, BucketName: 'my-logs', KeyPrefix: 'bedrock-invocation-logs' });
    const s3 = { bucketName: 'my-logs', keyPrefix: 'bedrock-invocation-logs' };
    expect(fake.state.invocationLogging()).toMatchObject({ s3Config: s3, cloudWatchConfig: { largeDataDeliveryS3Config: s3 } });
  });

  test('update replaces the configuration in place; the physical ID stays', async () => {
    await create();
    const out = await update({ ...PROPS, TextDataDelivery: 'true' });
    expect(out.PhysicalResourceId).toBe(INVOCATION_LOGGING_PHYSICAL_ID);
    expect(fake.state.invocationLogging()?.textDataDeliveryEnabled).toBe(true);
  });

  test('create is idempotent: a retry after a lost response finds its own state', async () => {
    await create();
    await expect(create()).resolves.toMatchObject({ Data: { Adopted: 'false' } });
    await remove();
    expect(fake.state.invocationLogging()).toBeUndefined();
  });

  test('refuses to replace a configuration it did not create, naming it and the prop', async () => {
    fake.state.setInvocationLogging(EXISTING);
    await expect(create()).rejects.toThrow('Amazon Bedrock model invocation logging is already configured in us-east-1 (CloudWatch Logs log group '
      + `/security/bedrock (role arn:aws:iam::${ACCOUNT}:role/SecurityLogging) and S3 bucket security-logs/bedrock, delivering text, image data), `
      + 'and this resource did not create it. Set adoptExisting: true to replace it (it is restored when the resource is deleted), '
      + 'or delete the existing configuration first.');
    expect(fake.state.invocationLogging()).toEqual(EXISTING);
    expect(state()).toBeUndefined();
  });

  test('adoptExisting replaces it, and delete restores it exactly', async () => {
    fake.state.setInvocationLogging(EXISTING);
    await expect(create({ ...PROPS, AdoptExisting: 'true' })).resolves.toMatchObject({ Data: { Adopted: 'true' } });
    expect(fake.state.invocationLogging()).toEqual(METADATA_ONLY);
    await update({ ...PROPS, AdoptExisting: 'true', ImageDataDelivery: 'true' }, { ...PROPS, AdoptExisting: 'true' });
    await remove({ ...PROPS, AdoptExisting: 'true' });
    expect(fake.state.invocationLogging()).toEqual(EXISTING);
    expect(state()).toBeUndefined();
  });

  test('delete without a previous configuration deletes it', async () => {
    await create();
    await remove();
    expect(fake.state.invocationLogging()).toBeUndefined();
    expect(state()).toBeUndefined();
  });

  test('a resource of another stack is refused, even with adoptExisting, and its delete leaves the owner\'s configuration', async () => {
    await create();
    const other = { StackId: `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/Other/2`, LogicalResourceId: 'Logging2' };
    await expect(create({ ...PROPS, AdoptExisting: 'true' }, other)).rejects.toThrow(
      `The model invocation logging configuration of us-east-1 is managed by resource Logging of stack ${STACK} (${STATE_PARAMETER_NAME}): `
      + 'Bedrock has one configuration per account and Region, so deploy ModelInvocationLogging in one stack of the account and Region only.');
    await remove(PROPS, other);
    expect(fake.state.invocationLogging()).toEqual(METADATA_ONLY);
  });

  test('a resource moved within its stack takes over; the old one\'s delete leaves the configuration', async () => {
    fake.state.setInvocationLogging(EXISTING);
    await create({ ...PROPS, AdoptExisting: 'true' });
    await create({ ...PROPS, AdoptExisting: 'true' }, { LogicalResourceId: 'Moved' });
    await remove({ ...PROPS, AdoptExisting: 'true' });
    expect(fake.state.invocationLogging()).toEqual(METADATA_ONLY);
    await remove({ ...PROPS, AdoptExisting: 'true' }, { LogicalResourceId: 'Moved' });
    expect(fake.state.invocationLogging()).toEqual(EXISTING);
  });

  test('delete without a state parameter removes only a configuration that is exactly its own', async () => {
    fake.state.setInvocationLogging(EXISTING);
    await remove();
    expect(fake.state.invocationLogging()).toEqual(EXISTING);
    fake.state.setInvocationLogging(METADATA_ONLY);
    await remove();
    expect(fake.state.invocationLogging()).toBeUndefined();
  });

  test('throttling is retried', async () => {
    fake.faults.throttle('bedrock:PutModelInvocationLoggingConfiguration', { times: 2 });
    fake.faults.throttle('ssm:PutParameter', { times: 1 });
    await create();
    expect(fake.state.invocationLogging()).toEqual(METADATA_ONLY);
    expect(fake.calls.count('PutModelInvocationLoggingConfiguration')).toBe(3);
  });

  test('a failed Put leaves the previous configuration and no state behind; the error says why', async () => {
    fake.state.setInvocationLogging(EXISTING);
    fake.state.rejectLoggingDestination(ROLE);
    await expect(create({ ...PROPS, AdoptExisting: 'true' })).rejects.toThrow(
      'PutModelInvocationLoggingConfiguration was refused: Failed to validate permissions for log group: /bedrock/invocations, '
      + `with role: ${ROLE}. Verify the IAM role permissions are correct. — Bedrock checks that the role can write to the log group`);
    expect(fake.state.invocationLogging()).toEqual(EXISTING);
    expect(state()).toBeUndefined();
  });

  test('a failed update leaves the configuration it had', async () => {
    await create();
    fake.faults.serverError('bedrock:PutModelInvocationLoggingConfiguration');
    await expect(update({ ...PROPS, TextDataDelivery: 'true' })).rejects.toMatchObject({ name: 'InternalServerException' });
    expect(fake.state.invocationLogging()).toEqual(METADATA_ONLY);
  });

  test('a previous configuration that cannot be restored fails the delete and stays recorded', async () => {
    fake.state.setInvocationLogging(EXISTING);
    await create({ ...PROPS, AdoptExisting: 'true' });
    fake.state.rejectLoggingDestination('/security/bedrock');
    await expect(remove({ ...PROPS, AdoptExisting: 'true' })).rejects.toThrow(/could not be restored .* It is kept in \/cdk-bedrock-cost-governance\/invocation-logging\/state/);
    expect(state()).toBeDefined();
  });
});

describe('properties', () => {
  test('invalid properties are listed together', () => {
    expect(() => parseLoggingProperties({ SchemaVersion: '9', LogGroupName: '', RoleArn: 'x', KeyPrefix: 'p' })).toThrow(
      'Invalid properties of the model invocation logging resource: SchemaVersion 9 is newer than this handler understands (1): '
      + 'deploy with the library version that synthesized it; LogGroupName must be a log group name of 1–512 characters; '
      + 'RoleArn \'x\' must be an IAM role ARN; KeyPrefix needs a BucketName');
  });
});
