import { recordingLogger } from './mock-account';
import { dispatch, IndexOwner } from '../../../lambda/profile-resolver/dispatch';
import { ExpiringSet, RefreshingCache } from '../../../lambda/shared/refreshing-cache';
import { ProfileIndexEntry, RESOLVER_ERRORS } from '../../../src/contracts/profile-resolver';

const ENTRY: ProfileIndexEntry = { arn: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc', id: 'abc', name: 'claims', tags: { dept: 'claims' } };

function owner(): IndexOwner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    resolve: async (request) => {
      calls.push(`resolve ${JSON.stringify(request)}`);
      return { profileArn: ENTRY.arn, profileId: ENTRY.id, profileName: ENTRY.name, tags: ENTRY.tags };
    },
    invalidate: () => void calls.push('invalidate'),
    scanNow: async () => {
      calls.push('scan');
      return [ENTRY];
    },
  };
}

describe('dispatch', () => {
  test('a ResolveRequest is resolved', async () => {
    const resolver = owner();
    await expect(dispatch({ tags: { dept: 'claims' } }, { resolver, log: recordingLogger().log })).resolves.toMatchObject({ profileName: 'claims' });
    expect(resolver.calls).toEqual(['resolve {"tags":{"dept":"claims"}}']);
  });

  test('the schedule { action: "sync" } scans and syncs the complete index', async () => {
    const resolver = owner();
    const synced: ProfileIndexEntry[][] = [];
    const out = await dispatch({ action: 'sync' }, { resolver, sync: async (entries) => { synced.push(entries); return { created: 1 }; }, log: recordingLogger().log });
    expect(out).toEqual({ profiles: 1, sync: { created: 1 } });
    expect(resolver.calls).toEqual(['scan']);
    expect(synced).toEqual([[ENTRY]]);
  });

  test('an EventBridge event invalidates the index first, then scans and syncs', async () => {
    const resolver = owner();
    const { log, lines } = recordingLogger();
    await dispatch({ 'source': 'aws.tag', 'detail-type': 'Tag Change on Resource' }, { resolver, sync: async () => 'ok', log });
    expect(resolver.calls).toEqual(['invalidate', 'scan']);
    expect(lines).toContainEqual(expect.objectContaining({ message: 'index refreshed', source: 'aws.tag', detailType: 'Tag Change on Resource', synced: true }));
  });

  test('an EventBridge event without a catalog sync refreshes the index only', async () => {
    const resolver = owner();
    await expect(dispatch({ source: 'aws.bedrock' }, { resolver, log: recordingLogger().log })).resolves.toEqual({ profiles: 1, sync: undefined });
    expect(resolver.calls).toEqual(['invalidate', 'scan']);
  });

  test('a sync asked of a function that syncs no catalog: ResolverMisconfigured', async () => {
    await expect(dispatch({ action: 'sync' }, { resolver: owner(), log: recordingLogger().log })).rejects.toMatchObject({ name: RESOLVER_ERRORS.misconfigured });
  });

  test('a failed scan fails the sync with an ERROR line (the schedule retries)', async () => {
    const resolver = { ...owner(), scanNow: async () => { throw Object.assign(new Error('slow down'), { name: 'ThrottledException' }); } };
    const { log, lines } = recordingLogger();
    await expect(dispatch({ action: 'sync' }, { resolver, sync: async () => 'never', log })).rejects.toMatchObject({ name: 'ThrottledException' });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'index refresh or sync failed', error: 'ThrottledException' }));
  });

  test.each([[null], ['text'], [[1]], [{ action: 'delete' }]])('%j: InvalidResolveRequest', async (event) => {
    await expect(dispatch(event as never, { resolver: owner(), log: recordingLogger().log }))
      .rejects.toMatchObject({ name: RESOLVER_ERRORS.invalidRequest });
  });
});

describe('cache bounds', () => {
  test('RefreshingCache keeps at most maxEntries, dropping the oldest written', async () => {
    const cache = new RefreshingCache<string>({ ttlMs: 1000, negativeTtlMs: 100, staleMs: 0, failureBackoffMs: 100, now: () => 0, maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => ({ value: key }));
    expect([cache.peek('a'), cache.peek('b')?.value, cache.peek('c')?.value]).toEqual([undefined, 'b', 'c']);
  });

  test('ExpiringSet forgets keys after their TTL and keeps at most its bound', () => {
    let now = 0;
    const set = new ExpiringSet(30, () => now, 2);
    set.add('a');
    set.add('b');
    set.add('c');
    expect([set.has('a'), set.has('b'), set.has('c')]).toEqual([false, true, true]);
    now = 30;
    expect(set.has('b')).toBe(false);
  });
});
