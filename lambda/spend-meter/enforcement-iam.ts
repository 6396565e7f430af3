import {
  AttachRolePolicyCommand, DeleteRolePolicyCommand, DeleteUserPolicyCommand, DetachRolePolicyCommand, GetRoleCommand, IAMClient,
  PutRolePolicyCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { normalizePrincipal } from './attribution';
import { denyInvocationStatement, PolicyStatementJson } from '../../src/contracts/deny-invocation';
import { LedgerPeriodKind, METER_DEFAULTS, MeterSettings } from '../../src/contracts/spend-meter';
import { errorName, Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

/**
 * The IAM side of the meter's enforcement: what a deny is for each kind of subject, applying it
 * and removing it.
 *
 * - A cost center: the construct's managed deny policy (the library's deny-invocation statement on
 *   the cost center's profile ARNs, as BudgetEnforcement's) attached to the roles its grants name.
 * - A principal that is an assumed-role session: an inline deny on the role whose condition
 *   `StringLike aws:userid = <role ID>:<session name>` matches that one session: for an assumed
 *   role, aws:userid is `role-id:caller-specified-role-name` (IAM User Guide, "Policy variables
 *   … Principal key values", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable,
 *   and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-userid).
 *   The role ID (AROA…) comes from iam:GetRole (the record names only the role's name). Other
 *   sessions of the role keep working.
 * - An IAM user: an inline deny on the user.
 * - An IAM Identity Center role (`AWSReservedSSO_*`, path `/aws-reserved/sso.amazonaws.com/`):
 *   IAM refuses changes ("Cannot perform the operation on the protected role … this role is only
 *   modifiable by AWS", https://repost.aws/knowledge-center/identity-center-aws-reserved-sso;
 *   Identity Center manages these roles from the permission set,
 *   https://docs.aws.amazon.com/singlesignon/latest/userguide/identity-center-and-iam-roles.html).
 *   Nothing is tried: the notification carries the SCP statement to attach from the
 *   organization's management account. So does a role IAM answers UnmodifiableEntity for.
 * - Anything else (root, a federated user, unknown): notified only.
 */

/**
 * The IAM calls of the enforcement, shaped like the methods of the SDK's aggregated IAM client
 * (`IAM` of @aws-sdk/client-iam), injected. @aws-sdk/client-iam is not a dependency of the
 * project yet (not installed in this workspace): until it is, the function is built without IAM
 * (index.ts) and notifies instead of denying; tests pass a recording fake.
 */
export interface IamWriter {
  getRole(input: { RoleName: string }): Promise<{ Role?: { RoleId?: string; Path?: string } }>;
  attachRolePolicy(input: { RoleName: string; PolicyArn: string }): Promise<unknown>;
  detachRolePolicy(input: { RoleName: string; PolicyArn: string }): Promise<unknown>;
  putRolePolicy(input: { RoleName: string; PolicyName: string; PolicyDocument: string }): Promise<unknown>;
  deleteRolePolicy(input: { RoleName: string; PolicyName: string }): Promise<unknown>;
  putUserPolicy(input: { UserName: string; PolicyName: string; PolicyDocument: string }): Promise<unknown>;
  deleteUserPolicy(input: { UserName: string; PolicyName: string }): Promise<unknown>;
}

export type EnforcementAction = 'attach-policy' | 'session-deny' | 'user-deny' | 'needs-scp' | 'notify-only';

/** What was (or is to be) done, as the marker records it. */
export interface AppliedDeny {
  readonly action: EnforcementAction;
  readonly policyArn?: string;
  readonly roleNames?: readonly string[];
  readonly policyName?: string;
  readonly roleName?: string;
  readonly userName?: string;
  /** needs-scp: the statement to apply as an SCP */
  readonly scpStatement?: PolicyStatementJson;
  /** why nothing was denied (notify-only) */
  readonly reason?: string;
}

export interface IamContext {
  /** absent: the build has no IAM client; crossings are notified, nothing is denied */
  readonly iam?: IamWriter;
  readonly settings: MeterSettings;
  /** role IDs by name (default: a new cache) */
  readonly roles?: RoleIds;
  readonly retry: RetryOptions;
  readonly log: Logger;
}

const SSO_PATH = '/aws-reserved/sso.amazonaws.com/';
const SSO_PREFIX = 'AWSReservedSSO_';
const USER_ARN = /^arn:(aws[a-z-]*):iam::([0-9]{12}):user\/(?:.*\/)?([^/]+)$/;
const ASSUMED = /^arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role\/([^/]+)\/(.+)$/;

/** Role IDs and paths by role name (iam:GetRole), for the container's lifetime (a role's ID never changes). */
export class RoleIds {
  private readonly cache = new Map<string, Promise<{ roleId: string; path: string }>>();

  constructor(private readonly iam: IamWriter, private readonly retry: RetryOptions, private readonly log: Logger) {}

  public get(roleName: string): Promise<{ roleId: string; path: string }> {
    let hit = this.cache.get(roleName);
    if (!hit) {
      hit = withLoggedRetry(() => this.iam.getRole({ RoleName: roleName }), 'GetRole', this.retry, this.log)
        .then((out) => ({ roleId: out.Role!.RoleId!, path: out.Role!.Path ?? '/' }));
      hit.catch(() => this.cache.delete(roleName));
      this.cache.set(roleName, hit);
    }
    return hit;
  }
}

/** The deterministic name of a principal's inline deny (one per kind of period, so that lifting a day's deny keeps the month's). */
export function principalPolicyName(settings: MeterSettings, kind: LedgerPeriodKind, session?: string): string {
  const prefix = settings.enforcement?.policyNamePrefix ?? METER_DEFAULTS.policyNamePrefix;
  const name = `${prefix}-${kind === 'month' ? 'Monthly' : 'Daily'}${session ? `-${session}` : ''}`;
  return name.replace(/[^\w+=,.@-]/g, '_').slice(0, 128);
}

/** The deny of one assumed-role session, by its role's unique ID. */
export function sessionDenyStatement(roleId: string, session: string): PolicyStatementJson {
  return denyInvocationStatement(['*'], { sid: 'DenyBedrockInvocationForCappedSession', condition: { StringLike: { 'aws:userid': `${roleId}:${session}` } } });
}

/** The SCP statement for a session of a role IAM cannot change (an Identity Center role): by the role's ARN pattern and the session name. */
export function scpStatement(partition: string, account: string, roleName: string, session?: string): PolicyStatementJson {
  return denyInvocationStatement(['*'], {
    sid: 'DenyBedrockInvocationForCappedSession',
    condition: {
      ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::${account}:role/aws-reserved/sso.amazonaws.com/*${roleName}` },
      ...(session ? { StringLike: { 'aws:userid': `*:${session}` } } : {}),
    },
  });
}

function policyDocument(statement: PolicyStatementJson): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
}

/** Applies the deny for a subject. Throws on an IAM failure (the caller releases its claim). */
export async function applyDeny(ctx: IamContext, scope: 'CC' | 'PRINCIPAL', name: string, kind: LedgerPeriodKind): Promise<AppliedDeny> {
  const iam = ctx.iam;
  if (!iam) return { action: 'notify-only', reason: 'this build of the function has no IAM client (@aws-sdk/client-iam)' };
  const call = <T>(op: string, fn: () => Promise<T>) => withLoggedRetry(fn, op, ctx.retry, ctx.log);
  if (scope === 'CC') {
    const deny = ctx.settings.enforcement?.costCenters?.[name];
    if (!deny || deny.roleNames.length === 0) return { action: 'notify-only', reason: 'no deny policy or roles configured for this cost center' };
    for (const roleName of deny.roleNames) {
      await call('AttachRolePolicy', () => iam.attachRolePolicy({ RoleName: roleName, PolicyArn: deny.denyPolicyArn }));
    }
    return { action: 'attach-policy', policyArn: deny.denyPolicyArn, roleNames: [...deny.roleNames] };
  }
  const assumed = ASSUMED.exec(name);
  if (assumed) {
    const [, partition, account, roleName, session] = assumed;
    if (roleName.startsWith(SSO_PREFIX)) return { action: 'needs-scp', roleName, scpStatement: scpStatement(partition, account, roleName, session) };
    const role = await (ctx.roles ?? new RoleIds(iam, ctx.retry, ctx.log)).get(roleName);
    if (role.path.startsWith(SSO_PATH)) return { action: 'needs-scp', roleName, scpStatement: scpStatement(partition, account, roleName, session) };
    const policyName = principalPolicyName(ctx.settings, kind, session);
    try {
      await call('PutRolePolicy', () => iam.putRolePolicy({
        RoleName: roleName, PolicyName: policyName, PolicyDocument: policyDocument(sessionDenyStatement(role.roleId, session)),
      }));
    } catch (error) {
      if (errorName(error) !== 'UnmodifiableEntityException') throw error;
      return { action: 'needs-scp', roleName, scpStatement: scpStatement(partition, account, roleName, session), reason: 'IAM: UnmodifiableEntity' };
    }
    return { action: 'session-deny', roleName, policyName };
  }
  const user = USER_ARN.exec(name);
  if (user) {
    const userName = user[3];
    const policyName = principalPolicyName(ctx.settings, kind);
    await call('PutUserPolicy', () => iam.putUserPolicy({
      UserName: userName, PolicyName: policyName, PolicyDocument: policyDocument(denyInvocationStatement(['*'], { sid: 'DenyBedrockInvocationForCappedUser' })),
    }));
    return { action: 'user-deny', userName, policyName };
  }
  return { action: 'notify-only', reason: `${normalizePrincipal(name).name} is neither a role session nor an IAM user` };
}

/**
 * Removes a deny; a deny already gone (NoSuchEntity) is success. `keepAttachment`: another
 * enforcement of the same cost center still needs the policy attached.
 */
export async function removeDeny(ctx: IamContext, deny: AppliedDeny, keepAttachment = false): Promise<void> {
  const iam = ctx.iam;
  if (!iam) {
    if (deny.action === 'attach-policy' || deny.action === 'session-deny' || deny.action === 'user-deny') throw new Error('this build of the function has no IAM client');
    return;
  }
  const idempotent = async (op: string, fn: () => Promise<unknown>) => {
    try {
      await withLoggedRetry(fn, op, ctx.retry, ctx.log);
    } catch (error) {
      if (errorName(error) !== 'NoSuchEntityException') throw error;
    }
  };
  switch (deny.action) {
    case 'attach-policy':
      if (keepAttachment) return;
      for (const roleName of deny.roleNames ?? []) {
        await idempotent('DetachRolePolicy', () => iam.detachRolePolicy({ RoleName: roleName, PolicyArn: deny.policyArn! }));
      }
      return;
    case 'session-deny':
      await idempotent('DeleteRolePolicy', () => iam.deleteRolePolicy({ RoleName: deny.roleName!, PolicyName: deny.policyName! }));
      return;
    case 'user-deny':
      await idempotent('DeleteUserPolicy', () => iam.deleteUserPolicy({ UserName: deny.userName!, PolicyName: deny.policyName! }));
      return;
    default:
      return;
  }
}

/**
 * The IamWriter of an IAMClient: one command per method, so that the bundle carries only these
 * seven commands (the aggregated `IAM` client would bring every IAM command).
 */
export function iamWriterOf(client: IAMClient): IamWriter {
  return {
    getRole: (input) => client.send(new GetRoleCommand(input)),
    attachRolePolicy: (input) => client.send(new AttachRolePolicyCommand(input)),
    detachRolePolicy: (input) => client.send(new DetachRolePolicyCommand(input)),
    putRolePolicy: (input) => client.send(new PutRolePolicyCommand(input)),
    deleteRolePolicy: (input) => client.send(new DeleteRolePolicyCommand(input)),
    putUserPolicy: (input) => client.send(new PutUserPolicyCommand(input)),
    deleteUserPolicy: (input) => client.send(new DeleteUserPolicyCommand(input)),
  };
}
