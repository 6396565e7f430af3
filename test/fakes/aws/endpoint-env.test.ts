import { BedrockClient, CreateInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { CostExplorerClient, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsFake, ENDPOINT_ENV_VARS, startAwsFake } from './index';

let fake: AwsFake;
let restore: () => void;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: '444455556666' });
});
beforeEach(() => {
  restore = fake.applyEnv({ region: 'eu-central-1' });
});
afterEach(() => {
  restore();
  fake.reset();
});
afterAll(() => fake.stop());

test('env() names the service-specific endpoint variables the SDK reads', () => {
  expect(fake.env()).toMatchObject({
    AWS_ENDPOINT_URL_BEDROCK: fake.url,
    AWS_ENDPOINT_URL_CLOUDFORMATION: fake.url,
    AWS_ENDPOINT_URL_COST_EXPLORER: fake.url,
    AWS_ENDPOINT_URL_IAM: fake.url,
    AWS_ENDPOINT_URL_ORGANIZATIONS: fake.url,
    AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API: fake.url,
    AWS_ENDPOINT_URL_S3: fake.url,
    AWS_ENDPOINT_URL_SNS: fake.url,
    AWS_ENDPOINT_URL_SSM: fake.url,
    AWS_ENDPOINT_URL_STS: fake.url,
    AWS_ACCESS_KEY_ID: 'AKIAFAKE444455556666',
    AWS_REGION: 'us-east-1',
  });
  expect([...ENDPOINT_ENV_VARS]).toHaveLength(10);
});

test('clients built with no endpoint, Region or credentials reach the fake through the environment', async () => {
  // What a handler bundle does: new XClient({}) and nothing else.
  const bedrock = new BedrockClient({ maxAttempts: 1 });
  const tagging = new ResourceGroupsTaggingAPIClient({ maxAttempts: 1 });
  const ce = new CostExplorerClient({ maxAttempts: 1 });
  const ssm = new SSMClient({ maxAttempts: 1 });
  const sts = new STSClient({ maxAttempts: 1 });
  try {
    const created = await bedrock.send(new CreateInferenceProfileCommand({
      inferenceProfileName: 'claims',
      modelSource: { copyFrom: 'arn:aws:bedrock:eu-central-1::foundation-model/amazon.nova-pro-v1:0' },
      tags: [{ key: 'dept', value: 'claims' }],
    }));
    expect(created.inferenceProfileArn).toMatch(/^arn:aws:bedrock:eu-central-1:444455556666:application-inference-profile\//);
    expect((await tagging.send(new GetResourcesCommand({}))).ResourceTagMappingList).toHaveLength(1);
    await ce.send(new ListCostAllocationTagsCommand({}));
    await ssm.send(new PutParameterCommand({ Name: '/p', Value: 'v', Type: 'String' }));
    await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444455556666:role/r', RoleSessionName: 'env' }));
  } finally {
    [bedrock, tagging, ce, ssm, sts].forEach(c => c.destroy());
  }
  expect(Object.keys(fake.calls.summary()).sort()).toEqual([
    'bedrock:CreateInferenceProfile', 'ce:ListCostAllocationTags', 'ssm:PutParameter', 'sts:AssumeRole', 'tagging:GetResources',
  ]);
  expect(fake.calls.all().every(c => c.outcome === 'ok' && c.region === 'eu-central-1' && c.accountId === '444455556666')).toBe(true);
});

test('an S3 client built from the environment alone uses path-style addressing (IP endpoint), no forcePathStyle needed', async () => {
  fake.state.createBucket('chargeback-reports', { region: 'eu-central-1', kmsKeyArn: 'arn:aws:kms:eu-central-1:444455556666:key/k1' });
  const s3 = new S3Client({ maxAttempts: 1 });
  try {
    await s3.send(new PutObjectCommand({ Bucket: 'chargeback-reports', Key: 'chargeback/2026-11.json', Body: '{"total":1}', ContentType: 'application/json' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'chargeback-reports', Key: 'chargeback/2026-11.json' }));
    expect(await got.Body!.transformToString()).toBe('{"total":1}');
    expect(got.SSEKMSKeyId).toBe('arn:aws:kms:eu-central-1:444455556666:key/k1');
  } finally {
    s3.destroy();
  }
  expect(fake.calls.all().map(c => `${c.service}:${c.operation}:${c.outcome}`)).toEqual(['s3:PutObject:ok', 's3:GetObject:ok']);
});

test('an SNS client built from the environment alone reaches the fake', async () => {
  const topicArn = fake.state.createTopic('chargeback-reports', { region: 'eu-central-1' });
  const client = new SNSClient({ maxAttempts: 1 });
  try {
    await client.send(new PublishCommand({ TopicArn: topicArn, Subject: 'Report', Message: 'ready' }));
  } finally {
    client.destroy();
  }
  expect(fake.state.published(topicArn).map(m => m.message)).toEqual(['ready']);
});

test('the service-specific variable alone is enough for Bedrock', async () => {
  restore();
  const names = [...ENDPOINT_ENV_VARS, 'AWS_ENDPOINT_URL'];
  const saved = names.map(name => [name, process.env[name]] as const);
  try {
    for (const name of names) delete process.env[name];
    process.env.AWS_ENDPOINT_URL_BEDROCK = fake.url;
    const bedrock = new BedrockClient({ region: 'us-east-1', credentials: fake.credentials(), maxAttempts: 1 });
    try {
      await bedrock.send(new CreateInferenceProfileCommand({
        inferenceProfileName: 'only-bedrock', modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' },
      }));
    } finally {
      bedrock.destroy();
    }
    expect(fake.state.profiles('us-east-1').map(p => p.name)).toEqual(['only-bedrock']);
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    restore = fake.applyEnv({ region: 'eu-central-1' });
  }
});
