import { BedrockClient, ListInferenceProfilesCommand } from '@aws-sdk/client-bedrock';
import { CostExplorerClient, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsFake, fastRetries, startAwsFake } from './index';

let fake: AwsFake;
let single: { bedrock: BedrockClient; tagging: ResourceGroupsTaggingAPIClient; ce: CostExplorerClient; ssm: SSMClient; sts: STSClient };
let retrying: BedrockClient;

const listProfiles = (client: BedrockClient) => client.send(new ListInferenceProfilesCommand({}));

beforeAll(async () => {
  fake = await startAwsFake();
  const config = { ...fake.clientConfig(), maxAttempts: 1 };
  single = {
    bedrock: new BedrockClient(config),
    tagging: new ResourceGroupsTaggingAPIClient(config),
    ce: new CostExplorerClient(config),
    ssm: new SSMClient(config),
    sts: new STSClient(config),
  };
  retrying = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 4, retryStrategy: fastRetries(4) });
});
afterEach(() => fake.reset());
afterAll(async () => {
  Object.values(single).forEach(c => c.destroy());
  retrying.destroy();
  await fake.stop();
});

describe('throttling', () => {
  test('each service answers with its own throttling error', async () => {
    fake.faults.throttle('*', { times: 5 });
    await expect(listProfiles(single.bedrock)).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    await expect(single.tagging.send(new GetResourcesCommand({}))).rejects.toMatchObject({ name: 'ThrottledException' });
    await expect(single.ce.send(new ListCostAllocationTagsCommand({}))).rejects.toMatchObject({ name: 'LimitExceededException' });
    await expect(single.ssm.send(new GetParameterCommand({ Name: '/x' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(single.sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222233334444:role/r', RoleSessionName: 'xy' })))
      .rejects.toMatchObject({ name: 'Throttling' });
  });

  test('the next N calls are throttled; a retrying client gets through', async () => {
    fake.faults.throttle('ListInferenceProfiles', { times: 2 });
    const out = await listProfiles(retrying);
    expect(out.$metadata.attempts).toBe(3);
    expect(fake.calls.summary()['bedrock:ListInferenceProfiles']).toEqual({ total: 3, ok: 1, dropped: 0, errors: { ThrottlingException: 2 } });
  });

  test('the SDK\'s own standard retry strategy retries a throttled call', async () => {
    const standard = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 2 });
    try {
      fake.faults.throttle('ListInferenceProfiles', { times: 1 });
      await expect(listProfiles(standard)).resolves.toMatchObject({ $metadata: { attempts: 2 } });
    } finally {
      standard.destroy();
    }
  });

  test('a rate limit admits N calls per second and throttles the rest', async () => {
    fake.faults.throttle('bedrock:*', { perSecond: 2 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => listProfiles(single.bedrock)));
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(2);
    expect(fake.calls.count({ operation: 'ListInferenceProfiles', errorCode: 'ThrottlingException' })).toBe(3);
  });

  test('a service-qualified target leaves other services alone', async () => {
    fake.faults.throttle('tagging:GetResources');
    await expect(listProfiles(single.bedrock)).resolves.toBeDefined();
    await expect(single.tagging.send(new GetResourcesCommand({}))).rejects.toMatchObject({ name: 'ThrottledException' });
  });
});

describe('server errors', () => {
  test('5xx with the service\'s internal error; retries get through', async () => {
    fake.faults.serverError('ListInferenceProfiles', { times: 1 });
    await expect(listProfiles(single.bedrock)).rejects.toMatchObject({ name: 'InternalServerException', $metadata: { httpStatusCode: 500 } });
    fake.faults.serverError('ListInferenceProfiles', { times: 2 });
    await expect(listProfiles(retrying)).resolves.toMatchObject({ $metadata: { attempts: 3 } });
    fake.faults.serverError('GetParameter', { times: 1, statusCode: 503 });
    await expect(single.ssm.send(new GetParameterCommand({ Name: '/x' }))).rejects.toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 503 } });
  });
});

describe('dropped connections', () => {
  test('the socket is destroyed without an answer; retries get through', async () => {
    fake.faults.drop('ListInferenceProfiles', { times: 1 });
    await expect(listProfiles(single.bedrock)).rejects.toThrow(/socket hang up/);
    fake.faults.drop('ListInferenceProfiles', { times: 2 });
    await expect(listProfiles(retrying)).resolves.toMatchObject({ $metadata: { attempts: 3 } });
    expect(fake.calls.count({ operation: 'ListInferenceProfiles', outcome: 'dropped' })).toBe(3);
  });
});

describe('latency', () => {
  test('answers are delayed by the added latency', async () => {
    fake.faults.latency('GetResources', { ms: 150, times: 1 });
    const started = Date.now();
    await single.tagging.send(new GetResourcesCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.calls.all()[0].durationMs).toBeGreaterThanOrEqual(140);
  });

  test('a client whose request timeout is shorter than the latency times out', async () => {
    const impatient = new ResourceGroupsTaggingAPIClient({
      ...fake.clientConfig(), maxAttempts: 1, requestHandler: { requestTimeout: 50, throwOnRequestTimeout: true },
    });
    try {
      fake.faults.latency('*', { ms: 500 });
      await expect(impatient.send(new GetResourcesCommand({}))).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      impatient.destroy();
    }
  });
});

describe('counters and reset', () => {
  test('calls are counted per operation with their outcome, including rejected ones', async () => {
    await listProfiles(single.bedrock);
    await expect(single.ssm.send(new GetParameterCommand({ Name: '/missing' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    await expect(single.ssm.send(new GetParameterCommand({ Name: '' }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(fake.calls.count('GetParameter')).toBe(2);
    expect(fake.calls.count({ service: 'ssm', outcome: 'error' })).toBe(2);
    expect(fake.calls.summary()).toEqual({
      'bedrock:ListInferenceProfiles': { total: 1, ok: 1, dropped: 0, errors: {} },
      'ssm:GetParameter': { total: 2, ok: 0, dropped: 0, errors: { ParameterNotFound: 1, ValidationException: 1 } },
    });
    expect(fake.calls.all()[0]).toMatchObject({ service: 'bedrock', accountId: '123456789012', region: 'us-east-1', outcome: 'ok', statusCode: 200 });
  });

  test('reset() clears faults, calls and state', async () => {
    fake.faults.throttle('*');
    fake.state.seedResources([{ arn: 'arn:aws:ssm:us-east-1:123456789012:parameter/x', tags: { a: 'b' } }]);
    await expect(listProfiles(single.bedrock)).rejects.toMatchObject({ name: 'ThrottlingException' });
    fake.reset();
    expect(fake.calls.all()).toEqual([]);
    expect(fake.state.resources()).toEqual([]);
    await expect(listProfiles(single.bedrock)).resolves.toBeDefined();
  });
});
