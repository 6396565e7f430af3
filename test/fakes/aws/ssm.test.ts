import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  AddTagsToResourceCommand, DeleteParameterCommand, DeleteParametersCommand, DescribeParametersCommand, GetParameterCommand,
  GetParametersByPathCommand, ListTagsForResourceCommand, paginateGetParametersByPath, PutParameterCommand, PutParameterCommandInput,
  RemoveTagsFromResourceCommand, SSMClient,
} from '@aws-sdk/client-ssm';
import { AwsFake, startAwsFake } from './index';

let fake: AwsFake;
let ssm: SSMClient;

beforeAll(async () => {
  fake = await startAwsFake();
  ssm = new SSMClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
afterEach(() => fake.reset());
afterAll(async () => {
  ssm.destroy();
  await fake.stop();
});

const put = (input: Partial<PutParameterCommandInput>) =>
  ssm.send(new PutParameterCommand({ Name: '/cost/profiles/claims', Value: 'arn-1', Type: 'String', ...input }));

describe('PutParameter / GetParameter', () => {
  test('versions grow with Overwrite; without it an existing name is ParameterAlreadyExists', async () => {
    expect(await put({})).toMatchObject({ Version: 1, Tier: 'Standard' });
    await expect(put({ Value: 'arn-2' })).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
    expect(await put({ Value: 'arn-2', Overwrite: true, Type: undefined })).toMatchObject({ Version: 2 });
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/cost/profiles/claims' }));
    expect(Parameter).toMatchObject({
      Name: '/cost/profiles/claims',
      Value: 'arn-2',
      Version: 2,
      Type: 'String',
      DataType: 'text',
      ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/cost/profiles/claims',
    });
    expect(Parameter!.LastModifiedDate).toBeInstanceOf(Date);
    const v1 = await ssm.send(new GetParameterCommand({ Name: '/cost/profiles/claims:1' }));
    expect(v1.Parameter).toMatchObject({ Value: 'arn-1', Version: 1, Selector: ':1' });
    const byArn = await ssm.send(new GetParameterCommand({ Name: 'arn:aws:ssm:us-east-1:123456789012:parameter/cost/profiles/claims' }));
    expect(byArn.Parameter!.Value).toBe('arn-2');
  });

  test('SecureString values are returned encrypted unless WithDecryption', async () => {
    await put({ Type: 'SecureString', Value: 's3cr3t' });
    const plain = await ssm.send(new GetParameterCommand({ Name: '/cost/profiles/claims', WithDecryption: true }));
    const cipher = await ssm.send(new GetParameterCommand({ Name: '/cost/profiles/claims' }));
    expect(plain.Parameter!.Value).toBe('s3cr3t');
    expect(cipher.Parameter!.Value).not.toContain('s3cr3t');
  });

  test('tagged parameters show in the Tagging API', async () => {
    await put({ Tags: [{ Key: 'dept', Value: 'claims' }] });
    const tagging = new ResourceGroupsTaggingAPIClient({ ...fake.clientConfig(), maxAttempts: 1 });
    try {
      const out = await tagging.send(new GetResourcesCommand({ ResourceTypeFilters: ['ssm:parameter'] }));
      expect(out.ResourceTagMappingList).toEqual([{
        ResourceARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/cost/profiles/claims', Tags: [{ Key: 'dept', Value: 'claims' }],
      }]);
    } finally {
      tagging.destroy();
    }
  });

  test('unknown names and versions', async () => {
    await expect(ssm.send(new GetParameterCommand({ Name: '/nope' }))).rejects.toMatchObject({ name: 'ParameterNotFound', $metadata: { httpStatusCode: 400 } });
    await put({});
    await expect(ssm.send(new GetParameterCommand({ Name: '/cost/profiles/claims:7' }))).rejects.toMatchObject({ name: 'ParameterVersionNotFound' });
  });

  test.each<[string, string, Partial<PutParameterCommandInput>]>([
    ['tags with Overwrite', 'ValidationException', { Overwrite: true, Tags: [{ Key: 'a', Value: 'b' }] }],
    ['no Type on create', 'ValidationException', { Type: undefined }],
    ['a name prefixed with aws', 'ValidationException', { Name: '/aws/reserved' }],
    ['a path without the leading slash', 'ValidationException', { Name: 'cost/profiles' }],
    ['a name with spaces inside', 'ValidationException', { Name: '/cost/my profile' }],
    ['more than 15 levels', 'HierarchyLevelLimitExceededException', { Name: `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}` }],
    ['a standard value over 4 KB', 'ValidationException', { Value: 'x'.repeat(4097) }],
    ['a bad Type enum (model)', 'ValidationException', { Type: 'Number' as 'String' }],
    ['a name over 2048 characters (model)', 'ValidationException', { Name: `/${'n'.repeat(2048)}` }],
    ['a value that misses AllowedPattern', 'ParameterPatternMismatchException', { AllowedPattern: '^arn:', Value: 'x' }],
  ])('%s → %s', async (_label, code, input) => {
    await expect(put(input)).rejects.toMatchObject({ name: code });
  });

  test('an Advanced parameter may hold 8 KB', async () => {
    await expect(put({ Value: 'x'.repeat(8000), Tier: 'Advanced' })).resolves.toMatchObject({ Tier: 'Advanced' });
  });
});

describe('GetParametersByPath', () => {
  const names = [
    ...Array.from({ length: 13 }, (_, i) => `/cost/profiles/t${String(i).padStart(2, '0')}`),
    '/cost/profiles/eu/t1', '/cost/profiles/eu/t2', '/cost/other', '/elsewhere',
  ];
  beforeEach(async () => {
    for (const name of names) await put({ Name: name, Value: `v:${name}`, Type: name.includes('eu') ? 'SecureString' : 'String' });
  });

  test('non-recursive returns one level; pages collect every parameter once', async () => {
    const seen: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: ssm, pageSize: 4 }, { Path: '/cost/profiles' })) {
      expect(page.Parameters!.length).toBeLessThanOrEqual(4);
      seen.push(...page.Parameters!.map(p => p.Name!));
    }
    expect(seen).toEqual(names.slice(0, 13));
  });

  test('recursive returns every level below the path', async () => {
    const seen: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: '/cost/', Recursive: true })) {
      expect(page.Parameters!.length).toBeLessThanOrEqual(10);
      seen.push(...page.Parameters!.map(p => p.Name!));
    }
    expect(seen.sort()).toEqual(names.filter(n => n.startsWith('/cost/')).sort());
  });

  test('ParameterFilters narrow the result', async () => {
    const out = await ssm.send(new GetParametersByPathCommand({
      Path: '/cost', Recursive: true, ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }], WithDecryption: true,
    }));
    expect(out.Parameters!.map(p => [p.Name, p.Value])).toEqual([['/cost/profiles/eu/t1', 'v:/cost/profiles/eu/t1'], ['/cost/profiles/eu/t2', 'v:/cost/profiles/eu/t2']]);
    await expect(ssm.send(new GetParametersByPathCommand({ Path: '/cost', ParameterFilters: [{ Key: 'Name', Values: ['x'] }] })))
      .rejects.toMatchObject({ name: 'InvalidFilterKey' });
  });

  test.each(['tag:owner', 'DataType', 'Tier', 'Path'])('the model says %s cannot filter GetParametersByPath: InvalidFilterKey', async (key) => {
    await expect(ssm.send(new GetParametersByPathCommand({ Path: '/cost', ParameterFilters: [{ Key: key, Values: ['x'] }] })))
      .rejects.toMatchObject({ name: 'InvalidFilterKey' });
  });

  test('MaxResults above 10 is ValidationException (model); a foreign token is InvalidNextToken', async () => {
    await expect(ssm.send(new GetParametersByPathCommand({ Path: '/cost', MaxResults: 11 }))).rejects.toMatchObject({ name: 'ValidationException' });
    const first = await ssm.send(new GetParametersByPathCommand({ Path: '/cost/profiles', MaxResults: 2 }));
    await expect(ssm.send(new GetParametersByPathCommand({ Path: '/cost', NextToken: first.NextToken }))).rejects.toMatchObject({ name: 'InvalidNextToken' });
  });
});

describe('DeleteParameter(s)', () => {
  test('DeleteParameter of an unknown name is ParameterNotFound', async () => {
    await put({});
    await ssm.send(new DeleteParameterCommand({ Name: '/cost/profiles/claims' }));
    await expect(ssm.send(new DeleteParameterCommand({ Name: '/cost/profiles/claims' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });

  test('DeleteParameters reports deleted and invalid names; more than 10 names is ValidationException', async () => {
    await put({ Name: '/a' });
    await put({ Name: '/b' });
    const out = await ssm.send(new DeleteParametersCommand({ Names: ['/a', '/b', '/c'] }));
    expect(out).toMatchObject({ DeletedParameters: ['/a', '/b'], InvalidParameters: ['/c'] });
    await expect(ssm.send(new DeleteParametersCommand({ Names: Array.from({ length: 11 }, (_, i) => `/p${i}`) })))
      .rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/at 'names' failed to satisfy constraint/) });
  });
});

describe('IAM in front of SSM (fake.state.access)', () => {
  const ARN = 'arn:aws:ssm:us-east-1:123456789012:parameter';
  test('an identity-based policy scoped to a path allows the parameters below it and the path itself, nothing else', async () => {
    await put({ Name: '/app/state/a' });
    await put({ Name: '/other/x' });
    fake.state.access().setIdentityPolicy([
      { actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'], resources: [`${ARN}/app/state/*`] },
      { actions: ['ssm:GetParametersByPath'], resources: [`${ARN}/app/state`] },
    ]);
    await expect(ssm.send(new GetParameterCommand({ Name: '/app/state/a' }))).resolves.toBeDefined();
    await expect(ssm.send(new GetParametersByPathCommand({ Path: '/app/state/', Recursive: true }))).resolves.toMatchObject({ Parameters: [expect.objectContaining({ Name: '/app/state/a' })] });
    await expect(ssm.send(new DeleteParameterCommand({ Name: '/other/x' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::123456789012:assumed-role/FakeRole/fake-session is not authorized to perform: ssm:DeleteParameter on resource: ${ARN}/other/x `
        + 'because no identity-based policy allows the ssm:DeleteParameter action',
    });
    await expect(ssm.send(new GetParametersByPathCommand({ Path: '/other' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(ssm.send(new DeleteParametersCommand({ Names: ['/app/state/a'] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await ssm.send(new DeleteParameterCommand({ Name: '/app/state/a' }));
    expect(fake.state.region().parameters.has('/app/state/a')).toBe(false);
  });

  test('a parameter named by its ARN is authorized as that parameter', async () => {
    await put({ Name: '/app/state/a' });
    fake.state.access().setIdentityPolicy([{ actions: ['ssm:GetParameter'], resources: [`${ARN}/app/state/a`] }]);
    await expect(ssm.send(new GetParameterCommand({ Name: `${ARN}/app/state/a` }))).resolves.toBeDefined();
    await expect(ssm.send(new GetParameterCommand({ Name: '/app/state/a:1' }))).resolves.toBeDefined();
  });
});


describe('DescribeParameters', () => {
  const names = [...Array.from({ length: 12 }, (_, i) => `/cat/t${String(i).padStart(2, '0')}`), '/cat/eu/t1', '/catalog-other/x', '/else/y'];
  const mine = new Set(['/cat/t01', '/cat/t07', '/cat/t11', '/cat/eu/t1']);
  beforeEach(async () => {
    for (const name of names) {
      await put({ Name: name, Value: `v:${name}`, ...(mine.has(name) ? { Tags: [{ Key: 'owner', Value: 'me' }] } : {}) });
    }
  });
  const describeAll = async (input: ConstructorParameters<typeof DescribeParametersCommand>[0]) => {
    const seen: string[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const page = await ssm.send(new DescribeParametersCommand({ ...input, NextToken: token }));
      pages++;
      seen.push(...page.Parameters!.map(p => p.Name!));
      token = page.NextToken;
    } while (token);
    return { seen, pages };
  };

  test('Path Recursive and OneLevel, metadata without values', async () => {
    const recursive = await describeAll({ ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/cat'] }], MaxResults: 50 });
    expect(recursive.seen).toEqual(names.filter(n => n.startsWith('/cat/')).sort());
    const oneLevel = await describeAll({ ParameterFilters: [{ Key: 'Path', Option: 'OneLevel', Values: ['/cat'] }], MaxResults: 50 });
    expect(oneLevel.seen).toEqual(names.filter(n => /^\/cat\/[^/]+$/.test(n)).sort());
    const { Parameters } = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/cat/t01'] }] }));
    expect(Parameters).toEqual([expect.objectContaining({
      Name: '/cat/t01', ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/cat/t01', Type: 'String', Tier: 'Standard', Version: 1,
    })]);
    expect(Parameters![0]).not.toHaveProperty('Value');
  });

  test('a tag filter AND a path filter; pages of MaxResults (default 10) carry a NextToken', async () => {
    const owned = await describeAll({
      ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/cat'] }, { Key: 'tag:owner', Values: ['me'] }], MaxResults: 2,
    });
    expect(owned.seen).toEqual([...mine].sort());
    expect(owned.pages).toBe(2);
    const first = await ssm.send(new DescribeParametersCommand({}));
    expect(first.Parameters).toHaveLength(10);
    expect(first.NextToken).toBeDefined();
    await expect(ssm.send(new DescribeParametersCommand({ MaxResults: 51 }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('best effort: with a scan limit, a selective filter gives short and empty pages that still carry a NextToken', async () => {
    fake.state.limits.describeParametersScanLimit = 3;
    try {
      const owned = await describeAll({ ParameterFilters: [{ Key: 'tag:owner', Values: ['me'] }], MaxResults: 50 });
      expect(owned.seen).toEqual([...mine].sort());
      expect(owned.pages).toBe(Math.ceil(names.length / 3));
      // sorted: /cat/eu/t1 /cat/t00 /cat/t01 | /cat/t02 /cat/t03 /cat/t04 | ...: the second page is empty
      const first = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'tag:owner', Values: ['me'] }] }));
      expect(first.Parameters!.map(p => p.Name)).toEqual(['/cat/eu/t1', '/cat/t01']);
      const second = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'tag:owner', Values: ['me'] }], NextToken: first.NextToken }));
      expect(second.Parameters).toEqual([]);
      expect(second.NextToken).toBeDefined();
    } finally {
      fake.state.limits.describeParametersScanLimit = undefined;
    }
  });

  test.each<[string, object, string]>([
    ['Label is not a DescribeParameters key', { Key: 'Label', Values: ['x'] }, 'InvalidFilterKey'],
    ['Path takes Recursive or OneLevel only', { Key: 'Path', Option: 'Equals', Values: ['/cat'] }, 'InvalidFilterOption'],
    ['Contains is for Name only', { Key: 'Type', Option: 'Contains', Values: ['String'] }, 'InvalidFilterOption'],
    ['a Path value begins with a slash', { Key: 'Path', Values: ['cat'] }, 'InvalidFilterValue'],
  ])('%s', async (_label, filter, code) => {
    await expect(ssm.send(new DescribeParametersCommand({ ParameterFilters: [filter as never] }))).rejects.toMatchObject({ name: code });
  });

  test('a token from another request is InvalidNextToken; IAM evaluates DescribeParameters on *', async () => {
    const first = await ssm.send(new DescribeParametersCommand({ MaxResults: 1 }));
    await expect(ssm.send(new DescribeParametersCommand({ MaxResults: 1, NextToken: first.NextToken, ParameterFilters: [{ Key: 'Type', Values: ['String'] }] })))
      .rejects.toMatchObject({ name: 'InvalidNextToken' });
    fake.state.access().setIdentityPolicy([{ actions: ['ssm:DescribeParameters'], resources: ['arn:aws:ssm:us-east-1:123456789012:parameter/cat/*'] }]);
    await expect(ssm.send(new DescribeParametersCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException', message: expect.stringContaining('ssm:DescribeParameters on resource: *'),
    });
    fake.state.access().setIdentityPolicy([{ actions: ['ssm:DescribeParameters'], resources: ['*'] }]);
    await expect(ssm.send(new DescribeParametersCommand({}))).resolves.toBeDefined();
  });
});

describe('tags of parameters', () => {
  const tagsOf = async (name: string) => (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }))).TagList;

  test('AddTagsToResource adds or overwrites, RemoveTagsFromResource removes, ListTagsForResource lists', async () => {
    await put({ Tags: [{ Key: 'owner', Value: 'me' }] });
    await ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: '/cost/profiles/claims', Tags: [{ Key: 'owner', Value: 'you' }, { Key: 'dept', Value: 'claims' }] }));
    expect(await tagsOf('/cost/profiles/claims')).toEqual([{ Key: 'owner', Value: 'you' }, { Key: 'dept', Value: 'claims' }]);
    await ssm.send(new RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: '/cost/profiles/claims', TagKeys: ['owner'] }));
    expect(await tagsOf('/cost/profiles/claims')).toEqual([{ Key: 'dept', Value: 'claims' }]);
    // an overwrite keeps the tags
    await put({ Value: 'arn-2', Overwrite: true });
    expect(await tagsOf('/cost/profiles/claims')).toEqual([{ Key: 'dept', Value: 'claims' }]);
  });

  test('unknown parameters, other resource types and more than 50 tags are refused', async () => {
    await expect(tagsOf('/nope')).rejects.toMatchObject({ name: 'InvalidResourceId' });
    await put({});
    await expect(ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Document', ResourceId: 'doc', Tags: [{ Key: 'a', Value: 'b' }] })))
      .rejects.toMatchObject({ name: 'InvalidResourceType' });
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expect(ssm.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: '/cost/profiles/claims', Tags: many })))
      .rejects.toMatchObject({ name: 'TooManyTagsError' });
  });

  test('creating with Tags needs ssm:AddTagsToResource too', async () => {
    const arn = 'arn:aws:ssm:us-east-1:123456789012:parameter/cost/*';
    fake.state.access().setIdentityPolicy([{ actions: ['ssm:PutParameter'], resources: [arn] }]);
    await expect(put({ Tags: [{ Key: 'owner', Value: 'me' }] })).rejects.toMatchObject({
      name: 'AccessDeniedException', message: expect.stringContaining('ssm:AddTagsToResource'),
    });
    await expect(put({ Name: '/cost/untagged' })).resolves.toBeDefined();
    fake.state.access().setIdentityPolicy([{ actions: ['ssm:PutParameter', 'ssm:AddTagsToResource'], resources: [arn] }]);
    await expect(put({ Tags: [{ Key: 'owner', Value: 'me' }] })).resolves.toBeDefined();
  });
});

describe('PutParameter throughput (limits.putParameterPerSecond)', () => {
  test('admits that many calls per second of the fake clock and throttles the rest with ThrottlingException', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    fake.setClock(() => new Date(now));
    fake.state.limits.putParameterPerSecond = 3;
    try {
      for (let i = 0; i < 3; i++) await put({ Name: `/t/p${i}` });
      await expect(put({ Name: '/t/p3' })).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
      now += 999;
      await expect(put({ Name: '/t/p3' })).rejects.toMatchObject({ name: 'ThrottlingException' });
      now += 1;
      await expect(put({ Name: '/t/p3' })).resolves.toBeDefined();
      // other operations are not counted
      await expect(ssm.send(new GetParameterCommand({ Name: '/t/p0' }))).resolves.toBeDefined();
    } finally {
      fake.state.limits.putParameterPerSecond = undefined;
      fake.setClock(() => new Date());
    }
  });
});
