import { BedrockClient, InferenceProfileSummary, ListInferenceProfilesCommand } from '@aws-sdk/client-bedrock';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient, ResourceTagMapping } from '@aws-sdk/client-resource-groups-tagging-api';
import { errorName, Logger } from './log';
import { collectPages } from './paging';
import { RetryOptions, withRetry } from './retry';
import { ProfileIndexEntry } from '../../src/contracts/profile-resolver';

/**
 * Shared by the profile resolver and the spend meter: one scan of the account's tagged
 * application inference profiles (see scanProfiles).
 */

/** What a scan needs: the two clients (built with maxAttempts 1), retry settings and a logger. */
export interface ScanContext {
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly bedrock: BedrockClient;
  readonly retry: RetryOptions;
  readonly log: Logger;
}

/** What one scan read and dropped, for its log line and for tests. */
export interface ScanStats {
  /** GetResources pages read */
  readonly taggingPages: number;
  /** ListInferenceProfiles pages read */
  readonly profilePages: number;
  /** attempts retried (throttling, 5xx, dropped connections) */
  readonly retries: number;
  /** resources GetResources listed */
  readonly tagged: number;
  /** listed by GetResources but not by ListInferenceProfiles: deleted (GetResources lists deleted resources for a while) */
  readonly gone: number;
  /** listed by both, with a status other than ACTIVE */
  readonly inactive: number;
  /** listed with an empty tag set: tagged once, no tag now */
  readonly untagged: number;
  readonly durationMs: number;
}

/** The resource type GetResources is filtered to (`service:resourceType`, as the ARN names it). */
export const PROFILE_RESOURCE_TYPE = 'bedrock:application-inference-profile';
/** GetResources returns at most 100 resources a page (GetResourcesInput.ResourcesPerPage: "a minimum of 1 and a maximum value of 100"). */
export const RESOURCES_PER_PAGE = 100;
/** ListInferenceProfiles returns at most 1,000 a page (bedrock model: MaxResults, min 1, max 1000). */
export const PROFILES_PER_PAGE = 1000;

/**
 * Every active, tagged application inference profile of the account and Region: one paged
 * GetResources (type-filtered to application inference profiles, every page) joined with one
 * paged ListInferenceProfiles (typeEquals APPLICATION, every page). The join is needed because
 * GetResources carries no status and keeps listing deleted resources for a while
 * (aws/aws-sdk#302, boto/boto3#3341: "previously tagged" and stale resources), while
 * ListInferenceProfiles carries no tags. Both lists are read concurrently.
 */
export async function scanProfiles(ctx: ScanContext): Promise<ProfileIndexEntry[]> {
  return (await scanProfilesWithStats(ctx)).entries;
}

/** scanProfiles, with what the scan read and dropped. */
export async function scanProfilesWithStats(ctx: ScanContext): Promise<{ entries: ProfileIndexEntry[]; stats: ScanStats }> {
  const started = Date.now();
  let retries = 0;
  const retry: RetryOptions = {
    ...ctx.retry,
    onRetry: (error, attempt, delayMs) => {
      retries++;
      ctx.retry.onRetry?.(error, attempt, delayMs);
    },
  };
  const [tagged, profiles] = await Promise.all([listTaggedProfiles(ctx, retry), listApplicationProfiles(ctx, retry)]);
  const byArn = new Map(profiles.summaries.map((p) => [p.inferenceProfileArn!, p]));
  const entries: ProfileIndexEntry[] = [];
  let gone = 0;
  let inactive = 0;
  let untagged = 0;
  for (const mapping of tagged.mappings) {
    const profile = byArn.get(mapping.ResourceARN!);
    if (!profile) {
      gone++;
      continue;
    }
    // InferenceProfileStatus has one value today (ACTIVE: "ready to be used"); any other is not ready
    if (profile.status !== 'ACTIVE') {
      inactive++;
      continue;
    }
    const tags = Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key!, t.Value ?? '']));
    if (Object.keys(tags).length === 0) {
      untagged++;
      continue;
    }
    // the models the profile routes to (foundation-model ARNs, one per Region): the spend meter prices by them
    const modelArns = (profile.models ?? []).map((m) => m.modelArn).filter((a): a is string => !!a);
    entries.push({
      arn: profile.inferenceProfileArn!,
      id: profile.inferenceProfileId!,
      name: profile.inferenceProfileName!,
      tags,
      ...(modelArns.length > 0 ? { modelArns } : {}),
    });
  }
  const stats: ScanStats = {
    taggingPages: tagged.pages,
    profilePages: profiles.pages,
    retries,
    tagged: tagged.mappings.length,
    gone,
    inactive,
    untagged,
    durationMs: Date.now() - started,
  };
  return { entries, stats };
}

async function listTaggedProfiles(ctx: ScanContext, retry: RetryOptions): Promise<{ mappings: ResourceTagMapping[]; pages: number }> {
  const { items, pages } = await collectPages('GetResources', async (token) => {
    const command = new GetResourcesCommand({
      ResourceTypeFilters: [PROFILE_RESOURCE_TYPE],
      ResourcesPerPage: RESOURCES_PER_PAGE,
      PaginationToken: token,
    });
    const page = await call(ctx, 'GetResources', retry, () => ctx.tagging.send(command));
    // the last page carries an empty token ("" or absent; the model's documentation says null)
    return { items: page.ResourceTagMappingList, next: page.PaginationToken };
  });
  return { mappings: items, pages };
}

async function listApplicationProfiles(ctx: ScanContext, retry: RetryOptions): Promise<{ summaries: InferenceProfileSummary[]; pages: number }> {
  const { items, pages } = await collectPages('ListInferenceProfiles', async (token) => {
    const command = new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION', maxResults: PROFILES_PER_PAGE, nextToken: token });
    const page = await call(ctx, 'ListInferenceProfiles', retry, () => ctx.bedrock.send(command));
    return { items: page.inferenceProfileSummaries, next: page.nextToken };
  });
  return { summaries: items, pages };
}

function call<T>(ctx: ScanContext, operation: string, retry: RetryOptions, fn: () => Promise<T>): Promise<T> {
  return withRetry(fn, retry).catch((error: unknown) => {
    ctx.log('WARN', 'scan call failed', { operation, error: errorName(error) });
    throw error;
  });
}
