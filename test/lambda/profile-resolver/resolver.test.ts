import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { arnOf, contextFor, fleet, mockAccount, MockAccount, recordingLogger, TestClock } from './mock-account';
import { resolverConfigFromEnv } from '../../../lambda/profile-resolver/config';
import { ProfileResolver } from '../../../lambda/profile-resolver/resolver';
import { RESOLVER_ERRORS, ResolverTagSchema } from '../../../src/contracts/profile-resolver';

const SCHEMA: ResolverTagSchema = {
  keys: [
    { key: 'tenant', required: true, pattern: 't[0-9]+' },
    { key: 'dept', required: true, allowedValues: ['claims', 'underwriting', 'billing'] },
    { key: 'env', allowedValues: ['prod', 'dev'] },
  ],
  allowUnknownKeys: false,
};
const PREFIX = '/cost-governance/profiles';

let account: MockAccount;
let clock: TestClock;
let logs: ReturnType<typeof recordingLogger>;

function resolver(env: Record<string, string> = {}): ProfileResolver {
  const config = resolverConfigFromEnv({ TAG_SCHEMA: JSON.stringify(SCHEMA), CATALOG_PREFIX: PREFIX, ...env });
  return new ProfileResolver(contextFor(clock, logs.log), config);
}

beforeEach(() => {
  account = mockAccount(fleet(12));
  clock = new TestClock();
  logs = recordingLogger();
});

describe('by tags', () => {
  test('answers the one profile carrying every requested tag, with all its tags', async () => {
    await expect(resolver().resolve({ tags: { tenant: 't7', env: 'prod' } })).resolves.toEqual({
      profileArn: arnOf('p0007abcdef'),
      profileId: 'p0007abcdef',
      profileName: 'tenant-7',
      tags: { tenant: 't7', dept: 'underwriting', env: 'prod' },
    });
  });

  test('several matches: AmbiguousProfile listing every match by name and ARN, sorted', async () => {
    const error = await resolver().resolve({ tags: { dept: 'billing', env: 'prod' } }).catch((e) => e);
    expect(error.name).toBe(RESOLVER_ERRORS.ambiguous);
    expect(error.message).toContain('4 active profiles carry dept=billing, env=prod');
    const names = [...error.message.matchAll(/(tenant-\d+) \((arn:[^)]+)\)/g)].map((m: RegExpMatchArray) => m[1]);
    expect(names).toEqual(['tenant-11', 'tenant-2', 'tenant-5', 'tenant-8']);
    expect(error.message).toContain(arnOf('p0002abcdef'));
  });

  test('no match: ProfileNotFound naming the tags', async () => {
    const error = await resolver().resolve({ tags: { tenant: 't99' } }).catch((e) => e);
    expect(error.name).toBe(RESOLVER_ERRORS.notFound);
    expect(error.message).toMatch(/no active application inference profile carries tenant=t99 \(12 profiles indexed/);
  });

  test('a deleted profile that GetResources still lists is not found; a value that changed no longer matches', async () => {
    account.profiles[3].listed = false;
    account.profiles[4].tags = { ...account.profiles[4].tags, tenant: 't400' };
    const r = resolver();
    await expect(r.resolve({ tags: { tenant: 't3' } })).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
    await expect(r.resolve({ tags: { tenant: 't4' } })).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
    await expect(r.resolve({ tags: { tenant: 't400' } })).resolves.toMatchObject({ profileName: 'tenant-4' });
  });

  test.each([
    [{ tags: { team: 'x' } }, /tag 'team' is not in the tag schema \(keys: tenant, dept, env\)/],
    [{ tags: { dept: 'marketing' } }, /tag 'dept' has value 'marketing', allowed: claims, underwriting, billing/],
    [{ tags: { tenant: 'T1' } }, /tag 'tenant' has value 'T1', which must match t\[0-9\]\+/],
    [{ tags: {} }, /at least one tag/],
    [{ tags: ['dept'] }, /must be an object/],
    [{ tags: { dept: 5 } }, /value of tag 'dept' must be a string/],
    [{ tags: { 'aws:x': 'y' } }, /reserved prefix/],
    [{}, /exactly one of "tags"/],
    [{ tags: { dept: 'claims' }, tenantKey: 'a' }, /exactly one of "tags"/],
    [{ tenantKey: '/claims' }, /without a leading or trailing '\/'/],
    [{ tenantKey: 'claims/' }, /without a leading or trailing '\/'/],
    [{ tenantKey: 'claims//intake' }, /levels separated by single '\/'/],
    [{ tenantKey: 'claims intake' }, /letters, digits/],
    [{ tenantKey: 7 }, /tenantKey must be a string \(got 7\)/],
    [{ tenantKey: Array.from({ length: 14 }, () => 'a').join('/') }, /has 16 hierarchy levels; Parameter Store allows at most 15/],
    [{ tenantKey: 'x'.repeat(1000) }, /characters long with its ARN; Parameter Store allows at most 1011/],
  ])('invalid request %j: InvalidResolveRequest', async (request, message) => {
    const error = await resolver().resolve(request as never).catch((e) => e);
    expect(error.name).toBe(RESOLVER_ERRORS.invalidRequest);
    expect(error.message).toMatch(message);
    expect(account.getResourcesCalls()).toBe(0);
  });

  test('unknown keys are allowed when the schema says so, and with no schema at all', async () => {
    const open = resolver({ TAG_SCHEMA: JSON.stringify({ ...SCHEMA, allowUnknownKeys: true }) });
    await expect(open.resolve({ tags: { team: 'x' } })).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
    const none = new ProfileResolver(contextFor(clock, logs.log), resolverConfigFromEnv({}));
    await expect(none.resolve({ tags: { tenant: 't1', color: 'blue' } })).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
  });

  test('one JSON log line per request, with the outcome and how the index was served', async () => {
    const r = resolver();
    await r.resolve({ tags: { tenant: 't1' } });
    await r.resolve({ tags: { dept: 'claims' } }).catch(() => undefined);
    const requests = logs.lines.filter((l) => l.message === 'resolved' || l.message === 'not resolved');
    expect(requests).toEqual([
      expect.objectContaining({ level: 'INFO', outcome: 'found', index: 'loaded', profiles: 12, profileArn: arnOf('p0001abcdef') }),
      expect.objectContaining({ level: 'INFO', outcome: 'AmbiguousProfile', index: 'fresh' }),
    ]);
    expect(logs.lines.filter((l) => l.message === 'scan')).toHaveLength(1);
  });
});

describe('by tenant key', () => {
  test('reads <prefix>/<tenantKey> and answers from the index', async () => {
    account.ssm.on(GetParameterCommand, { Name: `${PREFIX}/claims/t3` }).resolves({ Parameter: { Value: arnOf('p0003abcdef') } });
    await expect(resolver().resolve({ tenantKey: 'claims/t3' })).resolves.toMatchObject({ profileName: 'tenant-3', profileId: 'p0003abcdef' });
  });

  test('a key not in the catalog: ProfileNotFound naming the parameter; the miss is cached for the negative TTL', async () => {
    account.ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const r = resolver();
    const error = await r.resolve({ tenantKey: 'nobody' }).catch((e) => e);
    expect(error).toMatchObject({ name: RESOLVER_ERRORS.notFound, message: `tenant key 'nobody' is not in the catalog (no parameter ${PREFIX}/nobody)` });
    clock.advance(29);
    await expect(r.resolve({ tenantKey: 'nobody' })).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
    expect(account.ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    clock.advance(2);
    await expect(r.resolve({ tenantKey: 'nobody' })).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
    expect(account.ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  test('an entry pointing at a deleted profile: ProfileNotFound naming the stale entry (after one rescan)', async () => {
    account.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: arnOf('p0005abcdef') } });
    account.profiles[5].listed = false;
    const r = resolver();
    await r.resolve({ tags: { tenant: 't1' } });
    clock.advance(5);
    const error = await r.resolve({ tenantKey: 'billing/t5' }).catch((e) => e);
    expect(error.name).toBe(RESOLVER_ERRORS.notFound);
    expect(error.message).toBe(`catalog entry ${PREFIX}/billing/t5 is stale: it points to ${arnOf('p0005abcdef')}, which is not an active, `
      + 'tagged application inference profile (deleted, or its tags removed); update or delete the entry');
    expect(account.getResourcesCalls()).toBe(2);
  });

  test('an entry holding something else than a profile ARN: ProfileNotFound saying so', async () => {
    account.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'anthropic.claude' } });
    await expect(resolver().resolve({ tenantKey: 'x' })).rejects.toMatchObject({
      name: RESOLVER_ERRORS.notFound, message: expect.stringContaining("holds 'anthropic.claude', which is not an application inference profile ARN"),
    });
  });

  test('concurrent lookups of one key read the parameter once (single flight per key)', async () => {
    account.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: arnOf('p0003abcdef') } });
    const r = resolver();
    await Promise.all(Array.from({ length: 20 }, () => r.resolve({ tenantKey: 'claims/t3' })));
    expect(account.ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(account.getResourcesCalls()).toBe(1);
  });

  test('a catalog that cannot be read: ResolverUnavailable with the cause; a value read before is served (WARN)', async () => {
    const denied = Object.assign(new Error('not authorized to perform: ssm:GetParameter'), { name: 'AccessDeniedException' });
    account.ssm.on(GetParameterCommand).rejects(denied);
    const r = resolver();
    await expect(r.resolve({ tenantKey: 'claims/t3' })).rejects.toMatchObject({
      name: RESOLVER_ERRORS.unavailable, message: expect.stringContaining('(AccessDeniedException: not authorized to perform: ssm:GetParameter)'),
    });
    account.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: arnOf('p0003abcdef') } });
    clock.advance(31);
    await r.resolve({ tenantKey: 'claims/t3' });
    account.ssm.on(GetParameterCommand).rejects(denied);
    clock.advance(1000);
    await expect(r.resolve({ tenantKey: 'claims/t3' })).resolves.toMatchObject({ profileName: 'tenant-3' });
    expect(logs.lines.at(-1)).toMatchObject({ level: 'WARN', message: 'resolved', catalog: 'last-good', lastGood: 'GetParameter: AccessDeniedException' });
  });

  test('no catalog attached: InvalidResolveRequest', async () => {
    const r = new ProfileResolver(contextFor(clock, logs.log), resolverConfigFromEnv({ TAG_SCHEMA: JSON.stringify(SCHEMA) }));
    await expect(r.resolve({ tenantKey: 'claims/t3' })).rejects.toMatchObject({
      name: RESOLVER_ERRORS.invalidRequest, message: expect.stringContaining('no catalog attached'),
    });
  });
});

describe('configuration', () => {
  test.each([
    [{ TAG_SCHEMA: '{' }, /TAG_SCHEMA is not valid JSON/],
    [{ TAG_SCHEMA: '{"keys": 3}' }, /TAG_SCHEMA must be a JSON object/],
    [{ TAG_SCHEMA: '{"keys": [{"key": "a", "pattern": "("}]}' }, /pattern of 'a' is not a valid regular expression/],
    [{ TAG_SCHEMA: '{"keys": [{"key": "a", "allowedValues": [1]}]}' }, /allowedValues of 'a' must be a list of strings/],
    [{ CACHE_TTL_SECONDS: '0' }, /CACHE_TTL_SECONDS must be a whole number of seconds from 1/],
    [{ NEGATIVE_CACHE_TTL_SECONDS: 'x' }, /NEGATIVE_CACHE_TTL_SECONDS/],
    [{ CATALOG_PREFIX: 'no-slash' }, /CATALOG_PREFIX 'no-slash' must begin with a slash/],
    [{ CATALOG_PREFIX: '/a/b/' }, /must not end with a slash/],
    [{ CATALOG_PREFIX: '/ssm/b' }, /must not begin with 'aws' or 'ssm'/],
  ])('%j: ResolverMisconfigured', (env, message) => {
    expect(() => resolverConfigFromEnv(env))
      .toThrow(expect.objectContaining({ name: RESOLVER_ERRORS.misconfigured, message: expect.stringMatching(message) }));
  });

  test('defaults: TTL 300 s, negative TTL 30 s, stale window 300 s, no snapshot', () => {
    expect(resolverConfigFromEnv({}))
      .toMatchObject({ ttlMs: 300_000, negativeTtlMs: 30_000, staleMs: 300_000, snapshot: undefined, catalog: undefined });
    expect(resolverConfigFromEnv({ SNAPSHOT_BUCKET: 'b', CATALOG_PREFIX: '/a/b', AWS_REGION: 'us-east-2' })).toMatchObject({
      snapshot: { bucket: 'b', key: 'profile-resolver/index.json' },
      // 'arn:aws:ssm:us-east-2:111122223333:parameter/' is 45 characters (PutParameter "Name")
      catalog: { prefix: '/a/b', arnPrefixLength: 45 },
    });
  });
});
