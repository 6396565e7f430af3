import { randomString, UPPER_BASE32 } from '../random-id';

/**
 * IAM's entities as the fake keeps them: per account (IAM is global: not per Region), roles and
 * users with their managed-policy attachments and inline policies, and customer managed policies.
 * Names of roles and users are unique per account without regard to case ("names are not
 * distinguished by case", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html),
 * so they are looked up case-insensitively and reported as created.
 */

/** Options of `fake.state.createRole` / `createUser`. */
export interface CreateIamEntityOptions {
  /** `/` or `/a/b/` @default '/' */
  readonly path?: string;
  /** @default the fake's account */
  readonly accountId?: string;
}

/** What `createRole` / `createUser` return. */
export interface CreatedRole {
  readonly arn: string;
  readonly roleId: string;
}

export interface CreatedUser {
  readonly arn: string;
  readonly userId: string;
}

/** A role (or user): its identity, attachments (in attachment order) and inline policies. */
export interface StoredIamEntity {
  readonly kind: 'role' | 'user';
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  /** AROA… for roles, AIDA… for users */
  readonly id: string;
  readonly accountId: string;
  readonly createdAt: Date;
  /** managed policy ARNs */
  readonly attached: string[];
  /** inline policies: name → document (as put) */
  readonly inline: Map<string, string>;
}

/** A customer managed policy (`fake.state.createPolicy`). */
export interface StoredManagedPolicy {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly document: string;
}

const PATH = /^\/(?:[\x21-\x2e\x30-\x7e]+\/)*$/;
const NAME = /^[\w+=,.@-]{1,64}$/;

function checkPath(path: string): void {
  if (!PATH.test(path) || path.length > 512) throw new Error(`not an IAM path: ${path}`);
}

/** The IAM entities of one account. */
export class IamAccount {
  public readonly roles = new Map<string, StoredIamEntity>();
  public readonly users = new Map<string, StoredIamEntity>();
  public readonly policies = new Map<string, StoredManagedPolicy>();

  constructor(public readonly accountId: string, private readonly partition = 'aws') {}

  public createRole(name: string, path = '/', now = new Date()): StoredIamEntity {
    return this.create('role', name, path, now);
  }

  public createUser(name: string, path = '/', now = new Date()): StoredIamEntity {
    return this.create('user', name, path, now);
  }

  public role(name: string): StoredIamEntity | undefined {
    return this.roles.get(name.toLowerCase());
  }

  public user(name: string): StoredIamEntity | undefined {
    return this.users.get(name.toLowerCase());
  }

  public createPolicy(name: string, document: string, path = '/'): string {
    checkPath(path);
    if (!/^[\w+=,.@-]{1,128}$/.test(name)) throw new Error(`not a valid policy name: ${name}`);
    const arn = `arn:${this.partition}:iam::${this.accountId}:policy${path}${name}`;
    this.policies.set(arn, { arn, name, path, document });
    return arn;
  }

  private create(kind: 'role' | 'user', name: string, path: string, now: Date): StoredIamEntity {
    if (!NAME.test(name)) throw new Error(`not a valid ${kind} name: ${name}`);
    checkPath(path);
    const map = kind === 'role' ? this.roles : this.users;
    if (map.has(name.toLowerCase())) throw new Error(`${kind} ${name} exists already (names are case-insensitive)`);
    const entity: StoredIamEntity = {
      kind,
      name,
      path,
      arn: `arn:${this.partition}:iam::${this.accountId}:${kind}${path}${name}`,
      id: `${kind === 'role' ? 'AROA' : 'AIDA'}${randomString(UPPER_BASE32, 17)}`,
      accountId: this.accountId,
      createdAt: now,
      attached: [],
      inline: new Map(),
    };
    map.set(name.toLowerCase(), entity);
    return entity;
  }
}

/** IAM of every account of one fake. */
export class IamStore {
  private readonly accounts = new Map<string, IamAccount>();

  public account(accountId: string): IamAccount {
    let account = this.accounts.get(accountId);
    if (!account) {
      account = new IamAccount(accountId);
      this.accounts.set(accountId, account);
    }
    return account;
  }

  public clear(): void {
    this.accounts.clear();
  }
}
