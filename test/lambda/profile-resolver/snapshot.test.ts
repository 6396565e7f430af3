import { contextFor, fleet, mockAccount, MockAccount, recordingLogger, TestClock } from './mock-account';
import { resolverConfigFromEnv } from '../../../lambda/profile-resolver/config';
import { ProfileResolver } from '../../../lambda/profile-resolver/resolver';
import { parseSnapshot, S3SnapshotStore, SnapshotObjectClient } from '../../../lambda/profile-resolver/snapshot';
import { IndexSnapshot } from '../../../src/contracts/profile-resolver';

/** A hand-written stand-in for the S3 client: one bucket in memory, with injectable failures. */
class FakeObjects implements SnapshotObjectClient {
  public readonly objects = new Map<string, string>();
  public gets = 0;
  public puts = 0;
  public getError?: Error;
  public putError?: Error;

  public async getObject(input: { Bucket: string; Key: string }) {
    this.gets++;
    if (this.getError) throw this.getError;
    const body = this.objects.get(`${input.Bucket}/${input.Key}`);
    if (body === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToString: async () => body } };
  }

  public async putObject(input: { Bucket: string; Key: string; Body: string; ContentType: string }) {
    this.puts++;
    if (this.putError) throw this.putError;
    this.objects.set(`${input.Bucket}/${input.Key}`, input.Body);
    return {};
  }
}

const BUCKET = 'snapshots';
const KEY = 'profile-resolver/index.json';

let account: MockAccount;
let clock: TestClock;
let logs: ReturnType<typeof recordingLogger>;
let objects: FakeObjects;

function store(): S3SnapshotStore {
  return new S3SnapshotStore({ client: objects, bucket: BUCKET, key: KEY, retry: { sleep: async () => undefined, maxAttempts: 8 }, log: logs.log });
}

/** A new container: new resolver, same bucket. */
function container(): ProfileResolver {
  return new ProfileResolver(contextFor(clock, logs.log, { snapshot: store() }), resolverConfigFromEnv({}));
}

function snapshotBody(ageSeconds: number, names = ['from-snapshot']): string {
  const snapshot: IndexSnapshot = {
    version: 1,
    builtAt: new Date(clock.ms - ageSeconds * 1000).toISOString(),
    entries: names.map((name, i) => ({ arn: `arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/snap${i}`, id: `snap${i}`, name, tags: { tenant: `t${i}` } })),
  };
  return JSON.stringify(snapshot);
}

beforeEach(() => {
  account = mockAccount(fleet(250));
  clock = new TestClock();
  logs = recordingLogger();
  objects = new FakeObjects();
});

describe('the index snapshot', () => {
  test('a cold container with no snapshot scans, then writes one; the next cold container reads it instead of scanning', async () => {
    await container().resolve({ tags: { tenant: 't5' } });
    expect(account.getResourcesCalls()).toBe(3);
    expect(objects.puts).toBe(1);
    const written = JSON.parse(objects.objects.get(`${BUCKET}/${KEY}`)!);
    expect(written).toMatchObject({ version: 1, builtAt: new Date(clock.ms).toISOString() });
    expect(written.entries).toHaveLength(250);

    clock.advance(100);
    const second = container();
    await expect(second.resolve({ tags: { tenant: 't6' } })).resolves.toMatchObject({ profileName: 'tenant-6' });
    expect(account.getResourcesCalls()).toBe(3);
    expect(second.scans).toBe(1); // one load: the snapshot
    expect(logs.lines).toContainEqual(expect.objectContaining({ message: 'index from snapshot', profiles: 250, ageMs: 100_000 }));
  });

  test('a snapshot keeps its age: it expires a TTL after its scan, not after it was read', async () => {
    objects.objects.set(`${BUCKET}/${KEY}`, snapshotBody(290));
    const r = container();
    await expect(r.resolve({ tags: { tenant: 't0' } })).resolves.toMatchObject({ profileName: 'from-snapshot' });
    expect(account.getResourcesCalls()).toBe(0);
    clock.advance(11);
    await r.resolve({ tags: { tenant: 't0' } }); // stale: one refresh (a scan) starts
    await new Promise((resolve) => setImmediate(resolve));
    expect(account.getResourcesCalls()).toBeGreaterThan(0);
  });

  test('a snapshot as old as the TTL is skipped: the container scans and writes a new one', async () => {
    objects.objects.set(`${BUCKET}/${KEY}`, snapshotBody(300));
    await expect(container().resolve({ tags: { tenant: 't0' } })).resolves.toMatchObject({ profileName: 'tenant-0' });
    expect(account.getResourcesCalls()).toBe(3);
    expect(JSON.parse(objects.objects.get(`${BUCKET}/${KEY}`)!).entries).toHaveLength(250);
  });

  test('an unreadable snapshot or a failing GetObject: scan instead, with a WARN line', async () => {
    objects.objects.set(`${BUCKET}/${KEY}`, '{"version":1,"builtAt":"yesterday"');
    await container().resolve({ tags: { tenant: 't0' } });
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'snapshot unreadable; scanning instead' }));
    objects.getError = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await container().resolve({ tags: { tenant: 't0' } });
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'snapshot not read; scanning instead', error: 'AccessDenied' }));
    expect(account.getResourcesCalls()).toBe(6);
  });

  test('a failed write is logged and does not fail the lookup', async () => {
    objects.putError = Object.assign(new Error('Slow Down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    await expect(container().resolve({ tags: { tenant: 't1' } })).resolves.toMatchObject({ profileName: 'tenant-1' });
    expect(objects.puts).toBe(2); // 503 is retried, a couple of attempts only
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'snapshot not written', error: 'SlowDown' }));
  });

  test('only a cold start reads the snapshot: refreshes and rescans always scan', async () => {
    const r = container();
    await r.resolve({ tags: { tenant: 't1' } });
    clock.advance(10);
    await r.resolve({ tags: { tenant: 't99999' } }).catch(() => undefined);
    expect(objects.gets).toBe(1);
    expect(account.getResourcesCalls()).toBe(6);
  });

  test('without a snapshot store the resolver works from the APIs alone', async () => {
    const r = new ProfileResolver(contextFor(clock, logs.log), resolverConfigFromEnv({}));
    await expect(r.resolve({ tags: { tenant: 't1' } })).resolves.toMatchObject({ profileName: 'tenant-1' });
    expect(objects.gets + objects.puts).toBe(0);
  });

  test.each([
    ['not JSON', '{'],
    ['another version', JSON.stringify({ version: 2, builtAt: '2026-12-01T00:00:00Z', entries: [] })],
    ['a bad time', JSON.stringify({ version: 1, builtAt: 'soon', entries: [] })],
    ['a bad entry', JSON.stringify({ version: 1, builtAt: '2026-12-01T00:00:00Z', entries: [{ arn: 'a', id: 'b', name: 'c', tags: { x: 1 } }] })],
  ])('parseSnapshot refuses %s', (_, body) => {
    expect(parseSnapshot(body)).toBeUndefined();
  });
});
