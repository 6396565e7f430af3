import { ListInferenceProfilesCommand, ThrottlingException } from '@aws-sdk/client-bedrock';
import { GetResourcesCommand, ThrottledException } from '@aws-sdk/client-resource-groups-tagging-api';
import { arnOf, contextFor, fleet, mockAccount, recordingLogger, TestClock } from './mock-account';
import { PROFILE_RESOURCE_TYPE, scanProfiles, scanProfilesWithStats } from '../../../lambda/shared/profile-index';

const clock = new TestClock();

describe('scanProfiles', () => {
  test('reads every page of both lists: 250 profiles are 3 GetResources pages of 100 and 1 ListInferenceProfiles page', async () => {
    const account = mockAccount(fleet(250));
    const { entries, stats } = await scanProfilesWithStats(contextFor(clock, recordingLogger().log));
    expect(entries).toHaveLength(250);
    expect(stats).toMatchObject({ taggingPages: 3, profilePages: 1, tagged: 250, gone: 0, inactive: 0, untagged: 0, retries: 0 });
    const calls = account.tagging.commandCalls(GetResourcesCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { ResourceTypeFilters: [PROFILE_RESOURCE_TYPE], ResourcesPerPage: 100, PaginationToken: undefined },
      { ResourceTypeFilters: [PROFILE_RESOURCE_TYPE], ResourcesPerPage: 100, PaginationToken: '100' },
      { ResourceTypeFilters: [PROFILE_RESOURCE_TYPE], ResourcesPerPage: 100, PaginationToken: '200' },
    ]);
    expect(account.bedrock.commandCalls(ListInferenceProfilesCommand).map((c) => c.args[0].input))
      .toEqual([{ typeEquals: 'APPLICATION', maxResults: 1000, nextToken: undefined }]);
    expect(entries[249]).toEqual({ arn: arnOf('p0249abcdef'), id: 'p0249abcdef', name: 'tenant-249', tags: { tenant: 't249', dept: 'claims', env: 'prod' } });
  });

  test('pages ListInferenceProfiles by its nextToken (2,500 profiles: 3 pages of at most 1,000)', async () => {
    const account = mockAccount(fleet(2500));
    const entries = await scanProfiles(contextFor(clock, recordingLogger().log));
    expect(entries).toHaveLength(2500);
    expect(account.listCalls()).toBe(3);
    expect(account.getResourcesCalls()).toBe(25);
  });

  test('the join drops profiles GetResources still lists after deletion, those not ACTIVE, and those with no tag left', async () => {
    const profiles = fleet(6);
    profiles[1].listed = false; // deleted: GetResources lists it for a while
    profiles[2].status = 'CREATING'; // not ready (the model knows ACTIVE only today)
    profiles[3].tags = {}; // tagged once, every tag removed: GetResources answers Tags: []
    profiles[4].tagged = false; // never tagged: not in GetResources, not indexable by tags
    mockAccount(profiles);
    const { entries, stats } = await scanProfilesWithStats(contextFor(clock, recordingLogger().log));
    expect(entries.map((e) => e.name)).toEqual(['tenant-0', 'tenant-5']);
    expect(stats).toMatchObject({ tagged: 5, gone: 1, inactive: 1, untagged: 1 });
  });

  test('tags come from GetResources, so a tag change shows at the next scan', async () => {
    const account = mockAccount(fleet(2));
    const ctx = contextFor(clock, recordingLogger().log);
    expect((await scanProfiles(ctx))[0].tags.dept).toBe('claims');
    account.profiles[0].tags = { ...account.profiles[0].tags, dept: 'billing' };
    expect((await scanProfiles(ctx))[0].tags.dept).toBe('billing');
  });

  test('throttling is retried with backoff on both lists (bounded)', async () => {
    const account = mockAccount(fleet(150));
    const throttled = new ThrottledException({ message: 'Rate exceeded', $metadata: {} });
    let failures = 2;
    account.tagging.on(GetResourcesCommand).callsFake(async (input) => {
      if (failures-- > 0) throw throttled;
      const start = input.PaginationToken ? Number(input.PaginationToken) : 0;
      const page = account.profiles.slice(start, start + 100);
      return {
        ResourceTagMappingList: page.map((p) => ({ ResourceARN: arnOf(p.id), Tags: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })) })),
        PaginationToken: start + 100 < account.profiles.length ? String(start + 100) : '',
      };
    });
    account.bedrock.on(ListInferenceProfilesCommand).rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: {} })).callsFake(async () => ({
      inferenceProfileSummaries: account.profiles.map((p) => ({
        inferenceProfileArn: arnOf(p.id), inferenceProfileId: p.id, inferenceProfileName: p.name, status: 'ACTIVE' as const, type: 'APPLICATION' as const, models: [],
      })),
    }));
    const sleeps: number[] = [];
    const retry = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5, maxAttempts: 4 };
    const ctx = { ...contextFor(clock, recordingLogger().log), retry };
    const { entries, stats } = await scanProfilesWithStats(ctx);
    expect(entries).toHaveLength(150);
    expect(stats.retries).toBe(3);
    expect(sleeps).toHaveLength(3);
  });

  test('a list that keeps failing fails the scan after the bounded attempts', async () => {
    const account = mockAccount(fleet(3));
    account.tagging.on(GetResourcesCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: {} }));
    const { log, lines } = recordingLogger();
    await expect(scanProfiles(contextFor(clock, log))).rejects.toMatchObject({ name: 'ThrottledException' });
    expect(account.getResourcesCalls()).toBe(4);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', message: 'scan call failed', operation: 'GetResources' }));
  });

  test('a pagination token that comes back twice stops the scan instead of looping', async () => {
    const account = mockAccount(fleet(3));
    account.tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: 'same' });
    await expect(scanProfiles(contextFor(clock, recordingLogger().log))).rejects.toThrow(/same pagination token twice/);
    expect(account.getResourcesCalls()).toBe(2);
  });
});
