import {
  BedrockClient, DeleteModelInvocationLoggingConfigurationCommand, GetModelInvocationLoggingConfigurationCommand, LoggingConfig,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import { AwsFake, startAwsFake } from './index';

const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/BedrockLogging`;
const CONFIG: LoggingConfig = {
  cloudWatchConfig: { logGroupName: '/bedrock/invocations', roleArn: ROLE },
  textDataDeliveryEnabled: false,
  imageDataDeliveryEnabled: false,
  embeddingDataDeliveryEnabled: false,
};

let fake: AwsFake;
let bedrock: BedrockClient;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: ACCOUNT });
  bedrock = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
afterEach(() => fake.reset());
afterAll(async () => {
  bedrock.destroy();
  await fake.stop();
});

const get = (client = bedrock) => client.send(new GetModelInvocationLoggingConfigurationCommand({}));
const put = (loggingConfig: LoggingConfig) => bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig }));

describe('model invocation logging', () => {
  test('Get answers without a loggingConfig until one is put; Put replaces it whole; Delete removes it', async () => {
    expect((await get()).loggingConfig).toBeUndefined();
    await put(CONFIG);
    expect((await get()).loggingConfig).toEqual(CONFIG);
    const next = { s3Config: { bucketName: 'logs-bucket', keyPrefix: 'p' }, textDataDeliveryEnabled: true };
    await put(next);
    expect((await get()).loggingConfig).toEqual(next);
    await bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({}));
    expect((await get()).loggingConfig).toBeUndefined();
    expect(fake.state.invocationLogging()).toBeUndefined();
    // deleting what is not there succeeds
    await expect(bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({}))).resolves.toBeDefined();
  });

  test('one configuration per account and Region; state helpers seed and read it', async () => {
    fake.state.setInvocationLogging(CONFIG, 'eu-west-1');
    expect((await get()).loggingConfig).toBeUndefined();
    const eu = new BedrockClient({ ...fake.clientConfig({ region: 'eu-west-1' }), maxAttempts: 1 });
    try {
      expect((await get(eu)).loggingConfig).toEqual(CONFIG);
    } finally {
      eu.destroy();
    }
    await put({ ...CONFIG, textDataDeliveryEnabled: true });
    expect(fake.state.invocationLogging()?.textDataDeliveryEnabled).toBe(true);
    expect(fake.state.invocationLogging('eu-west-1')?.textDataDeliveryEnabled).toBe(false);
  });

  test('requests are validated against the model', async () => {
    await expect(put({ cloudWatchConfig: { logGroupName: '', roleArn: ROLE } })).rejects.toMatchObject({
      name: 'ValidationException', message: expect.stringContaining('loggingConfig.cloudWatchConfig.logGroupName'),
    });
    await expect(put({ cloudWatchConfig: { logGroupName: 'g', roleArn: 'not-a-role' } })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(put({ s3Config: { bucketName: 'ab' } })).rejects.toMatchObject({ name: 'ValidationException' });
    expect(fake.state.invocationLogging()).toBeUndefined();
  });

  test('a destination Bedrock cannot write to is refused and leaves the configuration as it was', async () => {
    await put(CONFIG);
    fake.state.rejectLoggingDestination('/other');
    await expect(put({ cloudWatchConfig: { logGroupName: '/other', roleArn: ROLE } })).rejects.toMatchObject({
      name: 'ValidationException',
      message: `Failed to validate permissions for log group: /other, with role: ${ROLE}. Verify the IAM role permissions are correct.`,
    });
    expect(fake.state.invocationLogging()).toEqual(CONFIG);
  });

  test('IAM: bedrock actions on *, and iam:PassRole on the CloudWatch role for Put', async () => {
    fake.state.access().setIdentityPolicy([{ actions: ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:GetModelInvocationLoggingConfiguration'] }]);
    await expect(put(CONFIG)).rejects.toMatchObject({
      name: 'AccessDeniedException', message: expect.stringContaining(`not authorized to perform: iam:PassRole on resource: ${ROLE}`),
    });
    await expect(bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    fake.state.access().setIdentityPolicy([
      { actions: ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:GetModelInvocationLoggingConfiguration'] },
      { actions: ['iam:PassRole'], resources: [ROLE] },
    ]);
    await put(CONFIG);
    expect((await get()).loggingConfig).toEqual(CONFIG);
  });

  test('throttling is the modelled ThrottlingException (429)', async () => {
    fake.faults.throttle('bedrock:PutModelInvocationLoggingConfiguration', { times: 1 });
    await expect(put(CONFIG)).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    await put(CONFIG);
    expect(fake.calls.count('PutModelInvocationLoggingConfiguration')).toBe(2);
  });
});
