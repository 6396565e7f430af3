/**
 * The shipped profile-resolver bundle (assets/lambda/profile-resolver/index.js) against the local
 * AWS fake: the real SDK clients page GetResources and ListInferenceProfiles, read the catalog from
 * SSM, and meet deleted profiles, tag changes and throttling storms as a deployed function would.
 * Every scenario loads the bundle afresh (a new container with its own cache); the bundle's clock
 * (Date.now) is moved forward to pass TTLs.
 */
import * as http from 'http';
import * as path from 'path';
import { BedrockClient, CreateInferenceProfileCommand, DeleteInferenceProfileCommand, TagResourceCommand } from '@aws-sdk/client-bedrock';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { RESOLVER_ENV, RESOLVER_ERRORS, ResolveResponse, ResolverTagSchema } from '../../../src/contracts/profile-resolver';
import { AwsFake } from '../../fakes/aws';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<ResolveResponse & Record<string, unknown>>;

// hundreds of real HTTP calls to the fake per scenario: room for a busy machine
jest.setTimeout(30_000);

const BUNDLE = path.join(__dirname, '..', '..', '..', 'assets', 'lambda', 'profile-resolver', 'index.js');
const NOVA = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0';
const PREFIX = '/cost-governance/profiles';
const SCHEMA: ResolverTagSchema = {
  keys: [{ key: 'dept', required: true }, { key: 'tenant', pattern: 't[0-9]+' }, { key: 'env', allowedValues: ['prod', 'dev'] }],
  allowUnknownKeys: false,
};

let bundle: ShippedBundle<Handler>;
let fake: AwsFake;
let bedrock: BedrockClient;
let ssm: SSMClient;
let offsetMs = 0;
const realNow = Date.now;

/** A new container of the shipped bundle with these settings (the rest of RESOLVER_ENV unset). */
function container(env: Record<string, string> = {}): Handler {
  for (const name of Object.values(RESOLVER_ENV)) delete process.env[name];
  Object.assign(process.env, { [RESOLVER_ENV.tagSchema]: JSON.stringify(SCHEMA), [RESOLVER_ENV.catalogPrefix]: PREFIX, ...env });
  let handler!: Handler;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require(BUNDLE).handler;
  });
  return handler;
}

async function createProfiles(count: number, tags: (i: number) => Record<string, string>, from = 0): Promise<string[]> {
  const arns: string[] = [];
  for (let i = from; i < from + count; i++) {
    const out = await bedrock.send(new CreateInferenceProfileCommand({
      inferenceProfileName: `tenant-${i}`,
      modelSource: { copyFrom: NOVA },
      tags: Object.entries(tags(i)).map(([key, value]) => ({ key, value })),
    }));
    arns.push(out.inferenceProfileArn!);
  }
  return arns;
}

const tenantTags = (i: number) => ({ dept: ['claims', 'underwriting'][i % 2], tenant: `t${i}`, env: 'prod' });
const scans = () => fake.calls.count({ operation: 'ListInferenceProfiles' });
const getResources = () => fake.calls.count({ operation: 'GetResources' });
const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('resolved'); }, (e: Error) => e);

/** The handler's JSON log lines while `fn` runs. */
async function logsOf(fn: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
  process.env.LOG_LEVEL = 'INFO';
  try {
    await fn();
  } finally {
    process.env.LOG_LEVEL = 'OFF';
    log.mockRestore();
    error.mockRestore();
  }
  return lines.map((l) => JSON.parse(l));
}

beforeAll(async () => {
  bundle = await loadShippedBundle<Handler>('profile-resolver');
  fake = bundle.fake;
  bedrock = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 });
  ssm = new SSMClient({ ...fake.clientConfig(), maxAttempts: 1 });
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
});

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 100)); // background refreshes of the last scenario end
  jest.restoreAllMocks();
  for (const name of Object.values(RESOLVER_ENV)) delete process.env[name];
  bedrock.destroy();
  ssm.destroy();
  await bundle.close();
});

beforeEach(() => {
  fake.reset();
  offsetMs = 0;
  fake.state.limits.deletedResourcesListedForMs = 10 * 60 * 1000;
});

describe('profile-resolver bundle against the AWS fake', () => {
  test('250 profiles: every tag set is answered from one paged scan (3 GetResources pages of 100, 1 ListInferenceProfiles page)', async () => {
    const arns = await createProfiles(250, tenantTags);
    fake.calls.clear();
    const handler = container();
    for (let i = 0; i < 250; i++) {
      const out = await handler({ tags: { tenant: `t${i}`, env: 'prod' } });
      expect(out.profileArn).toBe(arns[i]);
    }
    expect(await handler({ tags: { tenant: 't249' } })).toEqual({
      profileArn: arns[249], profileId: arns[249].split('/')[1], profileName: 'tenant-249', tags: { dept: 'underwriting', tenant: 't249', env: 'prod' },
    });
    expect(getResources()).toBe(3);
    expect(scans()).toBe(1);
  });

  test('a cold burst of 50 identical lookups reads one scan (single flight)', async () => {
    await createProfiles(120, tenantTags);
    fake.calls.clear();
    const handler = container();
    const out = await Promise.all(Array.from({ length: 50 }, () => handler({ tags: { tenant: 't42' } })));
    expect(new Set(out.map((o) => o.profileName))).toEqual(new Set(['tenant-42']));
    expect(getResources()).toBe(2);
    expect(scans()).toBe(1);
  });

  test('ambiguity: AmbiguousProfile listing every match, sorted', async () => {
    await createProfiles(6, tenantTags);
    const error = await errorOf(container()({ tags: { dept: 'claims' } }));
    expect(error.name).toBe(RESOLVER_ERRORS.ambiguous);
    expect([...error.message.matchAll(/(tenant-\d+) \(arn:/g)].map((m) => m[1])).toEqual(['tenant-0', 'tenant-2', 'tenant-4']);
  });

  test('deleted profiles GetResources still lists are not answered; a catalog entry pointing at one is reported stale', async () => {
    const arns = await createProfiles(3, tenantTags);
    await bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arns[1] }));
    await ssm.send(new PutParameterCommand({ Name: `${PREFIX}/underwriting/t1`, Value: arns[1], Type: 'String' }));
    await ssm.send(new PutParameterCommand({ Name: `${PREFIX}/claims/t0`, Value: arns[0], Type: 'String' }));
    expect(fake.state.resources().map((r) => r.arn)).toContain(arns[1]); // still listed by the Tagging API
    const handler = container();
    expect((await errorOf(handler({ tags: { tenant: 't1' } }))).name).toBe(RESOLVER_ERRORS.notFound);
    const stale = await errorOf(handler({ tenantKey: 'underwriting/t1' }));
    expect(stale.name).toBe(RESOLVER_ERRORS.notFound);
    expect(stale.message).toContain(`catalog entry ${PREFIX}/underwriting/t1 is stale: it points to ${arns[1]}`);
    await expect(handler({ tenantKey: 'claims/t0' })).resolves.toMatchObject({ profileArn: arns[0] });
    const missing = await errorOf(handler({ tenantKey: 'claims/t9' }));
    expect(missing).toMatchObject({ name: RESOLVER_ERRORS.notFound, message: `tenant key 'claims/t9' is not in the catalog (no parameter ${PREFIX}/claims/t9)` });
  });

  test('negative cache: a miss rescans once per negative TTL; a profile created meanwhile is found after it', async () => {
    await createProfiles(5, tenantTags);
    const handler = container({ [RESOLVER_ENV.negativeTtlSeconds]: '30' });
    await handler({ tags: { tenant: 't1' } });
    offsetMs += 5000;
    for (let i = 0; i < 10; i++) expect((await errorOf(handler({ tags: { tenant: 't77' } }))).name).toBe(RESOLVER_ERRORS.notFound);
    expect(scans()).toBe(2); // the cold scan and one rescan
    await createProfiles(1, () => ({ dept: 'claims', tenant: 't77' }), 77);
    offsetMs += 29_000;
    expect((await errorOf(handler({ tags: { tenant: 't77' } }))).name).toBe(RESOLVER_ERRORS.notFound);
    expect(scans()).toBe(2);
    offsetMs += 2000;
    await expect(handler({ tags: { tenant: 't77' } })).resolves.toMatchObject({ profileName: 'tenant-77' });
    expect(scans()).toBe(3);
  });

  test('tag changes are seen after the TTL', async () => {
    const arns = await createProfiles(2, tenantTags);
    const handler = container({ [RESOLVER_ENV.ttlSeconds]: '60', [RESOLVER_ENV.staleWhileRevalidateSeconds]: '0' });
    await expect(handler({ tags: { tenant: 't0', dept: 'claims' } })).resolves.toMatchObject({ profileArn: arns[0] });
    await bedrock.send(new TagResourceCommand({ resourceARN: arns[0], tags: [{ key: 'dept', value: 'underwriting' }] }));
    await expect(handler({ tags: { tenant: 't0', dept: 'claims' } })).resolves.toMatchObject({ profileArn: arns[0] }); // within the TTL
    offsetMs += 61_000;
    expect((await errorOf(handler({ tags: { tenant: 't0', dept: 'claims' } }))).name).toBe(RESOLVER_ERRORS.notFound);
    await expect(handler({ tags: { dept: 'underwriting' } })).rejects.toMatchObject({ name: RESOLVER_ERRORS.ambiguous });
  });

  test('a throttling storm still answers every lookup (bounded, jittered retries; one scan)', async () => {
    await createProfiles(150, tenantTags);
    fake.calls.clear();
    fake.faults.throttle('GetResources', { times: 5 }).throttle('ListInferenceProfiles', { times: 3 }).throttle('tagging:*', { perSecond: 3 });
    const handler = container();
    const out = await Promise.all(Array.from({ length: 50 }, (_, i) => handler({ tags: { tenant: `t${i * 3}` } })));
    expect(out.map((o) => o.profileName)).toEqual(Array.from({ length: 50 }, (_, i) => `tenant-${i * 3}`));
    const summary = fake.calls.summary();
    expect(summary['tagging:GetResources'].ok).toBe(2);
    expect(summary['tagging:GetResources'].errors.ThrottledException).toBeGreaterThanOrEqual(5);
    expect(summary['bedrock:ListInferenceProfiles']).toMatchObject({ ok: 1, errors: { ThrottlingException: 3 } });
  });

  test('when the APIs keep failing, the last good index is served with a WARN line; with none, ResolverUnavailable', async () => {
    await createProfiles(3, tenantTags);
    const handler = container({ [RESOLVER_ENV.staleWhileRevalidateSeconds]: '0' });
    await handler({ tags: { tenant: 't1' } });
    fake.faults.throttle('GetResources');
    offsetMs += 301_000;
    const lines = await logsOf(() => expect(handler({ tags: { tenant: 't2' } })).resolves.toMatchObject({ profileName: 'tenant-2' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'resolved', index: 'last-good' }));
    const cold = container();
    expect((await errorOf(cold({ tags: { tenant: 't2' } }))).name).toBe(RESOLVER_ERRORS.unavailable);
  });

  test('invalid requests and settings are thrown with names a caller can act on', async () => {
    const handler = container();
    expect(await errorOf(handler({ tags: { team: 'x' } }))).toMatchObject({ name: RESOLVER_ERRORS.invalidRequest });
    expect(await errorOf(handler({ tags: { env: 'staging' } }))).toMatchObject({ name: RESOLVER_ERRORS.invalidRequest, message: expect.stringContaining('allowed: prod, dev') });
    expect(await errorOf(handler({ tenantKey: '/x' }))).toMatchObject({ name: RESOLVER_ERRORS.invalidRequest });
    expect(await errorOf(container({ [RESOLVER_ENV.catalogPrefix]: '' })({ tenantKey: 'x' }))).toMatchObject({
      name: RESOLVER_ERRORS.invalidRequest, message: expect.stringContaining('no catalog attached'),
    });
    expect(await errorOf(container({ [RESOLVER_ENV.tagSchema]: '{' })({ tags: { dept: 'x' } }))).toMatchObject({ name: RESOLVER_ERRORS.misconfigured });
    expect(fake.calls.count()).toBe(0);
  });

  test('one JSON log line per warm request', async () => {
    await createProfiles(3, tenantTags);
    const handler = container();
    await handler({ tags: { tenant: 't1' } });
    const lines = await logsOf(async () => {
      await handler({ tags: { tenant: 't2' } });
      await handler({ tags: { tenant: 't9' } }).catch(() => undefined);
    });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'resolved', tags: { tenant: 't2' }, outcome: 'found', index: 'fresh' }),
      expect.objectContaining({ level: 'INFO', message: 'not resolved', tags: { tenant: 't9' }, outcome: 'ProfileNotFound' }),
    ]);
  });

  test('the schedule syncs the catalog from a new scan; tenant keys then resolve', async () => {
    const arns = await createProfiles(4, tenantTags);
    const handler = container({
      [RESOLVER_ENV.tenantKeyTags]: JSON.stringify(['dept', 'tenant']),
      [RESOLVER_ENV.syncOwner]: 'test-resolver',
      [RESOLVER_ENV.syncPutsPerSecond]: '1000',
    });
    const out = await handler({ action: 'sync' }) as unknown as { profiles: number; sync: { created: string[] } };
    expect(out.profiles).toBe(4);
    expect(out.sync.created).toHaveLength(4);
    await expect(handler({ tenantKey: 'underwriting/t3' })).resolves.toMatchObject({ profileArn: arns[3] });
    expect(scans()).toBe(1); // the sync's scan became the index
    await bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arns[3] }));
    await handler({ 'source': 'aws.bedrock', 'detail-type': 'AWS API Call via CloudTrail' });
    expect((await errorOf(handler({ tenantKey: 'underwriting/t3' }))).name).toBe(RESOLVER_ERRORS.notFound);
  });

  test('the optional snapshot: a cold container writes one S3 object after its scan, and the next cold container reads it instead of scanning', async () => {
    // a stand-in for S3 on the loopback (the AWS fake has no S3): GetObject answers NoSuchKey until a PutObject stored the body
    const objects = new Map<string, string>();
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const key = decodeURIComponent((req.url ?? '').split('?')[0]);
        requests.push(`${req.method} ${key}`);
        if (req.method === 'PUT') {
          objects.set(key, Buffer.concat(chunks).toString('utf8'));
          res.writeHead(200, { ETag: '"1"' }).end();
        } else if (objects.has(key)) {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(objects.get(key));
        } else {
          res.writeHead(404, { 'Content-Type': 'application/xml' })
            .end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${port}`;
    try {
      const arns = await createProfiles(3, tenantTags);
      fake.calls.clear();
      const env = { [RESOLVER_ENV.snapshotBucket]: 'snapshots', [RESOLVER_ENV.snapshotKey]: 'resolver/index.json' };
      await expect(container(env)({ tags: { tenant: 't1' } })).resolves.toMatchObject({ profileArn: arns[1] });
      expect(scans()).toBe(1);
      // an endpoint that is an IP address is addressed path-style: /<bucket>/<key>
      expect(requests).toEqual(['GET /snapshots/resolver/index.json', 'PUT /snapshots/resolver/index.json']);
      const written = JSON.parse(objects.get('/snapshots/resolver/index.json')!);
      expect(written).toMatchObject({ version: 1, entries: expect.arrayContaining([expect.objectContaining({ arn: arns[1], name: 'tenant-1' })]) });
      fake.calls.clear();
      await expect(container(env)({ tags: { tenant: 't2' } })).resolves.toMatchObject({ profileArn: arns[2] });
      expect(scans()).toBe(0); // a fresh snapshot: no scan in the new container
    } finally {
      delete process.env.AWS_ENDPOINT_URL_S3;
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
