/**
 * What the hook reads from AWS Organizations, as an interface: the entry point implements it with
 * the Organizations SDK client of the Lambda runtime, tests with an in-memory organization.
 * Both operations can be called "only from the organization's management account or by a member
 * account that is a delegated administrator" (Organizations API reference, ListTagsForResource and
 * ListAccountsForParent), which is why the hook runs in the management account.
 */

/** One page of an Organizations list. */
export interface OrgPage<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

/** An account as ListAccountsForParent returns it (only the fields read). */
export interface OrgAccount {
  readonly id: string;
  /** ACTIVE | SUSPENDED | PENDING_CLOSURE ([model] organizations.json `AccountStatus`). */
  readonly status?: string;
}

/** The Organizations calls the hook makes. */
export interface OrganizationsReader {
  /** ListAccountsForParent: the accounts directly in a root or OU (not in its child OUs). */
  listAccountsForParent(parentId: string, nextToken?: string): Promise<OrgPage<OrgAccount>>;
  /** ListTagsForResource of an account. */
  listAccountTags(accountId: string, nextToken?: string): Promise<OrgPage<{ key: string; value: string }>>;
}
