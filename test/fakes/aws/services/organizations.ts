import type {
  Account, ListAccountsForParentRequest, ListAccountsForParentResponse, ListOrganizationalUnitsForParentRequest,
  ListOrganizationalUnitsForParentResponse, ListParentsRequest, ListParentsResponse, ListTagsForResourceRequest, ListTagsForResourceResponse, Tag,
} from '@aws-sdk/client-organizations';
import { continueAfter, encodeToken, fingerprint, pageAfter } from '../paging';
import { operation, RequestContext, ServiceDefinition } from '../service-definition';
import { AwsServiceError, serviceError } from '../service-error';
import type { StoredOrganization, StoredOrganizationAccount } from '../state/organization-store';

/**
 * ListAccountsForParent page size when MaxResults (1–20, [model] `MaxResults`) is absent; the
 * service's default is not documented ("Organizations might return fewer results than the maximum
 * even when there are more results available"): small on purpose.
 */
const DEFAULT_ACCOUNTS_PAGE = 10;

const invalidToken = () => new AwsServiceError('InvalidInputException', 'You provided an invalid value for NextToken.',
  { fields: { Reason: 'INVALID_NEXT_TOKEN' } });

/**
 * The caller's organization. The list operations "can be called only from the organization's
 * management account or by a member account that is a delegated administrator" (API reference).
 */
function organizationOf(ctx: RequestContext): StoredOrganization {
  const org = ctx.state.organization;
  if (!org || !org.accounts.has(ctx.accountId)) {
    throw serviceError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  }
  if (ctx.accountId !== org.managementAccountId && !org.delegatedAdministrators.has(ctx.accountId)) {
    throw serviceError('AccessDeniedException', 'You don\'t have permissions to access this resource.');
  }
  return org;
}

function toAccount(org: StoredOrganization, a: StoredOrganizationAccount): Account {
  // Status is retired in favour of State ([model] ListAccountsForParentResponse.Accounts); both are sent where Status has the value
  const status = a.state === 'ACTIVE' || a.state === 'SUSPENDED' || a.state === 'PENDING_CLOSURE' ? a.state : undefined;
  return {
    Id: a.id,
    Arn: org.accountArn(a.id),
    Email: a.email,
    Name: a.name,
    State: a.state,
    Status: status,
    JoinedMethod: a.id === org.managementAccountId ? 'CREATED' : 'INVITED',
    JoinedTimestamp: a.joinedAt,
  };
}

/**
 * The AWS Organizations fake (json 1.1, a global service: every Region's requests reach the one
 * organization): ListAccountsForParent, ListOrganizationalUnitsForParent, ListParents and ListTagsForResource, paged with opaque NextTokens that
 * belong to their request. Seeded with `fake.state.createOrganization()`, `addOrganizationalUnit()`,
 * `addOrganizationAccount()`, `tagOrganizationResource()`.
 */
export function organizationsService(): ServiceDefinition {
  return {
    key: 'organizations',
    modelName: 'organizations',
    validationErrorCode: 'InvalidInputException',
    serializationErrorCode: 'SerializationException',
    throttlingErrorCode: 'TooManyRequestsException',
    serverErrorCode: 'ServiceException',
    unknownCredentialsErrorCode: 'UnrecognizedClientException',
    missingAuthErrorCode: 'MissingAuthenticationTokenException',
    handlers: {
      ListAccountsForParent: operation((input: ListAccountsForParentRequest, ctx): ListAccountsForParentResponse => {
        const org = organizationOf(ctx);
        const parentId = input.ParentId!;
        if (!org.isParent(parentId)) throw serviceError('ParentNotFoundException', 'We can\'t find a root or OU with the ParentId that you specified.');
        const request = fingerprint({ op: 'ListAccountsForParent', parentId });
        const after = continueAfter(input.NextToken, request, invalidToken)?.after;
        // only the accounts directly in the parent, not in its child OUs; sorted by ID (the cursor)
        const all = [...org.accounts.values()].filter(a => a.parentId === parentId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const page = pageAfter(all, a => a.id, after, input.MaxResults ?? DEFAULT_ACCOUNTS_PAGE);
        return {
          Accounts: page.items.map(a => toAccount(org, a)),
          NextToken: page.next === undefined ? undefined : encodeToken({ after: page.next, request }),
        };
      }),
      ListOrganizationalUnitsForParent: operation((input: ListOrganizationalUnitsForParentRequest, ctx): ListOrganizationalUnitsForParentResponse => {
        const org = organizationOf(ctx);
        const parentId = input.ParentId!;
        if (!org.isParent(parentId)) throw serviceError('ParentNotFoundException', 'We can\'t find a root or OU with the ParentId that you specified.');
        const request = fingerprint({ op: 'ListOrganizationalUnitsForParent', parentId });
        const after = continueAfter(input.NextToken, request, invalidToken)?.after;
        // only the OUs directly in the parent ([model]: "Lists the organizational units (OUs) in a parent organizational unit or root")
        const all = [...org.units.values()].filter(u => u.parentId === parentId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const page = pageAfter(all, u => u.id, after, input.MaxResults ?? DEFAULT_ACCOUNTS_PAGE);
        return {
          OrganizationalUnits: page.items.map(u => ({ Id: u.id, Arn: org.unitArn(u.id), Name: u.name })),
          NextToken: page.next === undefined ? undefined : encodeToken({ after: page.next, request }),
        };
      }),
      ListParents: operation((input: ListParentsRequest, ctx): ListParentsResponse => {
        const org = organizationOf(ctx);
        const childId = input.ChildId!;
        // ChildId is an account or an OU ([model] `ChildId` pattern; "Don't specify a root"): the pattern check answers a root
        const parentId = org.accounts.get(childId)?.parentId ?? org.units.get(childId)?.parentId;
        if (parentId === undefined) {
          throw serviceError('ChildNotFoundException', 'We can\'t find an organizational unit (OU) or AWS account with the ChildId that you specified.');
        }
        // "In the current release, a child can have only a single parent" ([model] ListParents): one page, one parent
        return { Parents: [{ Id: parentId, Type: parentId === org.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }] };
      }),
      ListTagsForResource: operation((input: ListTagsForResourceRequest, ctx): ListTagsForResourceResponse => {
        const org = organizationOf(ctx);
        const resourceId = input.ResourceId!;
        if (!org.accounts.has(resourceId) && !org.isParent(resourceId)) {
          // policies (p-…) and resource policies are not modelled by the fake
          throw serviceError('TargetNotFoundException', 'We can\'t find a root, OU, account, or policy with the TargetId that you specified.');
        }
        const request = fingerprint({ op: 'ListTagsForResource', resourceId });
        const after = continueAfter(input.NextToken, request, invalidToken)?.after;
        const tags: Tag[] = [...(org.tags.get(resourceId) ?? new Map<string, string>())].map(([Key, Value]) => ({ Key, Value }))
          .sort((a, b) => (a.Key! < b.Key! ? -1 : a.Key! > b.Key! ? 1 : 0));
        const page = pageAfter(tags, t => t.Key!, after, org.tagsPageSize);
        return { Tags: page.items, NextToken: page.next === undefined ? undefined : encodeToken({ after: page.next, request }) };
      }),
    },
  };
}
