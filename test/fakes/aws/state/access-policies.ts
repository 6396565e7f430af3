/**
 * What IAM would decide for the callers of one account, in the fake: an identity-based policy and
 * a permissions boundary (allow lists), and explicit denies from any policy type (a service control
 * policy, a permissions boundary, …). Nothing configured: every call is allowed, as before.
 *
 * Refusals read like IAM's access denied messages
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html):
 * `User: <principal> is not authorized to perform: <action> on resource: <resource> because no
 * <type> allows the <action> action` (implicit) or `… with an explicit deny in a <type>[: <policy arn>]`.
 */

/** The policy types IAM names in its messages. */
export type PolicyType = 'identity-based policy' | 'service control policy' | 'permissions boundary' | 'session policy' | 'resource control policy';

/** One Allow statement: actions and resources with IAM wildcards (`*`, `?`). */
export interface AllowStatement {
  readonly actions: readonly string[];
  /** @default ['*'] */
  readonly resources?: readonly string[];
}

/** An explicit Deny. */
export interface DenyRule {
  readonly actions: readonly string[];
  /** @default ['*'] */
  readonly resources?: readonly string[];
  /** The type of the policy holding the Deny. */
  readonly policyType: PolicyType;
  /** The denying policy's ARN, appended to the message as IAM does for SCPs and boundaries. */
  readonly policyArn?: string;
}

/** Why a call was refused. */
export interface AccessDenial {
  readonly policyType: PolicyType;
  readonly explicit: boolean;
  readonly message: string;
}

function wildcard(pattern: string): RegExp {
  const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}

const matchesAny = (patterns: readonly string[] | undefined, value: string): boolean =>
  (patterns ?? ['*']).some((p) => wildcard(p).test(value));

/** The IAM view of one account's callers. */
export class AccessPolicies {
  private identityPolicy?: readonly AllowStatement[];
  private boundary?: readonly AllowStatement[];
  private readonly denies: DenyRule[] = [];
  private principal?: string;

  constructor(private readonly accountId: string) {}

  /** The caller's ARN in messages. @default `arn:aws:sts::<account>:assumed-role/FakeRole/fake-session` */
  public get principalArn(): string {
    return this.principal ?? `arn:aws:sts::${this.accountId}:assumed-role/FakeRole/fake-session`;
  }

  /** Sets the caller's ARN used in messages. */
  public setPrincipal(arn: string): this {
    this.principal = arn;
    return this;
  }

  /** Only what these statements allow passes (implicit deny otherwise): the caller's identity-based policies. */
  public setIdentityPolicy(statements: readonly AllowStatement[]): this {
    this.identityPolicy = statements;
    return this;
  }

  /** A permissions boundary on the caller: only what it allows passes. */
  public setPermissionsBoundary(statements: readonly AllowStatement[]): this {
    this.boundary = statements;
    return this;
  }

  /** An explicit Deny in a policy of the given type. */
  public deny(rule: DenyRule): this {
    this.denies.push(rule);
    return this;
  }

  /** Forgets every policy. */
  public clear(): void {
    this.identityPolicy = undefined;
    this.boundary = undefined;
    this.denies.length = 0;
    this.principal = undefined;
  }

  /** IAM's decision for a call: undefined when allowed, else why not. */
  public authorize(action: string, resource: string): AccessDenial | undefined {
    const head = `User: ${this.principalArn} is not authorized to perform: ${action} on resource: ${resource}`;
    const deny = this.denies.find((d) => matchesAny(d.actions, action) && matchesAny(d.resources, resource));
    if (deny) {
      const suffix = deny.policyArn ? `: ${deny.policyArn}` : '';
      const article = /^[aeiou]/.test(deny.policyType) ? 'an' : 'a';
      return { policyType: deny.policyType, explicit: true, message: `${head} with an explicit deny in ${article} ${deny.policyType}${suffix}` };
    }
    const allows = (statements: readonly AllowStatement[]) =>
      statements.some((s) => matchesAny(s.actions, action) && matchesAny(s.resources, resource));
    if (this.boundary && !allows(this.boundary)) {
      return { policyType: 'permissions boundary', explicit: false, message: `${head} because no permissions boundary allows the ${action} action` };
    }
    if (this.identityPolicy && !allows(this.identityPolicy)) {
      return { policyType: 'identity-based policy', explicit: false, message: `${head} because no identity-based policy allows the ${action} action` };
    }
    return undefined;
  }
}
