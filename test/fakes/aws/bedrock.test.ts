import {
  BedrockClient, CreateInferenceProfileCommand, CreateInferenceProfileCommandInput, DeleteInferenceProfileCommand, GetInferenceProfileCommand,
  ListFoundationModelsCommand, ListInferenceProfilesCommand, ListTagsForResourceCommand, paginateListInferenceProfiles, TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-bedrock';
import { AwsFake, startAwsFake } from './index';

const ACCOUNT = '123456789012';
const SONNET_US = `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0`;
const NOVA = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0';
const APP_ARN = /^arn:aws:bedrock:us-east-1:123456789012:application-inference-profile\/([a-z0-9]{12})$/;

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

function create(input: Partial<CreateInferenceProfileCommandInput> = {}) {
  return bedrock.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'claims', modelSource: { copyFrom: NOVA }, ...input }));
}

describe('CreateInferenceProfile / GetInferenceProfile', () => {
  test('creates an application profile with a real-format ID and ARN; Get accepts the ID or the ARN', async () => {
    const created = await create({ description: 'Claims department', modelSource: { copyFrom: SONNET_US }, tags: [{ key: 'dept', value: 'claims' }] });
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.status).toBe('ACTIVE');
    const [, id] = APP_ARN.exec(created.inferenceProfileArn!)!;

    const byId = await bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
    const byArn = await bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: created.inferenceProfileArn }));
    expect(byArn).toEqual({ ...byId, $metadata: expect.anything() });
    expect(byId).toMatchObject({
      inferenceProfileName: 'claims',
      description: 'Claims department',
      inferenceProfileId: id,
      inferenceProfileArn: created.inferenceProfileArn,
      type: 'APPLICATION',
      status: 'ACTIVE',
      models: ['us-east-1', 'us-east-2', 'us-west-2'].map(r => ({ modelArn: `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0` })),
    });
    expect(byId.createdAt).toBeInstanceOf(Date);
    expect(byId.updatedAt).toEqual(byId.createdAt);
  });

  test('a profile of a foundation model routes to that model only', async () => {
    const { inferenceProfileArn } = await create();
    const got = await bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: inferenceProfileArn }));
    expect(got.models).toEqual([{ modelArn: NOVA }]);
  });

  test('the same clientRequestToken and input returns the same profile, not a second one', async () => {
    const first = await create({ clientRequestToken: 'token-1' });
    const again = await create({ clientRequestToken: 'token-1' });
    expect(again.inferenceProfileArn).toBe(first.inferenceProfileArn);
    expect(fake.state.profiles()).toHaveLength(1);
    await expect(create({ clientRequestToken: 'token-1', description: 'changed' })).rejects.toMatchObject({ name: 'ConflictException' });
  });

  test('names are unique per account and Region', async () => {
    await create();
    await expect(create()).rejects.toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 400 } });
    const west = new BedrockClient({ ...fake.clientConfig({ region: 'us-west-2' }), maxAttempts: 1 });
    try {
      const other = await west.send(new CreateInferenceProfileCommand({
        inferenceProfileName: 'claims', modelSource: { copyFrom: 'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0' },
      }));
      expect(other.inferenceProfileArn).toMatch(/^arn:aws:bedrock:us-west-2:123456789012:application-inference-profile\//);
    } finally {
      west.destroy();
    }
  });

  test('the application profile quota is enforced', async () => {
    const small = await startAwsFake({ profileQuota: 2 });
    const client = new BedrockClient({ ...small.clientConfig(), maxAttempts: 1 });
    try {
      for (const name of ['a', 'b']) {
        await client.send(new CreateInferenceProfileCommand({ inferenceProfileName: name, modelSource: { copyFrom: NOVA } }));
      }
      await expect(client.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'c', modelSource: { copyFrom: NOVA } })))
        .rejects.toMatchObject({ name: 'ServiceQuotaExceededException' });
    } finally {
      client.destroy();
      await small.stop();
    }
  });

  test('unknown profiles are ResourceNotFoundException (404)', async () => {
    await expect(bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'abcdefghijkl' })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    await expect(bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: 'abcdefghijkl' })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // another account's ARN is not found either
    await expect(bedrock.send(new GetInferenceProfileCommand({
      inferenceProfileIdentifier: 'arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/abcdefghijkl',
    }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('model sources must exist in the caller Region', async () => {
    await expect(create({ modelSource: { copyFrom: 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0' } }))
      .rejects.toMatchObject({ name: 'ValidationException' });
    await expect(create({ modelSource: { copyFrom: `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/eu.amazon.nova-pro-v1:0` } }))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(create({ modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/nova' } }))
      .rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('system-defined profiles can be read by id', async () => {
    const got = await bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'us.amazon.nova-pro-v1:0' }));
    expect(got).toMatchObject({ type: 'SYSTEM_DEFINED', inferenceProfileArn: `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.amazon.nova-pro-v1:0` });
    expect(got.models).toHaveLength(3);
  });
});

describe('requests that break the model are rejected with ValidationException', () => {
  test.each<[string, Partial<CreateInferenceProfileCommandInput>, RegExp]>([
    ['a name violating the pattern', { inferenceProfileName: 'claims/dept' }, /at 'inferenceProfileName' failed to satisfy constraint: Member must satisfy regular expression pattern/],
    ['a too-long name', { inferenceProfileName: 'a'.repeat(65) }, /Member must have length less than or equal to 64/],
    ['a too-long description', { description: 'd'.repeat(201) }, /Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 200/],
    ['a missing model source', { modelSource: undefined }, /Value null at 'modelSource' failed to satisfy constraint: Member must not be null/],
    ['more than 200 tags', { tags: Array.from({ length: 201 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }, /at 'tags' .*less than or equal to 200/],
    ['a bad tag key', { tags: [{ key: 'dept#', value: 'x' }] }, /at 'tags.1.member.key'/],
    ['a reserved tag key', { tags: [{ key: 'aws:dept', value: 'x' }] }, /reserved prefix/],
  ])('%s', async (_label, input, message) => {
    const error = await create(input).catch((e: Error & { $response?: unknown }) => e);
    expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toMatch(message);
  });

  test('a bad enum and an out-of-range maxResults in the query string', async () => {
    await expect(bedrock.send(new ListInferenceProfilesCommand({ typeEquals: 'CUSTOM' as 'APPLICATION' })))
      .rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/enum value set: \[SYSTEM_DEFINED, APPLICATION\]/) });
    await expect(bedrock.send(new ListInferenceProfilesCommand({ maxResults: 1001 })))
      .rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('the error code travels in the x-amzn-errortype header; unsigned or mis-scoped requests are refused', async () => {
    const unsigned = await fetch(`${fake.url}/inference-profiles`, { method: 'GET' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const { accessKeyId } = fake.credentials();
    const scopedToSsm = await fetch(`${fake.url}/inference-profiles`, {
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261127/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=00` },
    });
    expect(scopedToSsm.status).toBe(403);
    expect(scopedToSsm.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(await scopedToSsm.json()).toEqual({ message: "Credential should be scoped to correct service: 'bedrock'." });
  });

  test('operations of the model that the fake does not implement are refused clearly', async () => {
    await expect(bedrock.send(new ListFoundationModelsCommand({})))
      .rejects.toMatchObject({ name: 'UnknownOperationException', message: 'ListFoundationModels is not implemented by the AWS fake.' });
  });
});

describe('ListInferenceProfiles', () => {
  test('pages collect every application profile exactly once', async () => {
    const created = [];
    for (let i = 0; i < 23; i++) created.push((await create({ inferenceProfileName: `tenant-${i}` })).inferenceProfileArn);
    const seen: string[] = [];
    for await (const page of paginateListInferenceProfiles({ client: bedrock, pageSize: 5 }, { typeEquals: 'APPLICATION' })) {
      expect(page.inferenceProfileSummaries!.length).toBeLessThanOrEqual(5);
      seen.push(...page.inferenceProfileSummaries!.map(p => p.inferenceProfileArn!));
    }
    expect(seen).toEqual(created);
  });

  test('a profile deleted between pages neither repeats nor hides the others', async () => {
    const arns = [];
    for (let i = 0; i < 6; i++) arns.push((await create({ inferenceProfileName: `p${i}` })).inferenceProfileArn!);
    const first = await bedrock.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION', maxResults: 3 }));
    await bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arns[1] }));
    const second = await bedrock.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION', maxResults: 3, nextToken: first.nextToken }));
    expect(second.inferenceProfileSummaries!.map(p => p.inferenceProfileArn)).toEqual(arns.slice(3));
    expect(second.nextToken).toBeUndefined();
  });

  test('without typeEquals only system-defined profiles are listed; the default page is small', async () => {
    await create();
    const listed = await bedrock.send(new ListInferenceProfilesCommand({}));
    expect(listed.inferenceProfileSummaries!.every(p => p.type === 'SYSTEM_DEFINED')).toBe(true);
    for (let i = 0; i < 11; i++) await create({ inferenceProfileName: `t${i}` });
    const page = await bedrock.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION' }));
    expect(page.inferenceProfileSummaries).toHaveLength(10);
    expect(page.nextToken).toBeDefined();
  });

  test('a token from another listing is rejected', async () => {
    for (let i = 0; i < 3; i++) await create({ inferenceProfileName: `t${i}` });
    const page = await bedrock.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION', maxResults: 1 }));
    await expect(bedrock.send(new ListInferenceProfilesCommand({ typeEquals: 'SYSTEM_DEFINED', nextToken: page.nextToken })))
      .rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('tags and deletion', () => {
  test('TagResource merges, UntagResource removes, ListTagsForResource reads', async () => {
    const { inferenceProfileArn: arn } = await create({ tags: [{ key: 'dept', value: 'claims' }] });
    await bedrock.send(new TagResourceCommand({ resourceARN: arn, tags: [{ key: 'team', value: 'fraud' }, { key: 'dept', value: 'claims-eu' }] }));
    await bedrock.send(new UntagResourceCommand({ resourceARN: arn, tagKeys: ['team', 'not-there'] }));
    const { tags } = await bedrock.send(new ListTagsForResourceCommand({ resourceARN: arn }));
    expect(tags).toEqual([{ key: 'dept', value: 'claims-eu' }]);
  });

  test('more than 200 tags in total is TooManyTagsException', async () => {
    const { inferenceProfileArn: arn } = await create({ tags: Array.from({ length: 150 }, (_, i) => ({ key: `a${i}`, value: 'v' })) });
    await expect(bedrock.send(new TagResourceCommand({ resourceARN: arn, tags: Array.from({ length: 51 }, (_, i) => ({ key: `b${i}`, value: 'v' })) })))
      .rejects.toMatchObject({ name: 'TooManyTagsException', resourceName: arn });
  });

  test('tagging an unknown profile is ResourceNotFoundException', async () => {
    await expect(bedrock.send(new TagResourceCommand({
      resourceARN: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/abcdefghijkl`, tags: [{ key: 'a', value: 'b' }],
    }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('a deleted profile is gone and its name can be used again', async () => {
    const { inferenceProfileArn: arn } = await create();
    await bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arn }));
    await expect(bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(create()).resolves.toMatchObject({ status: 'ACTIVE' });
  });
});
