import {
  BedrockClient,
  CreateInferenceProfileCommand,
  DeleteInferenceProfileCommand,
  GetInferenceProfileCommand,
  GetInferenceProfileCommandOutput,
  InferenceProfileSummary,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-bedrock';
import { ProfileSpec } from './properties';
import { errorName, Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

/** What the operations need: a client, retry settings (sleep/random injectable) and a logger. */
export interface OpsContext {
  readonly bedrock: BedrockClient;
  readonly retry: RetryOptions;
  readonly log: Logger;
}

export interface ProfileDetails {
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly copyFrom?: string;
  readonly description?: string;
  readonly modelArns: string[];
}

function call<T>(ctx: OpsContext, operation: string, fn: () => Promise<T>): Promise<T> {
  return withLoggedRetry(fn, operation, ctx.retry, ctx.log);
}

function details(out: GetInferenceProfileCommandOutput): ProfileDetails {
  return {
    arn: out.inferenceProfileArn!,
    id: out.inferenceProfileId!,
    name: out.inferenceProfileName!,
    status: out.status ?? 'ACTIVE',
    description: out.description,
    modelArns: (out.models ?? []).map((m) => m.modelArn!).filter(Boolean),
  };
}

/** Creates the profile; the token makes retries of one event (and duplicated events) create at most one. */
export async function createProfile(ctx: OpsContext, spec: ProfileSpec, clientRequestToken: string): Promise<string> {
  const tags = Object.entries(spec.tags).map(([key, value]) => ({ key, value }));
  const out = await call(ctx, 'CreateInferenceProfile', () => ctx.bedrock.send(new CreateInferenceProfileCommand({
    inferenceProfileName: spec.name,
    description: spec.description,
    clientRequestToken,
    modelSource: { copyFrom: spec.copyFrom },
    tags: tags.length > 0 ? tags : undefined,
  })));
  return out.inferenceProfileArn!;
}

export async function getProfile(ctx: OpsContext, arn: string): Promise<ProfileDetails> {
  return details(await call(ctx, 'GetInferenceProfile', () => ctx.bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn }))));
}

/** One application inference profile as ListInferenceProfiles lists it. */
export interface ProfileSummary {
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly modelArns: string[];
}

/** The pages of the client's account and Region's application inference profiles (ListInferenceProfiles, 1,000 per page). */
async function* applicationProfilePages(ctx: OpsContext): AsyncGenerator<InferenceProfileSummary[]> {
  let nextToken: string | undefined;
  do {
    const page = await call(ctx, 'ListInferenceProfiles', () => ctx.bedrock.send(new ListInferenceProfilesCommand({
      typeEquals: 'APPLICATION',
      maxResults: 1000,
      nextToken,
    })));
    yield page.inferenceProfileSummaries ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}

/** Every application inference profile of the client's account and Region, by name (every page is read). */
export async function listApplicationProfiles(ctx: OpsContext): Promise<Map<string, ProfileSummary>> {
  const byName = new Map<string, ProfileSummary>();
  for await (const page of applicationProfilePages(ctx)) {
    for (const p of page) {
      byName.set(p.inferenceProfileName!, {
        arn: p.inferenceProfileArn!,
        id: p.inferenceProfileId!,
        name: p.inferenceProfileName!,
        description: p.description,
        modelArns: (p.models ?? []).map((m) => m.modelArn!).filter(Boolean),
      });
    }
  }
  return byName;
}

/** The application inference profile with this name in the client's account and Region, if any (pages are read until it is found). */
export async function findProfileByName(ctx: OpsContext, name: string): Promise<string | undefined> {
  for await (const page of applicationProfilePages(ctx)) {
    const found = page.find((p) => p.inferenceProfileName === name);
    if (found) return found.inferenceProfileArn;
  }
  return undefined;
}

export async function listTags(ctx: OpsContext, arn: string): Promise<Record<string, string>> {
  const out = await call(ctx, 'ListTagsForResource', () => ctx.bedrock.send(new ListTagsForResourceCommand({ resourceARN: arn })));
  return Object.fromEntries((out.tags ?? []).map((t) => [t.key!, t.value ?? '']));
}

/**
 * Brings the profile's tags to `desired`: adds and changes first, then removes the keys this
 * resource managed before (`previouslyManaged`) that are no longer wanted. Tags set by others
 * are left alone. Adding before removing means a failure midway loses no tag, and the rollback
 * update (old properties) restores the previous set.
 */
export async function reconcileTags(
  ctx: OpsContext,
  arn: string,
  desired: Record<string, string>,
  previouslyManaged: string[],
  /** the profile's tags when the caller has just read them (saves a ListTagsForResource) */
  knownTags?: Record<string, string>,
): Promise<{ added: number; removed: number }> {
  const current = knownTags ?? await listTags(ctx, arn);
  const toSet = Object.entries(desired).filter(([k, v]) => current[k] !== v).map(([key, value]) => ({ key, value }));
  const toRemove = previouslyManaged.filter((k) => !(k in desired) && k in current);
  if (toSet.length > 0) {
    await call(ctx, 'TagResource', () => ctx.bedrock.send(new TagResourceCommand({ resourceARN: arn, tags: toSet })));
  }
  if (toRemove.length > 0) {
    await call(ctx, 'UntagResource', () => ctx.bedrock.send(new UntagResourceCommand({ resourceARN: arn, tagKeys: toRemove })));
  }
  return { added: toSet.length, removed: toRemove.length };
}

/** Deletes the profile; one that is already gone counts as deleted. */
export async function deleteProfile(ctx: OpsContext, arn: string): Promise<'deleted' | 'absent'> {
  try {
    await call(ctx, 'DeleteInferenceProfile', () => ctx.bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: arn })));
    return 'deleted';
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return 'absent';
    throw error;
  }
}
