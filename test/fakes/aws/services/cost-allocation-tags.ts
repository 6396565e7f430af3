import type {
  CostAllocationTag, ListCostAllocationTagsRequest, ListCostAllocationTagsResponse, UpdateCostAllocationTagsStatusError,
  UpdateCostAllocationTagsStatusRequest, UpdateCostAllocationTagsStatusResponse,
} from '@aws-sdk/client-cost-explorer';
import { continueAfter, encodeToken, fingerprint, pageAfter } from '../paging';
import { operation, OperationHandler, RequestContext } from '../service-definition';
import { serviceError } from '../service-error';

/**
 * How UpdateCostAllocationTagsStatus answers tag keys billing has not seen yet:
 * - `exception`: the whole call fails with `ValidationException: Failed to update Cost Allocation
 *   Tag: Tag keys not found: a,b` and nothing changes (what the service is reported to answer);
 * - `errors`: the other keys are updated and each unknown key comes back in `Errors`
 *   (`Code: TagKeysNotFoundException`, `Message: Tag keys not found`).
 */
export type UnknownTagKeysMode = 'exception' | 'errors';

/** ListCostAllocationTags page size when MaxResults is absent, and its cap (the output list holds ≤ 100). */
const PAGE_SIZE = 100;

function zoned(date: Date | undefined): string | undefined {
  return date?.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function denyMemberAccount(ctx: RequestContext, action: string): void {
  if (ctx.billing.memberAccount) {
    throw serviceError('AccessDeniedException', `Failed to ${action} Cost Allocation Tag: Linked account doesn't have access to cost allocation tags.`);
  }
}

/** UpdateCostAllocationTagsStatus and ListCostAllocationTags over the caller's billing data. */
export function costAllocationTagHandlers(unknownKeys: UnknownTagKeysMode): Record<string, OperationHandler> {
  return {
    UpdateCostAllocationTagsStatus: operation((input: UpdateCostAllocationTagsStatusRequest, ctx): UpdateCostAllocationTagsStatusResponse => {
      denyMemberAccount(ctx, 'update');
      const entries = input.CostAllocationTagsStatus!;
      const unknown = entries.filter(e => !ctx.billing.tagKey(e.TagKey!)).map(e => e.TagKey!);
      if (unknown.length > 0 && unknownKeys === 'exception') {
        throw serviceError('ValidationException', `Failed to update Cost Allocation Tag: Tag keys not found: ${unknown.join(',')}`);
      }
      const errors: UpdateCostAllocationTagsStatusError[] = [];
      for (const entry of entries) {
        const tag = ctx.billing.tagKey(entry.TagKey!);
        if (!tag) {
          errors.push({ TagKey: entry.TagKey, Code: 'TagKeysNotFoundException', Message: 'Tag keys not found' });
          continue;
        }
        if (tag.status !== entry.Status) {
          tag.status = entry.Status!;
          tag.lastUpdatedDate = ctx.now;
        }
      }
      return { Errors: errors };
    }),

    ListCostAllocationTags: operation((input: ListCostAllocationTagsRequest, ctx): ListCostAllocationTagsResponse => {
      denyMemberAccount(ctx, 'list');
      const request = fingerprint({ Status: input.Status, TagKeys: input.TagKeys, Type: input.Type });
      const after = continueAfter(input.NextToken, request, () => serviceError('InvalidNextTokenException', 'The pagination token is invalid.'))?.after;
      const wantedKeys = input.TagKeys ? new Set(input.TagKeys) : undefined;
      const matching = ctx.billing.listTagKeys().filter(t =>
        (!input.Status || t.status === input.Status) && (!input.Type || t.type === input.Type) && (!wantedKeys || wantedKeys.has(t.key)));
      const page = pageAfter(matching, t => t.key, after, Math.min(input.MaxResults ?? PAGE_SIZE, PAGE_SIZE));
      const tags: CostAllocationTag[] = page.items.map(t => ({
        TagKey: t.key, Type: t.type, Status: t.status, LastUpdatedDate: zoned(t.lastUpdatedDate), LastUsedDate: zoned(t.lastUsedDate),
      }));
      return { CostAllocationTags: tags, NextToken: page.next === undefined ? undefined : encodeToken({ after: page.next, request }) };
    }),
  };
}
