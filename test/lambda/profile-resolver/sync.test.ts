import {
  DeleteParameterCommand, DescribeParametersCommand, GetParametersByPathCommand, ParameterAlreadyExists, ParameterLimitExceeded,
  ParameterNotFound, PutParameterCommand, SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { BY_PATH_PAGE_SIZE, DESCRIBE_PAGE_SIZE } from '../../../lambda/profile-resolver/catalog-store';
import {
  DEFAULT_PUTS_PER_SECOND, SyncConfig, SyncContext, syncCatalog, syncConfigFromEnv, tenantKeyOf,
} from '../../../lambda/profile-resolver/sync';
import { Logger } from '../../../lambda/shared/log';
import { ProfileIndexEntry, SYNC_OWNER_TAG } from '../../../src/contracts/profile-resolver';

const ssm = mockClient(SSMClient);
const PREFIX = '/bedrock/profiles';
const OWNER = 'Stack-Resolver-0123ABCD';
const arn = (id: string) => `arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/${id}`;
const profile = (id: string, tags: Record<string, string>): ProfileIndexEntry => ({ arn: arn(id), id, name: `p-${id}`, tags });

const CONFIG: SyncConfig = {
  prefix: PREFIX, tenantKeyTags: ['dept'], owner: OWNER, putsPerSecond: 1000, arnPrefixLength: 'arn:aws:ssm:us-east-1:000000000000:parameter/'.length,
};

interface Logged { level: string; message: string; fields?: Record<string, unknown> }

function context(overrides: Partial<SyncContext> = {}): { ctx: SyncContext; logs: Logged[]; clock: { now: number } } {
  const clock = { now: Date.parse('2026-06-01T00:00:00Z') };
  const logs: Logged[] = [];
  const log: Logger = (level, message, fields) => logs.push({ level, message, fields });
  const sleep = async (ms: number) => { clock.now += ms; };
  return {
    ctx: { ssm: new SSMClient({}), retry: { sleep, maxAttempts: 3 }, log, sleep, now: () => clock.now, ...overrides },
    logs,
    clock,
  };
}

/** The catalog as the two list calls see it: name → value, and the names carrying this owner's tag. */
function catalog(entries: Record<string, string>, owned: string[]): void {
  const names = Object.keys(entries).sort();
  ssm.on(GetParametersByPathCommand).callsFake((input) => {
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const page = names.slice(start, start + 2);
    const next = start + 2 < names.length ? String(start + 2) : undefined;
    return { Parameters: page.map((Name) => ({ Name, Value: entries[Name] })), NextToken: next };
  });
  ssm.on(DescribeParametersCommand).callsFake((input) => {
    // best effort: one empty page (with a token) before the results
    if (!input.NextToken) return { Parameters: [], NextToken: 'more' };
    return { Parameters: owned.map((Name) => ({ Name })) };
  });
  ssm.on(PutParameterCommand).resolves({ Version: 1, Tier: 'Standard' });
  ssm.on(DeleteParameterCommand).resolves({});
}

const writes = () => ssm.calls()
  .map((c) => c.args[0])
  .filter((cmd) => cmd instanceof PutParameterCommand || cmd instanceof DeleteParameterCommand)
  .map((cmd) => {
    const input = cmd.input as { Name: string; Overwrite?: boolean; Value?: string };
    return cmd instanceof DeleteParameterCommand ? `delete ${input.Name}` : `${input.Overwrite ? 'update' : 'create'} ${input.Name}=${input.Value}`;
  });

beforeEach(() => ssm.reset());

describe('syncConfigFromEnv', () => {
  const env = { CATALOG_PREFIX: PREFIX, TENANT_KEY_TAGS: '["dept","team"]', SYNC_OWNER: OWNER, AWS_REGION: 'eu-west-1' };

  test('reads the construct\'s environment; the ARN length follows the Region and its partition', () => {
    expect(syncConfigFromEnv(env)).toEqual({
      prefix: PREFIX,
      tenantKeyTags: ['dept', 'team'],
      owner: OWNER,
      putsPerSecond: DEFAULT_PUTS_PER_SECOND,
      arnPrefixLength: 'arn:aws:ssm:eu-west-1:000000000000:parameter/'.length,
    });
    expect(syncConfigFromEnv({ ...env, AWS_REGION: 'us-gov-west-1' })!.arnPrefixLength).toBe('arn:aws-us-gov:ssm:us-gov-west-1:000000000000:parameter/'.length);
    expect(syncConfigFromEnv({ ...env, AWS_REGION: 'cn-north-1' })!.arnPrefixLength).toBe('arn:aws-cn:ssm:cn-north-1:000000000000:parameter/'.length);
  });

  test('no sync without CATALOG_PREFIX or TENANT_KEY_TAGS', () => {
    expect(syncConfigFromEnv({ ...env, CATALOG_PREFIX: undefined })).toBeUndefined();
    expect(syncConfigFromEnv({ ...env, TENANT_KEY_TAGS: undefined })).toBeUndefined();
  });

  test.each([['2', 2], ['0.5', 0.5], ['0', 3], ['abc', 3], ['5000', 3]])('SYNC_PUTS_PER_SECOND=%s → %d', (raw, expected) => {
    expect(syncConfigFromEnv({ ...env, SYNC_PUTS_PER_SECOND: raw })!.putsPerSecond).toBe(expected);
  });

  test.each<[string, Record<string, string | undefined>, RegExp]>([
    ['TENANT_KEY_TAGS not JSON', { TENANT_KEY_TAGS: 'dept' }, /TENANT_KEY_TAGS must be a JSON list of tag keys/],
    ['TENANT_KEY_TAGS empty', { TENANT_KEY_TAGS: '[]' }, /TENANT_KEY_TAGS must be a JSON list/],
    ['no SYNC_OWNER', { SYNC_OWNER: undefined }, /SYNC_OWNER must be set/],
    ['a prefix Parameter Store refuses', { CATALOG_PREFIX: '/aws/x' }, /CATALOG_PREFIX '\/aws\/x' must not begin with 'aws'/],
  ])('a broken deployment fails loudly: %s', (_label, overrides, message) => {
    expect(() => syncConfigFromEnv({ ...env, ...overrides })).toThrow(message);
  });
});

describe('tenantKeyOf', () => {
  test.each<[Record<string, string>, string[], unknown]>([
    [{ dept: 'claims', team: 'intake' }, ['dept', 'team'], { key: 'claims/intake' }],
    [{ dept: 'claims' }, ['dept', 'team'], { reason: 'missing-tag', detail: "no value for tag 'team'" }],
    [{ dept: '' }, ['dept'], { reason: 'missing-tag', detail: "no value for tag 'dept'" }],
    [{ dept: 'claims/eu' }, ['dept'], expect.objectContaining({ reason: 'invalid-key', detail: expect.stringMatching(/holds a '\/'/) })],
    [{ dept: 'claims dept' }, ['dept'], expect.objectContaining({ reason: 'invalid-key', detail: expect.stringMatching(/may hold only levels/) })],
    [{ dept: 'a+b@c' }, ['dept'], expect.objectContaining({ reason: 'invalid-key' })],
  ])('%j with %j', (tags, keys, expected) => {
    expect(tenantKeyOf(profile('x', tags), keys)).toEqual(expected);
  });
});

describe('syncCatalog (SSM mocked)', () => {
  test('creates, updates and deletes only what it owns, in that order of urgency: updates, deletions, creations', async () => {
    catalog({
      [`${PREFIX}/claims`]: arn('old'), // owned, profile changed → update
      [`${PREFIX}/gone`]: arn('g'), // owned, no profile → delete
      [`${PREFIX}/legal`]: arn('cfn'), // declared in CloudFormation → untouched
      [`${PREFIX}/ok`]: arn('ok'), // owned and right
      [`${PREFIX}/zz`]: arn('z'), // someone else's, no profile → untouched
    }, [`${PREFIX}/claims`, `${PREFIX}/gone`, `${PREFIX}/ok`]);
    const { ctx } = context();
    const result = await syncCatalog(ctx, [
      profile('new', { dept: 'claims' }), profile('ok', { dept: 'ok' }), profile('l2', { dept: 'legal' }), profile('u', { dept: 'underwriting' }),
    ], CONFIG);
    expect(writes()).toEqual([
      `update ${PREFIX}/claims=${arn('new')}`,
      `delete ${PREFIX}/gone`,
      `create ${PREFIX}/underwriting=${arn('u')}`,
    ]);
    expect(result).toMatchObject({
      created: [`${PREFIX}/underwriting`],
      updated: [`${PREFIX}/claims`],
      deleted: [`${PREFIX}/gone`],
      unchanged: 1,
      complete: true,
      skipped: [expect.objectContaining({ name: `${PREFIX}/legal`, reason: 'not-owned' })],
    });
  });

  test('creates mark the entry as the owner\'s in the same call, without Overwrite; updates overwrite without tags', async () => {
    catalog({ [`${PREFIX}/claims`]: arn('old') }, [`${PREFIX}/claims`]);
    const { ctx } = context();
    await syncCatalog(ctx, [profile('a', { dept: 'claims' }), profile('b', { dept: 'uw' })], CONFIG);
    const puts = ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input);
    expect(puts).toEqual([
      { Name: `${PREFIX}/claims`, Value: arn('a'), Overwrite: true },
      {
        Name: `${PREFIX}/uw`,
        Value: arn('b'),
        Type: 'String',
        Tier: 'Standard',
        Description: `Amazon Bedrock application inference profile of tenant key uw, written by the profile catalog sync ${OWNER}`,
        Tags: [{ Key: SYNC_OWNER_TAG, Value: OWNER }],
      },
    ]);
  });

  test('every list pages to its end (NextToken, even after an empty page), with the largest page the API allows', async () => {
    const entries = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`${PREFIX}/t${i}`, arn(`p${i}`)]));
    catalog(entries, Object.keys(entries));
    const { ctx } = context();
    const result = await syncCatalog(ctx, Array.from({ length: 7 }, (_, i) => profile(`p${i}`, { dept: `t${i}` })), CONFIG);
    expect(result).toMatchObject({ unchanged: 7, created: [], updated: [], deleted: [] });
    const byPath = ssm.commandCalls(GetParametersByPathCommand).map((c) => c.args[0].input);
    expect(byPath).toHaveLength(4);
    expect(byPath[0]).toEqual({ Path: PREFIX, Recursive: true, MaxResults: BY_PATH_PAGE_SIZE, NextToken: undefined });
    expect(byPath.map((i) => i.NextToken)).toEqual([undefined, '2', '4', '6']);
    const describe = ssm.commandCalls(DescribeParametersCommand).map((c) => c.args[0].input);
    expect(describe).toEqual([undefined, 'more'].map((NextToken) => ({
      ParameterFilters: [
        { Key: 'Path', Option: 'Recursive', Values: [PREFIX] },
        { Key: `tag:${SYNC_OWNER_TAG}`, Option: 'Equals', Values: [OWNER] },
      ],
      MaxResults: DESCRIBE_PAGE_SIZE,
      NextToken,
    })));
    expect(BY_PATH_PAGE_SIZE).toBe(10);
    expect(DESCRIBE_PAGE_SIZE).toBe(50);
  });

  test('a name taken meanwhile (ParameterAlreadyExists) is left alone; an entry deleted meanwhile (ParameterNotFound) is no error', async () => {
    catalog({ [`${PREFIX}/gone`]: arn('g') }, [`${PREFIX}/gone`]);
    ssm.on(PutParameterCommand).rejects(new ParameterAlreadyExists({ message: 'The parameter already exists.', $metadata: {} }));
    ssm.on(DeleteParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const { ctx } = context();
    const result = await syncCatalog(ctx, [profile('a', { dept: 'claims' })], CONFIG);
    expect(result).toMatchObject({
      created: [],
      deleted: [],
      complete: true,
      skipped: [expect.objectContaining({ name: `${PREFIX}/claims`, reason: 'not-owned', detail: expect.stringMatching(/ParameterAlreadyExists/) })],
    });
  });

  test('the parameter quota reached: creations stop, the run is incomplete, one ERROR line', async () => {
    catalog({}, []);
    ssm.on(PutParameterCommand).rejects(new ParameterLimitExceeded({ message: 'You have exceeded the number of parameters', $metadata: {} }));
    const { ctx, logs } = context();
    const result = await syncCatalog(ctx, [profile('a', { dept: 'a' }), profile('b', { dept: 'b' })], CONFIG);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(1);
    expect(result.complete).toBe(false);
    expect(result.skipped).toEqual([expect.objectContaining({ reason: 'quota', name: `${PREFIX}/a` })]);
    expect(logs.filter((l) => l.level === 'ERROR')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ notCreated: 2 }) })]);
  });

  test('profiles without a usable key are skipped with one WARN per reason; a key two profiles share is left as it is', async () => {
    catalog({ [`${PREFIX}/shared`]: arn('s1') }, [`${PREFIX}/shared`]);
    const { ctx, logs } = context();
    const result = await syncCatalog(ctx, [
      profile('s1', { dept: 'shared' }), profile('s2', { dept: 'shared' }),
      profile('m1', {}), profile('m2', { team: 'x' }),
      profile('bad', { dept: 'a b' }),
      profile('long', { dept: 'x'.repeat(1011) }),
    ], CONFIG);
    expect(writes()).toEqual([]);
    expect(result.skipped.map((s) => [s.reason, s.profileArn ?? s.name])).toEqual([
      ['missing-tag', arn('m1')], ['missing-tag', arn('m2')], ['invalid-key', arn('bad')], ['invalid-key', arn('long')],
      ['ambiguous-key', `${PREFIX}/shared`],
    ]);
    expect(result.skipped.find((s) => s.profileArn === arn('long'))!.detail).toMatch(/characters long with its ARN; Parameter Store allows at most 1011/);
    const warns = logs.filter((l) => l.level === 'WARN');
    expect(warns.map((w) => [w.fields!.reason, w.fields!.count])).toEqual([['missing-tag', 2], ['invalid-key', 2], ['ambiguous-key', 1]]);
  });

  test('paced: writes are spaced by 1/putsPerSecond (rounded up to whole milliseconds) on the injected clock', async () => {
    catalog({}, []);
    const { ctx, clock } = context();
    const start = clock.now;
    const starts: number[] = [];
    ssm.on(PutParameterCommand).callsFake(() => {
      starts.push(clock.now - start);
      return { Version: 1 };
    });
    await syncCatalog(ctx, Array.from({ length: 7 }, (_, i) => profile(`p${i}`, { dept: `t${i}` })), { ...CONFIG, putsPerSecond: 3 });
    expect(starts).toHaveLength(7);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    expect(gaps).toEqual(Array(6).fill(334));
    expect(starts[0]).toBe(0);
  });

  test('the deadline: no write starts after it; the run says it is incomplete, and the next run goes on', async () => {
    catalog({}, []);
    const { ctx, clock } = context();
    const result = await syncCatalog({ ...ctx, deadline: clock.now + 1000 }, Array.from({ length: 6 }, (_, i) => profile(`p${i}`, { dept: `t${i}` })),
      { ...CONFIG, putsPerSecond: 2 });
    // writes at 0, 500 and 1000 ms; the fourth would start at 1500
    expect(result.created).toHaveLength(3);
    expect(result.complete).toBe(false);
  });

  test('throttled writes are retried with backoff on the injected clock', async () => {
    catalog({}, []);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    ssm.on(PutParameterCommand).rejectsOnce(throttled).resolves({ Version: 1 });
    const { ctx } = context();
    const result = await syncCatalog(ctx, [profile('a', { dept: 'a' })], CONFIG);
    expect(result.created).toEqual([`${PREFIX}/a`]);
    expect(ssm.commandCalls(PutParameterCommand)).toHaveLength(2);
  });
});
