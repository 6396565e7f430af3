import { ListInferenceProfilesCommand } from '@aws-sdk/client-bedrock';
import { GetResourcesCommand, ThrottledException } from '@aws-sdk/client-resource-groups-tagging-api';
import { contextFor, deferred, fleet, mockAccount, MockAccount, recordingLogger, settle, TestClock } from './mock-account';
import { resolverConfigFromEnv } from '../../../lambda/profile-resolver/config';
import { ProfileResolver } from '../../../lambda/profile-resolver/resolver';
import { RESOLVER_ERRORS } from '../../../src/contracts/profile-resolver';

let account: MockAccount;
let clock: TestClock;
let logs: ReturnType<typeof recordingLogger>;

/** 250 profiles: one scan is 3 GetResources pages and 1 ListInferenceProfiles page. */
const PAGES_PER_SCAN = 3;

function resolver(env: Record<string, string> = {}): ProfileResolver {
  return new ProfileResolver(contextFor(clock, logs.log), resolverConfigFromEnv(env));
}

const lookup = (r: ProfileResolver, i: number) => r.resolve({ tags: { tenant: `t${i}` } });
const requestLines = () => logs.lines.filter((l) => l.message === 'resolved' || l.message === 'not resolved');

function failScans(): void {
  account.tagging.on(GetResourcesCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: {} }));
}

beforeEach(() => {
  account = mockAccount(fleet(250));
  clock = new TestClock();
  logs = recordingLogger();
});

describe('one index for every tag set', () => {
  test('1,000 lookups of 250 different tag sets within the TTL read one scan', async () => {
    const r = resolver();
    for (let i = 0; i < 1000; i++) await lookup(r, i % 250);
    expect(account.getResourcesCalls()).toBe(PAGES_PER_SCAN);
    expect(account.listCalls()).toBe(1);
    expect(r.scans).toBe(1);
  });

  test('single flight: 50 concurrent lookups on a cold container share one scan', async () => {
    const r = resolver();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => lookup(r, i)));
    expect(answers.map((a) => a.profileName)).toEqual(Array.from({ length: 50 }, (_, i) => `tenant-${i}`));
    expect(account.getResourcesCalls()).toBe(PAGES_PER_SCAN);
  });

  test('single flight: 50 concurrent misses on a warm index share exactly one rescan', async () => {
    const r = resolver();
    await lookup(r, 1);
    clock.advance(10);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => r.resolve({ tags: { tenant: `t${1000 + (i % 5)}` } })));
    expect(results.every((x) => x.status === 'rejected' && x.reason.name === RESOLVER_ERRORS.notFound)).toBe(true);
    expect(account.getResourcesCalls()).toBe(2 * PAGES_PER_SCAN);
  });
});

describe('negative cache', () => {
  test('a miss rescans at most once per negative TTL, and finds a profile created meanwhile after it', async () => {
    const r = resolver();
    await lookup(r, 1);
    clock.advance(10);
    await expect(r.resolve({ tags: { tenant: 't9000' } })).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
    expect(account.getResourcesCalls()).toBe(2 * PAGES_PER_SCAN);
    account.profiles.push({ id: 'newprofile01', name: 'late', tags: { tenant: 't9000' } });
    for (let s = 0; s < 29; s++) {
      clock.advance(1);
      await expect(r.resolve({ tags: { tenant: 't9000' } })).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
    }
    expect(account.getResourcesCalls()).toBe(2 * PAGES_PER_SCAN);
    clock.advance(1.5);
    await expect(r.resolve({ tags: { tenant: 't9000' } })).resolves.toMatchObject({ profileName: 'late' });
    expect(account.getResourcesCalls()).toBe(3 * PAGES_PER_SCAN);
  });

  test('misses right after a scan (index younger than a second) cost no further scan', async () => {
    const r = resolver();
    await lookup(r, 1);
    for (let i = 0; i < 20; i++) await r.resolve({ tags: { tenant: `t${5000 + i}` } }).catch(() => undefined);
    expect(account.getResourcesCalls()).toBe(PAGES_PER_SCAN);
  });

  test('ambiguity is answered from the index, never rescanned', async () => {
    const r = resolver();
    await lookup(r, 1);
    clock.advance(10);
    await expect(r.resolve({ tags: { dept: 'claims' } })).rejects.toMatchObject({ name: RESOLVER_ERRORS.ambiguous });
    expect(account.getResourcesCalls()).toBe(PAGES_PER_SCAN);
  });
});

describe('TTL and stale-while-revalidate', () => {
  test('after the TTL the old index is served at once while one refresh runs; then the new one', async () => {
    const r = resolver();
    await lookup(r, 1);
    account.profiles[1].tags = { ...account.profiles[1].tags, tenant: 't1-renamed' };
    const gate = deferred();
    account.hold(gate.promise);
    clock.advance(301);
    const during = await Promise.all(Array.from({ length: 10 }, () => lookup(r, 1)));
    expect(during.every((a) => a.profileName === 'tenant-1')).toBe(true);
    expect(requestLines().slice(1).every((l) => l.index === 'stale')).toBe(true);
    expect(account.getResourcesCalls()).toBe(PAGES_PER_SCAN + 1); // the refresh started once and waits
    gate.resolve();
    await settle();
    expect(account.getResourcesCalls()).toBe(2 * PAGES_PER_SCAN);
    await expect(r.resolve({ tags: { tenant: 't1-renamed' } })).resolves.toMatchObject({ profileName: 'tenant-1' });
    expect(requestLines().at(-1)).toMatchObject({ index: 'fresh' });
  });

  test('past the stale window a lookup waits for the new scan', async () => {
    const r = resolver({ STALE_WHILE_REVALIDATE_SECONDS: '60' });
    await lookup(r, 1);
    account.profiles[1].listed = false;
    clock.advance(361);
    await expect(lookup(r, 1)).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
    expect(requestLines().at(-1)).toMatchObject({ index: 'loaded' });
  });

  test('a custom TTL', async () => {
    const r = resolver({ CACHE_TTL_SECONDS: '60', STALE_WHILE_REVALIDATE_SECONDS: '0' });
    await lookup(r, 1);
    clock.advance(59);
    await lookup(r, 1);
    expect(r.scans).toBe(1);
    clock.advance(2);
    await lookup(r, 1);
    expect(r.scans).toBe(2);
  });
});

describe('when the APIs fail', () => {
  test('the last good index is served with a WARN line, and the scan is not retried on every request', async () => {
    const r = resolver({ STALE_WHILE_REVALIDATE_SECONDS: '0' });
    await lookup(r, 1);
    failScans();
    clock.advance(301);
    await expect(lookup(r, 2)).resolves.toMatchObject({ profileName: 'tenant-2' });
    const attempts = account.getResourcesCalls();
    expect(attempts).toBe(PAGES_PER_SCAN + 4); // one scan's bounded attempts
    expect(requestLines().at(-1)).toMatchObject({ level: 'WARN', outcome: 'found', index: 'last-good', lastGood: expect.stringContaining('ThrottledException') });
    for (let i = 0; i < 20; i++) await lookup(r, i);
    expect(account.getResourcesCalls()).toBe(attempts); // within the backoff (the negative TTL) no new scan
    clock.advance(31);
    await lookup(r, 3);
    expect(account.getResourcesCalls()).toBe(attempts + 4);
  });

  test('a failed background refresh keeps the stale index served, with a WARN line', async () => {
    const r = resolver();
    await lookup(r, 1);
    failScans();
    clock.advance(301);
    await expect(lookup(r, 1)).resolves.toMatchObject({ profileName: 'tenant-1' });
    await settle();
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'index refresh failed; serving the previous index', error: 'ThrottledException' }));
    await expect(lookup(r, 2)).resolves.toMatchObject({ profileName: 'tenant-2' });
  });

  test('with no earlier index: ResolverUnavailable, and one failed scan per backoff', async () => {
    failScans();
    const r = resolver();
    const error = await lookup(r, 1).catch((e) => e);
    expect(error.name).toBe(RESOLVER_ERRORS.unavailable);
    expect(error.message).toMatch(/APIs failed and this container has no earlier index \(ThrottledException: Rate exceeded\); retry later/);
    await expect(lookup(r, 1)).rejects.toMatchObject({ name: RESOLVER_ERRORS.unavailable });
    expect(account.getResourcesCalls()).toBe(4);
    expect(requestLines().at(-1)).toMatchObject({ level: 'WARN', outcome: 'ResolverUnavailable' });
  });

  test('a miss whose rescan fails is answered from the last good index and not remembered', async () => {
    const r = resolver();
    await lookup(r, 1);
    clock.advance(10);
    failScans();
    await expect(r.resolve({ tags: { tenant: 't7777' } })).rejects.toMatchObject({ name: RESOLVER_ERRORS.notFound });
    expect(requestLines().at(-1)).toMatchObject({ level: 'WARN', rescanned: true, index: 'last-good' });
  });
});

describe('invalidation and the sync scan', () => {
  test('invalidate: the next lookup refreshes (serving the old index meanwhile) and remembered misses are forgotten', async () => {
    const r = resolver();
    await lookup(r, 1);
    clock.advance(5);
    await r.resolve({ tags: { tenant: 't4242' } }).catch(() => undefined);
    account.profiles.push({ id: 'newprofile02', name: 'fresh', tags: { tenant: 't4242' } });
    r.invalidate();
    await expect(r.resolve({ tags: { tenant: 't4242' } })).resolves.toMatchObject({ profileName: 'fresh' });
  });

  test('scanNow scans (joining a scan in flight), becomes the index, and throws when the scan fails', async () => {
    const r = resolver();
    const [entries] = await Promise.all([r.scanNow(), lookup(r, 3)]);
    expect(entries).toHaveLength(250);
    expect(account.getResourcesCalls()).toBe(PAGES_PER_SCAN);
    failScans();
    clock.advance(5);
    await expect(r.scanNow()).rejects.toMatchObject({ name: 'ThrottledException' });
    await expect(lookup(r, 3)).resolves.toMatchObject({ profileName: 'tenant-3' });
  });

  test('both lists are read once per scan', async () => {
    const r = resolver();
    await lookup(r, 1);
    expect(account.bedrock.commandCalls(ListInferenceProfilesCommand)).toHaveLength(1);
    expect(account.tagging.commandCalls(GetResourcesCommand)).toHaveLength(PAGES_PER_SCAN);
  });
});
