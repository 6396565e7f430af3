import {
  ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, ListParentsCommand, ListTagsForResourceCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';

/**
 * What the hook reads from AWS Organizations, as an interface, and its implementation over the
 * Organizations SDK client (bundled with the handler like the CloudFormation client).
 * All four operations can be called "only from the organization's management account or by a member
 * account that is a delegated administrator" (Organizations API reference, ListTagsForResource and
 * ListAccountsForParent, ListOrganizationalUnitsForParent, ListParents), which is why the hook runs in the management account.
 */

/** One page of an Organizations list. */
export interface OrgPage<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

/** An account as ListAccountsForParent returns it (only the fields read). */
export interface OrgAccount {
  readonly id: string;
  /**
   * PENDING_ACTIVATION | ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED ([model] organizations.json
   * `AccountState`), else the retired `Status` (ACTIVE | SUSPENDED | PENDING_CLOSURE) where only that is sent.
   */
  readonly state?: string;
}

/** The Organizations calls the hook makes. */
export interface OrganizationsReader {
  /** ListAccountsForParent: the accounts directly in a root or OU (not in its child OUs). */
  listAccountsForParent(parentId: string, nextToken?: string): Promise<OrgPage<OrgAccount>>;
  /** ListOrganizationalUnitsForParent: the OUs directly in a root or OU. */
  listOrganizationalUnitsForParent(parentId: string, nextToken?: string): Promise<OrgPage<string>>;
  /**
   * ListParents of an OU: its parent's ID and whether that is the root. "In the current release, a
   * child can have only a single parent" ([model] organizations.json `ListParents`), so the first one is read.
   */
  parentOf(childId: string): Promise<{ id: string; isRoot: boolean } | undefined>;
  /** ListTagsForResource of an account. */
  listAccountTags(accountId: string, nextToken?: string): Promise<OrgPage<{ key: string; value: string }>>;
}

/** ListAccountsForParent's largest page ([model] `MaxResults`: 1–20). */
export const MAX_ACCOUNTS_PAGE = 20;

/**
 * The reader over an Organizations client: one call per page, the caller follows NextToken
 * (ListTagsForResource takes no MaxResults; the service decides its page size).
 * @param accountsPageSize MaxResults of ListAccountsForParent (default: the model's maximum, 20)
 */
export function organizationsReader(client: OrganizationsClient, accountsPageSize: number = MAX_ACCOUNTS_PAGE): OrganizationsReader {
  return {
    listAccountsForParent: async (parentId, nextToken) => {
      const out = await client.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken: nextToken, MaxResults: accountsPageSize }));
      return {
        items: (out.Accounts ?? []).map(a => ({ id: a.Id ?? '', state: a.State ?? a.Status })),
        nextToken: out.NextToken,
      };
    },
    listOrganizationalUnitsForParent: async (parentId, nextToken) => {
      const out = await client.send(new ListOrganizationalUnitsForParentCommand({
        ParentId: parentId, NextToken: nextToken, MaxResults: accountsPageSize,
      }));
      return { items: (out.OrganizationalUnits ?? []).map(u => u.Id ?? '').filter(Boolean), nextToken: out.NextToken };
    },
    parentOf: async childId => {
      // a single parent: one page; "always check the NextToken … even if you receive an empty result set" ([model]): follow it while empty
      let token: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const out = await client.send(new ListParentsCommand({ ChildId: childId, NextToken: token }));
        const parent = out.Parents?.[0];
        // [model] organizations.json `ParentType`: ROOT | ORGANIZATIONAL_UNIT
        if (parent?.Id) return { id: parent.Id, isRoot: parent.Type === 'ROOT' };
        token = out.NextToken;
        if (!token) return undefined;
      }
      return undefined;
    },
    listAccountTags: async (accountId, nextToken) => {
      const out = await client.send(new ListTagsForResourceCommand({ ResourceId: accountId, NextToken: nextToken }));
      return { items: (out.Tags ?? []).map(t => ({ key: t.Key ?? '', value: t.Value ?? '' })), nextToken: out.NextToken };
    },
  };
}
