/** How the organization is seeded (`fake.state.createOrganization`). */
export interface CreateOrganizationOptions {
  /** The management account. @default the fake's account */
  readonly managementAccountId?: string;
  /** `o-` + 10–32 lower-case letters and digits. @default 'o-exampleorg1' */
  readonly id?: string;
  /** `r-` + 4–32 lower-case letters and digits. @default 'r-examp' */
  readonly rootId?: string;
  /** Member accounts that are delegated administrators (they may call the list operations too). @default none */
  readonly delegatedAdministrators?: readonly string[];
  /**
   * Tags per ListTagsForResource page (the operation takes no MaxResults; the page size is the
   * service's, not documented). @default 20
   */
  readonly tagsPageSize?: number;
}

/** An account to add (`fake.state.addOrganizationAccount`). */
export interface AddOrganizationAccountOptions {
  readonly id: string;
  /** The root or OU it is directly in. @default the root */
  readonly parentId?: string;
  /** @default `account-<id>` */
  readonly name?: string;
  /** ([model] `AccountState`) @default 'ACTIVE' */
  readonly state?: 'PENDING_ACTIVATION' | 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
  /** Its tags. @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** An account in the organization. */
export interface StoredOrganizationAccount {
  readonly id: string;
  parentId: string;
  readonly name: string;
  readonly email: string;
  state: NonNullable<AddOrganizationAccountOptions['state']>;
  readonly joinedAt: Date;
}

/** An organizational unit. */
export interface StoredOrganizationalUnit {
  readonly id: string;
  readonly name: string;
  readonly parentId: string;
}

/** One organization: its root, OUs (with their parent), accounts (with their parent) and tags per resource. */
export class StoredOrganization {
  public readonly id: string;
  public readonly rootId: string;
  public readonly managementAccountId: string;
  public readonly delegatedAdministrators: Set<string>;
  public tagsPageSize: number;
  public readonly units = new Map<string, StoredOrganizationalUnit>();
  public readonly accounts = new Map<string, StoredOrganizationAccount>();
  /** Tags by resource ID (account ID, OU ID or root ID), in the order they were set. */
  public readonly tags = new Map<string, Map<string, string>>();
  private ouSeq = 0;

  constructor(options: CreateOrganizationOptions & { managementAccountId: string }) {
    this.id = options.id ?? 'o-exampleorg1';
    this.rootId = options.rootId ?? 'r-examp';
    if (!/^o-[a-z0-9]{10,32}$/.test(this.id)) throw new Error(`not an organization ID: ${this.id}`);
    if (!/^r-[0-9a-z]{4,32}$/.test(this.rootId)) throw new Error(`not a root ID: ${this.rootId}`);
    this.managementAccountId = options.managementAccountId;
    this.delegatedAdministrators = new Set(options.delegatedAdministrators ?? []);
    this.tagsPageSize = options.tagsPageSize ?? 20;
    this.addAccount({ id: options.managementAccountId, name: 'management' });
  }

  /** True for the root and for every OU. */
  public isParent(id: string): boolean {
    return id === this.rootId || this.units.has(id);
  }

  /** Adds an OU under a parent (the root by default); its ID is `ou-<root suffix>-<8+ characters>` unless given. */
  public addUnit(name: string, parentId: string = this.rootId, id?: string): StoredOrganizationalUnit {
    if (!this.isParent(parentId)) throw new Error(`no root or OU ${parentId}`);
    const ouId = id ?? `ou-${this.rootId.slice(2)}-${String(++this.ouSeq).padStart(8, '0')}`;
    if (!/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(ouId)) throw new Error(`not an OU ID: ${ouId}`);
    if (this.units.has(ouId)) throw new Error(`OU ${ouId} exists`);
    const unit = { id: ouId, name, parentId };
    this.units.set(ouId, unit);
    return unit;
  }

  /** Adds (or moves and updates) an account. */
  public addAccount(options: AddOrganizationAccountOptions): StoredOrganizationAccount {
    if (!/^\d{12}$/.test(options.id)) throw new Error(`not an account ID: ${options.id}`);
    const parentId = options.parentId ?? this.rootId;
    if (!this.isParent(parentId)) throw new Error(`no root or OU ${parentId}`);
    const account: StoredOrganizationAccount = {
      id: options.id,
      parentId,
      name: options.name ?? `account-${options.id}`,
      email: `aws+${options.id}@example.com`,
      state: options.state ?? 'ACTIVE',
      joinedAt: new Date(),
    };
    this.accounts.set(options.id, account);
    if (options.tags) this.tag(options.id, options.tags);
    return account;
  }

  /** Sets tags on an account, OU or root (values of existing keys are replaced). */
  public tag(resourceId: string, tags: Readonly<Record<string, string>>): void {
    if (!this.accounts.has(resourceId) && !this.isParent(resourceId)) throw new Error(`no account, OU or root ${resourceId}`);
    const current = this.tags.get(resourceId) ?? new Map<string, string>();
    for (const [key, value] of Object.entries(tags)) current.set(key, value);
    this.tags.set(resourceId, current);
  }

  /** The OU's ARN ([model] `OrganizationalUnitArn`). */
  public unitArn(ouId: string): string {
    return `arn:aws:organizations::${this.managementAccountId}:ou/${this.id}/${ouId}`;
  }

  /** The account's ARN ([model] `AccountArn`). */
  public accountArn(accountId: string): string {
    return `arn:aws:organizations::${this.managementAccountId}:account/${this.id}/${accountId}`;
  }
}
