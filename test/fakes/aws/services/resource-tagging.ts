import type { GetResourcesInput, GetResourcesOutput, ResourceTagMapping, TagFilter } from '@aws-sdk/client-resource-groups-tagging-api';
import { continueAfter, encodeToken, fingerprint } from '../paging';
import { operation, ServiceDefinition } from '../service-definition';
import { serviceError } from '../service-error';
import type { TaggedResource } from '../state/tagged-resources';

/** GetResources page size when ResourcesPerPage is absent. */
const DEFAULT_RESOURCES_PER_PAGE = 50;
/** A PaginationToken is valid for 15 minutes (PaginationTokenExpiredException). */
const TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const RESOURCE_TYPE_FILTER = /^[a-z0-9-]+(?::[A-Za-z0-9-]+(?:[:/][A-Za-z0-9-]+)*)?$/;

function invalid(message: string): Error {
  return serviceError('InvalidParameterException', message);
}

/** `service` and `service:resourceType` of an ARN, as ResourceTypeFilters name them. */
function resourceTypeOf(arn: string): { service: string; type: string } {
  const [, , service = '', , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  const type = /^([^/:]+)[/:]/.exec(resource)?.[1] ?? '';
  return { service, type: type ? `${service}:${type}` : service };
}

/** AND across filters, OR across a filter's values, a filter without values matches any value of its key. */
function matchesTagFilters(resource: TaggedResource, filters: readonly TagFilter[]): boolean {
  return filters.every(f => {
    const value = resource.tags[f.Key!];
    if (value === undefined) return false;
    return !f.Values || f.Values.length === 0 || f.Values.includes(value);
  });
}

function matchesTypeFilters(resource: TaggedResource, filters: readonly string[]): boolean {
  if (filters.length === 0) return true;
  const { service, type } = resourceTypeOf(resource.arn);
  return filters.some(f => f === service || f === type);
}

function checkCombination(input: GetResourcesInput): void {
  if (input.ResourceARNList) {
    if (input.TagFilters?.length || input.ResourceTypeFilters?.length) {
      throw invalid('ResourceARNList can not be specified along with TagFilters or ResourceTypeFilters.');
    }
    if (input.ResourcesPerPage !== undefined || input.TagsPerPage !== undefined || input.PaginationToken) {
      throw invalid('ResourceARNList can not be specified along with pagination parameters.');
    }
  }
  if (input.ResourcesPerPage !== undefined && (input.ResourcesPerPage < 1 || input.ResourcesPerPage > 100)) {
    throw invalid(`ResourcesPerPage must be between 1 and 100, but was ${input.ResourcesPerPage}.`);
  }
  if (input.TagsPerPage !== undefined && (input.TagsPerPage < 100 || input.TagsPerPage > 500)) {
    throw invalid(`TagsPerPage must be between 100 and 500, but was ${input.TagsPerPage}.`);
  }
  if (input.ExcludeCompliantResources && !input.IncludeComplianceDetails) {
    throw invalid('ExcludeCompliantResources can only be used when IncludeComplianceDetails is true.');
  }
  for (const f of input.TagFilters ?? []) if (!f.Key) throw invalid('Each TagFilter must contain a Key.');
  for (const t of input.ResourceTypeFilters ?? []) {
    if (!RESOURCE_TYPE_FILTER.test(t)) throw invalid(`Invalid ResourceTypeFilter ${t}: the format is service[:resourceType].`);
  }
}

/** The Resource Groups Tagging API fake (json 1.1): GetResources over the shared tag store. */
export function resourceTaggingService(): ServiceDefinition {
  return {
    key: 'tagging',
    modelName: 'resourcegroupstaggingapi',
    validationErrorCode: 'InvalidParameterException',
    serializationErrorCode: 'SerializationException',
    throttlingErrorCode: 'ThrottledException',
    serverErrorCode: 'InternalServiceException',
    unknownCredentialsErrorCode: 'UnrecognizedClientException',
    missingAuthErrorCode: 'MissingAuthenticationTokenException',
    handlers: {
      GetResources: operation((input: GetResourcesInput, ctx): GetResourcesOutput => {
        checkCombination(input);
        const all = ctx.regionState.resources.list(ctx.now.getTime());
        const toMapping = (r: TaggedResource): ResourceTagMapping => ({
          ResourceARN: r.arn,
          Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
          ComplianceDetails: input.IncludeComplianceDetails
            ? { NoncompliantKeys: [], KeysWithNoncompliantValues: [], ComplianceStatus: true } : undefined,
        });
        if (input.ResourceARNList) {
          const wanted = new Set(input.ResourceARNList);
          return { ResourceTagMappingList: all.filter(r => wanted.has(r.arn)).map(toMapping), PaginationToken: '' };
        }
        const matching = input.ExcludeCompliantResources ? [] : all.filter(r =>
          matchesTagFilters(r, input.TagFilters ?? []) && matchesTypeFilters(r, input.ResourceTypeFilters ?? []));

        const request = fingerprint({ TagFilters: input.TagFilters, ResourceTypeFilters: input.ResourceTypeFilters });
        // an empty PaginationToken asks for the first page
        const token = continueAfter(input.PaginationToken || undefined, request, () => invalid('The PaginationToken is invalid.'));
        let start = 0;
        if (token) {
          if (ctx.now.getTime() - (token.issuedAt ?? 0) > TOKEN_LIFETIME_MS) {
            throw serviceError('PaginationTokenExpiredException', 'The PaginationToken has expired.');
          }
          start = matching.findIndex(r => r.arn > token.after);
          if (start < 0) start = matching.length;
        }
        const maxResources = input.ResourcesPerPage ?? DEFAULT_RESOURCES_PER_PAGE;
        const page: TaggedResource[] = [];
        let tagCount = 0;
        for (const r of matching.slice(start)) {
          const cost = Math.max(1, Object.keys(r.tags).length); // an untagged resource counts as one tag
          if (page.length >= maxResources || (input.TagsPerPage !== undefined && page.length > 0 && tagCount + cost > input.TagsPerPage)) break;
          page.push(r);
          tagCount += cost;
        }
        const more = start + page.length < matching.length;
        return {
          ResourceTagMappingList: page.map(toMapping),
          // Like the service, the last page carries an empty token, not a missing one.
          PaginationToken: more ? encodeToken({ after: page[page.length - 1].arn, request, issuedAt: ctx.now.getTime() }) : '',
        };
      }),
    },
  };
}
