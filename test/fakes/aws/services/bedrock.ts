import type {
  CreateInferenceProfileRequest, CreateInferenceProfileResponse, DeleteInferenceProfileRequest, GetInferenceProfileRequest,
  GetInferenceProfileResponse, ListInferenceProfilesRequest, ListInferenceProfilesResponse, ListTagsForResourceRequest,
  ListTagsForResourceResponse, Tag, TagResourceRequest, UntagResourceRequest,
} from '@aws-sdk/client-bedrock';
import { continueAfter, encodeToken, fingerprint, pageAfter } from '../paging';
import { LOWER_ALPHANUMERIC, randomString } from '../random-id';
import { operation, RequestContext, ServiceDefinition } from '../service-definition';
import { serviceError } from '../service-error';
import { invocationLoggingHandlers } from './bedrock-logging';
import {
  DEFAULT_SYSTEM_PROFILES, parseSystemProfileId, resolveModelSource, SystemProfileId, systemProfileAvailableIn, systemProfileModels,
} from './bedrock-model-sources';
import type { StoredProfile } from '../state/fake-state';
import type { TagMap } from '../state/tagged-resources';

/** Tag limit per resource (TagList max in the model). */
const MAX_TAGS = 200;
/** ListInferenceProfiles page size when maxResults is absent: deliberately small, so callers must page. */
const DEFAULT_PAGE_SIZE = 10;
/** The creation time reported for system-defined profiles. */
const SYSTEM_PROFILE_CREATED = new Date('2024-08-27T00:00:00Z');

const APP_PROFILE_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]+):(\d{12}):application-inference-profile\/([a-z0-9]+)$/;
const ANY_PROFILE_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d{0,12}:(?:application-)?inference-profile\/(.+)$/;

/** Options of the Bedrock fake. */
export interface BedrockFakeOptions {
  /** System-defined profile ids that ListInferenceProfiles lists (each where its geography applies). */
  readonly systemProfiles?: readonly string[];
}

function tagMapOf(tags: readonly Tag[]): TagMap {
  const seen = new Set<string>();
  for (const { key } of tags) {
    if (key!.toLowerCase().startsWith('aws:')) throw serviceError('ValidationException', `Tag keys can't start with the reserved prefix 'aws:': ${key}`);
    if (seen.has(key!)) throw serviceError('ValidationException', `Duplicate tag key: ${key}`);
    seen.add(key!);
  }
  return Object.fromEntries(tags.map(t => [t.key!, t.value!]));
}

function tagListOf(tags: TagMap): Tag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function notFound(identifier: string): Error {
  return serviceError('ResourceNotFoundException', `The inference profile ${identifier} was not found.`);
}

function appProfileView(p: StoredProfile): GetInferenceProfileResponse {
  return {
    inferenceProfileName: p.name,
    description: p.description,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    inferenceProfileArn: p.arn,
    inferenceProfileId: p.id,
    status: 'ACTIVE',
    type: 'APPLICATION',
    models: p.models.map(modelArn => ({ modelArn })),
  };
}

function systemProfileView(sp: SystemProfileId, ctx: RequestContext): GetInferenceProfileResponse {
  return {
    inferenceProfileName: `${sp.geo.toUpperCase()} ${sp.modelId.replace(/[^0-9a-zA-Z]+/g, ' ').trim()}`,
    description: `Routes requests to ${sp.modelId} across ${sp.geo.toUpperCase()} Regions.`,
    createdAt: SYSTEM_PROFILE_CREATED,
    updatedAt: SYSTEM_PROFILE_CREATED,
    inferenceProfileArn: `arn:${ctx.partition}:bedrock:${ctx.region}:${ctx.accountId}:inference-profile/${sp.id}`,
    inferenceProfileId: sp.id,
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
    models: systemProfileModels(ctx.partition, sp, ctx.region).map(modelArn => ({ modelArn })),
  };
}

/** Finds an application profile of the caller by ID or ARN. */
function findAppProfile(identifier: string, ctx: RequestContext): StoredProfile | undefined {
  const arn = APP_PROFILE_ARN.exec(identifier);
  if (arn) {
    const [, , region, account, id] = arn;
    return region === ctx.region && account === ctx.accountId ? ctx.regionState.profiles.get(id) : undefined;
  }
  return ctx.regionState.profiles.get(identifier);
}

/** Finds a system-defined profile by id or ARN, if it exists for the caller's account and Region. */
function findSystemProfile(identifier: string, ctx: RequestContext): SystemProfileId | undefined {
  const arn = ANY_PROFILE_ARN.exec(identifier);
  if (arn && !identifier.startsWith(`arn:${ctx.partition}:bedrock:${ctx.region}:${ctx.accountId}:inference-profile/`)) return undefined;
  const sp = parseSystemProfileId(arn ? arn[1] : identifier);
  return sp && systemProfileAvailableIn(sp, ctx.region) ? sp : undefined;
}

/** The application profile a Bedrock tagging call addresses (only those are taggable in the fake). */
function taggableProfile(resourceArn: string, ctx: RequestContext): StoredProfile {
  const profile = APP_PROFILE_ARN.test(resourceArn) ? findAppProfile(resourceArn, ctx) : undefined;
  if (!profile) throw serviceError('ResourceNotFoundException', `The resource ${resourceArn} was not found.`);
  return profile;
}

/** The Bedrock control-plane fake (rest-json): application inference profiles and their tags, model invocation logging (bedrock-logging.ts). */
export function bedrockService(options: BedrockFakeOptions = {}): ServiceDefinition {
  const systemCatalog = (options.systemProfiles ?? DEFAULT_SYSTEM_PROFILES)
    .map(id => parseSystemProfileId(id) ?? (() => { throw new Error(`unknown geography in system profile ${id}`); })())
    .sort((a, b) => (a.id < b.id ? -1 : 1));

  return {
    key: 'bedrock',
    modelName: 'bedrock',
    validationErrorCode: 'ValidationException',
    serializationErrorCode: 'ValidationException',
    throttlingErrorCode: 'ThrottlingException',
    serverErrorCode: 'InternalServerException',
    unknownCredentialsErrorCode: 'UnrecognizedClientException',
    missingAuthErrorCode: 'MissingAuthenticationTokenException',
    handlers: {
      CreateInferenceProfile: operation((input: CreateInferenceProfileRequest, ctx): CreateInferenceProfileResponse => {
        const rs = ctx.regionState;
        const token = input.clientRequestToken;
        const request = fingerprint({ ...input, clientRequestToken: undefined });
        if (token !== undefined) {
          const previous = rs.profileTokens.get(token);
          if (previous && previous.fingerprint === request) return { inferenceProfileArn: previous.arn, status: 'ACTIVE' };
          if (previous) throw serviceError('ConflictException', `The client request token ${token} was already used for a different request.`);
        }
        const tags = tagMapOf(input.tags ?? []);
        const copyFrom = input.modelSource!.copyFrom!;
        const models = resolveModelSource(copyFrom, ctx.region, ctx.accountId, arn => ctx.validator.validate('FoundationModelArn', arn).length === 0);
        const name = input.inferenceProfileName!;
        if ([...rs.profiles.values()].some(p => p.name === name)) {
          throw serviceError('ConflictException', `An inference profile with the name ${name} already exists.`);
        }
        if (rs.profiles.size >= ctx.state.limits.profileQuota) {
          throw serviceError('ServiceQuotaExceededException',
            `You have reached the quota of ${ctx.state.limits.profileQuota} application inference profiles in this account and Region.`);
        }
        let id = randomString(LOWER_ALPHANUMERIC, 12);
        while (rs.profiles.has(id)) id = randomString(LOWER_ALPHANUMERIC, 12);
        const arn = `arn:${ctx.partition}:bedrock:${ctx.region}:${ctx.accountId}:application-inference-profile/${id}`;
        rs.profiles.set(id, {
          id,
          arn,
          name,
          description: input.description,
          copyFrom,
          models,
          createdAt: ctx.now,
          updatedAt: ctx.now,
          seq: ++rs.profileSeq,
        });
        rs.resources.tag(arn, tags);
        if (token !== undefined) rs.profileTokens.set(token, { fingerprint: request, arn });
        return { inferenceProfileArn: arn, status: 'ACTIVE' };
      }),

      GetInferenceProfile: operation((input: GetInferenceProfileRequest, ctx): GetInferenceProfileResponse => {
        const id = input.inferenceProfileIdentifier!;
        const app = findAppProfile(id, ctx);
        if (app) return appProfileView(app);
        const sp = findSystemProfile(id, ctx);
        if (sp) return systemProfileView(sp, ctx);
        throw notFound(id);
      }),

      ListInferenceProfiles: operation((input: ListInferenceProfilesRequest, ctx): ListInferenceProfilesResponse => {
        // Like the service, no typeEquals lists the system-defined profiles only.
        const type = input.typeEquals ?? 'SYSTEM_DEFINED';
        const request = fingerprint({ type });
        const after = continueAfter(input.nextToken, request, () => serviceError('ValidationException', 'The provided nextToken is invalid.'))?.after;
        const size = input.maxResults ?? DEFAULT_PAGE_SIZE;
        const views = type === 'APPLICATION'
          ? [...ctx.regionState.profiles.values()].sort((a, b) => a.seq - b.seq)
            .map(p => ({ key: String(p.seq).padStart(12, '0'), view: appProfileView(p) }))
          : systemCatalog.filter(sp => systemProfileAvailableIn(sp, ctx.region)).map(sp => ({ key: sp.id, view: systemProfileView(sp, ctx) }));
        const page = pageAfter(views, v => v.key, after, size);
        return {
          inferenceProfileSummaries: page.items.map(v => v.view),
          nextToken: page.next === undefined ? undefined : encodeToken({ after: page.next, request }),
        };
      }),

      DeleteInferenceProfile: operation((input: DeleteInferenceProfileRequest, ctx) => {
        const id = input.inferenceProfileIdentifier!;
        const app = findAppProfile(id, ctx);
        if (!app) {
          if (findSystemProfile(id, ctx)) throw serviceError('ValidationException', 'System-defined inference profiles cannot be deleted.');
          throw notFound(id);
        }
        ctx.regionState.profiles.delete(app.id);
        // GetResources may list it for a while longer (FakeLimits.deletedResourcesListedForMs)
        const listedFor = ctx.state.limits.deletedResourcesListedForMs ?? 0;
        if (listedFor > 0) ctx.regionState.resources.retire(app.arn, ctx.now.getTime() + listedFor);
        else ctx.regionState.resources.remove(app.arn);
        return {};
      }),

      TagResource: operation((input: TagResourceRequest, ctx) => {
        const profile = taggableProfile(input.resourceARN!, ctx);
        const tags = tagMapOf(input.tags!);
        const merged = { ...ctx.regionState.resources.tagsOf(profile.arn), ...tags };
        if (Object.keys(merged).length > MAX_TAGS) {
          throw serviceError('TooManyTagsException', `The resource ${profile.arn} would have more than ${MAX_TAGS} tags.`,
            { resourceName: profile.arn });
        }
        ctx.regionState.resources.tag(profile.arn, tags);
        return {};
      }),

      UntagResource: operation((input: UntagResourceRequest, ctx) => {
        const profile = taggableProfile(input.resourceARN!, ctx);
        ctx.regionState.resources.untag(profile.arn, input.tagKeys!);
        return {};
      }),

      ListTagsForResource: operation((input: ListTagsForResourceRequest, ctx): ListTagsForResourceResponse => {
        const profile = taggableProfile(input.resourceARN!, ctx);
        return { tags: tagListOf(ctx.regionState.resources.tagsOf(profile.arn)) };
      }),

      ...invocationLoggingHandlers(),
    },
  };
}
