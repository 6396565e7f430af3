import { BedrockClient, CreateInferenceProfileCommand, DeleteInferenceProfileCommand, UntagResourceCommand } from '@aws-sdk/client-bedrock';
import {
  GetResourcesCommand, GetResourcesCommandInput, paginateGetResources, ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { AwsFake, startAwsFake } from './index';

const ACCOUNT = '123456789012';
const NOVA = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0';
const profileArn = (id: string) => `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${id}`;

let now = new Date('2026-11-20T12:00:00Z');
let fake: AwsFake;
let tagging: ResourceGroupsTaggingAPIClient;
let bedrock: BedrockClient;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: ACCOUNT, clock: () => now });
  tagging = new ResourceGroupsTaggingAPIClient({ ...fake.clientConfig(), maxAttempts: 1 });
  bedrock = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
afterEach(() => {
  fake.reset();
  now = new Date('2026-11-20T12:00:00Z');
});
afterAll(async () => {
  tagging.destroy();
  bedrock.destroy();
  await fake.stop();
});

async function arnsOf(input: GetResourcesCommandInput): Promise<string[]> {
  const out = await tagging.send(new GetResourcesCommand(input));
  return out.ResourceTagMappingList!.map(r => r.ResourceARN!);
}

describe('shared state with Bedrock', () => {
  test('profiles created through Bedrock appear with their tags; untagged ones do not', async () => {
    const tagged = await bedrock.send(new CreateInferenceProfileCommand({
      inferenceProfileName: 'claims', modelSource: { copyFrom: NOVA }, tags: [{ key: 'dept', value: 'claims' }],
    }));
    await bedrock.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'untagged', modelSource: { copyFrom: NOVA } }));
    const out = await tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['bedrock:application-inference-profile'] }));
    expect(out.ResourceTagMappingList).toEqual([{ ResourceARN: tagged.inferenceProfileArn, Tags: [{ Key: 'dept', Value: 'claims' }] }]);
    expect(out.PaginationToken).toBe(''); // the last page carries an empty token
  });

  test('a profile whose tags were all removed comes back with an empty tag list; a deleted one disappears', async () => {
    const { inferenceProfileArn: arn } = await bedrock.send(new CreateInferenceProfileCommand({
      inferenceProfileName: 'claims', modelSource: { copyFrom: NOVA }, tags: [{ key: 'dept', value: 'claims' }],
    }));
    await bedrock.send(new UntagResourceCommand({ resourceARN: arn, tagKeys: ['dept'] }));
    const all = await tagging.send(new GetResourcesCommand({}));
    expect(all.ResourceTagMappingList).toEqual([{ ResourceARN: arn, Tags: [] }]);
    expect(await arnsOf({ TagFilters: [{ Key: 'dept' }] })).toEqual([]);
    await bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arn }));
    expect(await arnsOf({})).toEqual([]);
  });

  test('with deletedResourcesListedForMs, a deleted profile stays listed (with its tags) until that time has passed', async () => {
    fake.state.limits.deletedResourcesListedForMs = 10 * 60 * 1000;
    try {
      const { inferenceProfileArn: arn } = await bedrock.send(new CreateInferenceProfileCommand({
        inferenceProfileName: 'claims', modelSource: { copyFrom: NOVA }, tags: [{ key: 'dept', value: 'claims' }],
      }));
      await bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arn }));
      expect(await arnsOf({ TagFilters: [{ Key: 'dept', Values: ['claims'] }] })).toEqual([arn]);
      now = new Date(now.getTime() + 10 * 60 * 1000 - 1);
      expect(await arnsOf({})).toEqual([arn]);
      now = new Date(now.getTime() + 1);
      expect(await arnsOf({})).toEqual([]);
    } finally {
      fake.state.limits.deletedResourcesListedForMs = undefined;
    }
  });

  test('resources are per account and Region', async () => {
    fake.state.seedResources([
      { arn: 'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/euprofile0001', tags: { dept: 'claims' } },
      { arn: 'arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/otheraccount', tags: { dept: 'claims' } },
    ]);
    expect(await arnsOf({})).toEqual([]);
    const eu = new ResourceGroupsTaggingAPIClient({ ...fake.clientConfig({ region: 'eu-west-1' }), maxAttempts: 1 });
    try {
      const out = await eu.send(new GetResourcesCommand({}));
      expect(out.ResourceTagMappingList!.map(r => r.ResourceARN)).toEqual(['arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/euprofile0001']);
    } finally {
      eu.destroy();
    }
  });
});

describe('filters', () => {
  beforeEach(() => fake.state.seedResources([
    { arn: profileArn('aaaaaaaaaaa1'), tags: { dept: 'claims', env: 'prod' } },
    { arn: profileArn('aaaaaaaaaaa2'), tags: { dept: 'claims', env: 'dev' } },
    { arn: profileArn('aaaaaaaaaaa3'), tags: { dept: 'fraud', env: '' } },
    { arn: profileArn('aaaaaaaaaaa4'), tags: { team: 'x' } },
    { arn: 'arn:aws:ssm:us-east-1:123456789012:parameter/cost/claims', tags: { dept: 'claims' } },
    { arn: 'arn:aws:lambda:us-east-1:123456789012:function:resolver', tags: { dept: 'claims' } },
  ]));

  test('AND across filters, OR across a filter\'s values', async () => {
    expect(await arnsOf({ TagFilters: [{ Key: 'dept', Values: ['claims', 'fraud'] }, { Key: 'env', Values: ['prod', ''] }] }))
      .toEqual([profileArn('aaaaaaaaaaa1'), profileArn('aaaaaaaaaaa3')]);
  });

  test('a filter without values matches any value of the key, including an empty one', async () => {
    expect(await arnsOf({ TagFilters: [{ Key: 'env' }] })).toEqual([profileArn('aaaaaaaaaaa1'), profileArn('aaaaaaaaaaa2'), profileArn('aaaaaaaaaaa3')]);
  });

  test('ResourceTypeFilters match a service or service:resourceType', async () => {
    expect(await arnsOf({ ResourceTypeFilters: ['ssm', 'lambda:function'], TagFilters: [{ Key: 'dept', Values: ['claims'] }] })).toEqual([
      'arn:aws:lambda:us-east-1:123456789012:function:resolver', 'arn:aws:ssm:us-east-1:123456789012:parameter/cost/claims',
    ]);
    expect(await arnsOf({ ResourceTypeFilters: ['bedrock:application-inference-profile'], TagFilters: [{ Key: 'team' }] }))
      .toEqual([profileArn('aaaaaaaaaaa4')]);
  });

  test('ResourceARNList returns the listed resources that exist', async () => {
    expect(await arnsOf({ ResourceARNList: [profileArn('aaaaaaaaaaa2'), profileArn('doesnotexist')] })).toEqual([profileArn('aaaaaaaaaaa2')]);
  });
});

describe('paging', () => {
  const seeded = Array.from({ length: 230 }, (_, i) => profileArn(`p${String(i).padStart(11, '0')}`));
  beforeEach(() => fake.state.seedResources(seeded.map((arn, i) => ({ arn, tags: i % 2 ? { dept: 'claims' } : { dept: 'fraud', team: 'x' } as Record<string, string> }))));

  test.each([100, 7])('ResourcesPerPage %i: the paginator collects every resource exactly once', async size => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateGetResources({ client: tagging, pageSize: size }, {})) {
      pages++;
      expect(page.ResourceTagMappingList!.length).toBeLessThanOrEqual(size);
      seen.push(...page.ResourceTagMappingList!.map(r => r.ResourceARN!));
    }
    expect(seen).toEqual(seeded);
    expect(pages).toBe(Math.ceil(230 / size));
  });

  test('TagsPerPage bounds the tags of a page and never splits a resource', async () => {
    const first = await tagging.send(new GetResourcesCommand({ TagsPerPage: 100 }));
    const tags = first.ResourceTagMappingList!.reduce((n, r) => n + r.Tags!.length, 0);
    expect(tags).toBeLessThanOrEqual(100);
    expect(first.PaginationToken).not.toBe('');
  });

  test('a token only continues the request it came from, for 15 minutes', async () => {
    const first = await tagging.send(new GetResourcesCommand({ ResourcesPerPage: 10 }));
    await expect(tagging.send(new GetResourcesCommand({ PaginationToken: first.PaginationToken, TagFilters: [{ Key: 'dept' }] })))
      .rejects.toMatchObject({ name: 'InvalidParameterException' });
    now = new Date(now.getTime() + 16 * 60 * 1000);
    await expect(tagging.send(new GetResourcesCommand({ PaginationToken: first.PaginationToken })))
      .rejects.toMatchObject({ name: 'PaginationTokenExpiredException' });
  });
});

describe('invalid requests are InvalidParameterException', () => {
  test.each<[string, GetResourcesCommandInput]>([
    ['ResourcesPerPage > 100', { ResourcesPerPage: 101 }],
    ['ResourcesPerPage < 1', { ResourcesPerPage: 0 }],
    ['TagsPerPage < 100', { TagsPerPage: 99 }],
    ['more than 50 tag filters (model)', { TagFilters: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` })) }],
    ['more than 20 values in a filter (model)', { TagFilters: [{ Key: 'k', Values: Array.from({ length: 21 }, (_, i) => `v${i}`) }] }],
    ['a tag filter without a key', { TagFilters: [{ Values: ['x'] }] }],
    ['ResourceARNList with TagFilters', { ResourceARNList: [profileArn('aaaaaaaaaaa1')], TagFilters: [{ Key: 'dept' }] }],
    ['ResourceARNList with ResourcesPerPage', { ResourceARNList: [profileArn('aaaaaaaaaaa1')], ResourcesPerPage: 10 }],
    ['a malformed resource type', { ResourceTypeFilters: ['Bedrock Profiles'] }],
    ['ExcludeCompliantResources without IncludeComplianceDetails', { ExcludeCompliantResources: true }],
  ])('%s', async (_label, input) => {
    await expect(tagging.send(new GetResourcesCommand(input))).rejects.toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
  });
});
