import { ListTagsForResourceCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SyncConfig, SyncContext, syncCatalog } from '../../../lambda/profile-resolver/sync';
import { silentLogger } from '../../../lambda/shared/log';
import { ProfileIndexEntry, SYNC_OWNER_TAG } from '../../../src/contracts/profile-resolver';
import { AwsFake, startAwsFake } from '../../fakes/aws';

/**
 * The catalog sync end to end against the local AWS fake (real SDK client, Parameter Store's
 * rules, its PutParameter throughput and DescribeParameters' best-effort pages), on a virtual
 * clock shared by the fake and the sync: sleeping advances it, so pacing is measured, not waited.
 */

const ACCOUNT = '111122223333';
const PREFIX = '/bedrock/profiles';
const OWNER = 'Stack-Resolver-0123ABCD';
const PARAM_ARN = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter`;
const arn = (id: string) => `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${id}`;
const profile = (id: string, dept: string): ProfileIndexEntry => ({ arn: arn(id), id, name: `p-${id}`, tags: { dept } });
const CONFIG: SyncConfig = {
  prefix: PREFIX, tenantKeyTags: ['dept'], owner: OWNER, putsPerSecond: 3, arnPrefixLength: `${PARAM_ARN}/`.length,
};

let fake: AwsFake;
let ssm: SSMClient;
let now: number;

beforeAll(async () => {
  fake = await startAwsFake({ accountId: ACCOUNT });
  ssm = new SSMClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
beforeEach(() => {
  now = Date.parse('2026-06-01T00:00:00Z');
  fake.setClock(() => new Date(now));
});
afterEach(() => {
  fake.reset();
  fake.state.limits.putParameterPerSecond = undefined;
  fake.state.limits.describeParametersScanLimit = undefined;
});
afterAll(async () => {
  ssm.destroy();
  await fake.stop();
});

function ctx(): SyncContext {
  const sleep = async (ms: number) => { now += ms; };
  return { ssm, retry: { sleep, maxAttempts: 8 }, log: silentLogger, sleep, now: () => now };
}

/** name → value of every parameter of the fake's account and Region. */
function parameters(): Record<string, string> {
  const params = fake.state.region('us-east-1', ACCOUNT).parameters;
  return Object.fromEntries([...params.entries()].map(([name, versions]) => [name, versions[versions.length - 1].value]));
}

async function tagsOf(name: string): Promise<Record<string, string>> {
  const out = await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name }));
  return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key!, t.Value!]));
}

/**
 * An entry as CloudFormation makes it for ProfileCatalog.addProfile: a String parameter without
 * the owner tag (CloudFormation adds its reserved aws:cloudformation:* tags, which callers cannot set).
 */
async function declareInCloudFormation(name: string, value: string): Promise<void> {
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Tier: 'Standard' }));
}

describe('the catalog sync against the AWS fake', () => {
  test('adds, updates and removes its entries; never touches an entry declared in CloudFormation or another owner\'s', async () => {
    await declareInCloudFormation(`${PREFIX}/legal`, arn('declared'));
    await ssm.send(new PutParameterCommand({
      Name: `${PREFIX}/other`, Value: arn('x'), Type: 'String', Tags: [{ Key: SYNC_OWNER_TAG, Value: 'another-resolver' }],
    }));

    // first run: three profiles, one of them under the declared key
    const first = await syncCatalog(ctx(), [profile('c1', 'claims'), profile('u1', 'underwriting'), profile('l1', 'legal')], CONFIG);
    expect(first).toMatchObject({ created: [`${PREFIX}/claims`, `${PREFIX}/underwriting`], updated: [], deleted: [], complete: true });
    expect(first.skipped).toEqual([expect.objectContaining({ name: `${PREFIX}/legal`, reason: 'not-owned' })]);
    expect(parameters()).toEqual({
      [`${PREFIX}/legal`]: arn('declared'),
      [`${PREFIX}/other`]: arn('x'),
      [`${PREFIX}/claims`]: arn('c1'),
      [`${PREFIX}/underwriting`]: arn('u1'),
    });
    expect(await tagsOf(`${PREFIX}/claims`)).toEqual({ [SYNC_OWNER_TAG]: OWNER });
    expect(await tagsOf(`${PREFIX}/legal`)).toEqual({});

    // second run, nothing changed: no write at all
    fake.calls.clear();
    const again = await syncCatalog(ctx(), [profile('c1', 'claims'), profile('u1', 'underwriting'), profile('l1', 'legal')], CONFIG);
    expect(again).toMatchObject({ created: [], updated: [], deleted: [], unchanged: 2 });
    expect(fake.calls.count({ service: 'ssm', operation: 'PutParameter' })).toBe(0);
    expect(fake.calls.count({ service: 'ssm', operation: 'DeleteParameter' })).toBe(0);

    // third run: claims moved to another profile, underwriting's profile is gone, and the profile of
    // the declared key and another owner's key are gone too
    const third = await syncCatalog(ctx(), [profile('c2', 'claims')], CONFIG);
    expect(third).toMatchObject({ created: [], updated: [`${PREFIX}/claims`], deleted: [`${PREFIX}/underwriting`] });
    expect(parameters()).toEqual({
      [`${PREFIX}/legal`]: arn('declared'),
      [`${PREFIX}/other`]: arn('x'),
      [`${PREFIX}/claims`]: arn('c2'),
    });
    // an overwrite keeps the owner tag
    expect(await tagsOf(`${PREFIX}/claims`)).toEqual({ [SYNC_OWNER_TAG]: OWNER });
  });

  test('paced to Parameter Store\'s PutParameter throughput: 3 a second, no write throttled; measured on the virtual clock', async () => {
    fake.state.limits.putParameterPerSecond = 3;
    const start = now;
    const result = await syncCatalog(ctx(), Array.from({ length: 10 }, (_, i) => profile(`p${i}`, `t${i}`)), CONFIG);
    expect(result.created).toHaveLength(10);
    expect(fake.calls.count({ service: 'ssm', operation: 'PutParameter', errorCode: 'ThrottlingException' })).toBe(0);
    // ten writes, nine gaps of a third of a second
    expect(now - start).toBeGreaterThanOrEqual(3000 - 1);
    expect(now - start).toBeLessThan(3100);
  });

  test('faster than the throughput, writes are throttled and retried with backoff, and still all made', async () => {
    fake.state.limits.putParameterPerSecond = 3;
    const result = await syncCatalog(ctx(), Array.from({ length: 10 }, (_, i) => profile(`p${i}`, `t${i}`)), { ...CONFIG, putsPerSecond: 50 });
    expect(result.created).toHaveLength(10);
    expect(fake.calls.count({ service: 'ssm', operation: 'PutParameter', errorCode: 'ThrottlingException' })).toBeGreaterThan(0);
    expect(Object.keys(parameters())).toHaveLength(10);
  });

  test('finds all its entries through DescribeParameters\' short and empty pages, among many others', async () => {
    for (let i = 0; i < 30; i++) await declareInCloudFormation(`${PREFIX}/declared${String(i).padStart(2, '0')}`, arn(`d${i}`));
    const profiles = Array.from({ length: 5 }, (_, i) => profile(`p${i}`, `zz${i}`));
    await syncCatalog(ctx(), profiles, { ...CONFIG, putsPerSecond: 1000 });
    fake.state.limits.describeParametersScanLimit = 4;
    fake.calls.clear();
    // every profile gone: the sync must find all five of its entries to delete them
    const result = await syncCatalog(ctx(), [], { ...CONFIG, putsPerSecond: 1000 });
    expect(result.deleted).toEqual(profiles.map((p) => `${PREFIX}/${p.tags.dept}`));
    expect(Object.keys(parameters())).toHaveLength(30);
    expect(fake.calls.count({ service: 'ssm', operation: 'DescribeParameters' })).toBe(Math.ceil(35 / 4));
    expect(fake.calls.count({ service: 'ssm', operation: 'GetParametersByPath' })).toBe(Math.ceil(35 / 10));
  });

  test('works with exactly the permissions the ProfileResolver construct grants (IAM of the fake)', async () => {
    fake.state.access(ACCOUNT).setIdentityPolicy([
      { actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'], resources: [`${PARAM_ARN}${PREFIX}`, `${PARAM_ARN}${PREFIX}/*`] },
      { actions: ['ssm:PutParameter', 'ssm:AddTagsToResource'], resources: [`${PARAM_ARN}${PREFIX}/*`] },
      // the construct also conditions this on aws:ResourceTag/<owner tag> = owner, which the fake does not evaluate
      { actions: ['ssm:DeleteParameter'], resources: [`${PARAM_ARN}${PREFIX}/*`] },
      { actions: ['ssm:DescribeParameters'], resources: ['*'] },
    ]);
    await syncCatalog(ctx(), [profile('a', 'claims'), profile('b', 'uw')], CONFIG);
    const result = await syncCatalog(ctx(), [profile('c', 'claims')], CONFIG);
    expect(result).toMatchObject({ updated: [`${PREFIX}/claims`], deleted: [`${PREFIX}/uw`] });
    expect(fake.calls.count({ service: 'ssm', outcome: 'error' })).toBe(0);
  });
});
