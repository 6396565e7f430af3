import { operation, RequestContext, ServiceDefinition } from '../service-definition';
import { AwsServiceError, serviceError } from '../service-error';
import type { IamAccount, StoredIamEntity } from '../state/iam-store';

/**
 * The IAM fake (query protocol, XML answers; one global service: the entities belong to the
 * caller's account whatever Region the request was signed for — the SDK signs IAM for us-east-1
 * in the aws partition, and with an endpoint override for the client's Region).
 *
 * Roles and users are seeded with `fake.state.createRole` / `createUser`, customer managed
 * policies with `createPolicy` (AWS managed policies, `arn:aws:iam::aws:policy/…`, always exist).
 * Errors as IAM answers them:
 * - `NoSuchEntity` (404): a missing role, user, policy, attachment or inline policy;
 * - `LimitExceeded` (409): the aggregate size of a role's inline policies above 10,240 characters
 *   (a user's above 2,048), white space not counted, and more than 10 managed policies attached to
 *   a role (the default quota), per "IAM and AWS STS quotas",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html; the message is the
 *   one IAM is reported to give (`Maximum policy size of 10240 bytes exceeded for role <name>`);
 * - `MalformedPolicyDocument` (400): a document that is not JSON, has no Statement, names a
 *   Principal (identity policies cannot), or a statement without Effect / Action / Resource;
 * - `UnmodifiableEntity` (400): writes to an IAM Identity Center role (path
 *   `/aws-reserved/sso.amazonaws.com/`), which IAM refuses ("Cannot perform the operation on the
 *   protected role '…' - this role is only modifiable by AWS",
 *   https://repost.aws/knowledge-center/identity-center-aws-reserved-sso);
 * - `AccessDenied` (403) when `fake.state.access()` refuses `iam:<Operation>` on the role or user ARN.
 */

/** Role policy size quota (aggregate of a role's inline policies, non-white-space characters). */
export const ROLE_POLICY_SIZE_QUOTA = 10_240;
/** User policy size quota (aggregate of a user's inline policies). */
export const USER_POLICY_SIZE_QUOTA = 2_048;
/** Managed policies attached to a role (default quota, adjustable to 20). */
export const POLICIES_PER_ROLE_QUOTA = 10;

const SSO_PATH = '/aws-reserved/sso.amazonaws.com/';
const POLICY_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}|aws):policy\/(?:[\x21-\x2e\x30-\x7e]+\/)*([\w+=,.@-]{1,128})$/;
const DEFAULT_PAGE = 100;

const noSuchEntity = (message: string) => serviceError('NoSuchEntityException', message);

function iamOf(ctx: RequestContext): IamAccount {
  return ctx.state.iam.account(ctx.accountId);
}

function authorize(ctx: RequestContext, action: string, resource: string): void {
  const denial = ctx.state.access(ctx.accountId).authorize(`iam:${action}`, resource);
  if (denial) throw new AwsServiceError('AccessDenied', denial.message, { statusCode: 403 });
}

/** The role, after IAM's access check on its ARN (a missing role is checked on the ARN it would have). */
function roleFor(ctx: RequestContext, action: string, roleName: string): StoredIamEntity {
  const role = iamOf(ctx).role(roleName);
  authorize(ctx, action, role?.arn ?? `arn:${ctx.partition}:iam::${ctx.accountId}:role/${roleName}`);
  if (!role) throw noSuchEntity(`The role with name ${roleName} cannot be found.`);
  return role;
}

function userFor(ctx: RequestContext, action: string, userName: string): StoredIamEntity {
  const user = iamOf(ctx).user(userName);
  authorize(ctx, action, user?.arn ?? `arn:${ctx.partition}:iam::${ctx.accountId}:user/${userName}`);
  if (!user) throw noSuchEntity(`The user with name ${userName} cannot be found.`);
  return user;
}

function modifiable(role: StoredIamEntity): void {
  if (role.path === SSO_PATH) {
    throw serviceError('UnmodifiableEntityException', `Cannot perform the operation on the protected role '${role.name}' - this role is only modifiable by AWS`);
  }
}

const malformed = (message: string) => serviceError('MalformedPolicyDocumentException', message);

/** IAM's checks of an identity-based policy document, as far as the fake makes them. */
export function checkIdentityPolicy(document: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw malformed('This policy contains invalid Json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformed('Syntax errors in policy.');
  const policy = parsed as Record<string, unknown>;
  if (policy.Version !== undefined && policy.Version !== '2012-10-17' && policy.Version !== '2008-10-17') {
    throw malformed('The policy failed legacy parsing');
  }
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement === undefined ? undefined : [policy.Statement];
  if (!statements || statements.length === 0) throw malformed('Syntax errors in policy.');
  for (const s of statements as Array<Record<string, unknown>>) {
    if (typeof s !== 'object' || s === null) throw malformed('Syntax errors in policy.');
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) throw malformed('Policy document should not specify a principal.');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed(s.Effect === undefined ? 'Missing required field Effect' : `Invalid effect: ${String(s.Effect)}`);
    if (s.Action === undefined && s.NotAction === undefined) throw malformed('Policy statement must contain actions.');
    if (s.Resource === undefined && s.NotResource === undefined) throw malformed('Policy statement must contain resources.');
  }
}

/** Characters counted against the size quotas: white space is not counted. */
export function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}

function putInline(entity: StoredIamEntity, policyName: string, document: string): void {
  checkIdentityPolicy(document);
  const quota = entity.kind === 'role' ? ROLE_POLICY_SIZE_QUOTA : USER_POLICY_SIZE_QUOTA;
  let total = policySize(document);
  for (const [name, doc] of entity.inline) if (name !== policyName) total += policySize(doc);
  if (total > quota) throw serviceError('LimitExceededException', `Maximum policy size of ${quota} bytes exceeded for ${entity.kind} ${entity.name}`);
  entity.inline.set(policyName, document);
}

function policyExists(ctx: RequestContext, arn: string): boolean {
  const m = POLICY_ARN.exec(arn);
  if (!m) throw serviceError('InvalidInputException', `ARN ${arn} is not valid.`);
  if (m[2] === 'aws') return true;
  return m[2] === ctx.accountId && iamOf(ctx).policies.has(arn);
}

interface Page<T> {
  readonly items: T[];
  readonly IsTruncated: boolean;
  readonly Marker?: string;
}

function page<T>(items: readonly T[], marker: string | undefined, maxItems: number | undefined): Page<T> {
  const start = marker === undefined ? 0 : Number(marker);
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw serviceError('InvalidInputException', 'Invalid Marker.');
  const end = start + (maxItems ?? DEFAULT_PAGE);
  return { items: items.slice(start, end), IsTruncated: end < items.length, ...(end < items.length ? { Marker: String(end) } : {}) };
}

interface RoleInput { readonly RoleName: string }
interface PolicyArnInput extends RoleInput { readonly PolicyArn: string }
interface RoleInlineInput extends RoleInput { readonly PolicyName: string; readonly PolicyDocument?: string }
interface UserInlineInput { readonly UserName: string; readonly PolicyName: string; readonly PolicyDocument?: string }
interface ListInput extends RoleInput { readonly Marker?: string; readonly MaxItems?: number; readonly PathPrefix?: string }

/** The IAM fake: roles and users, managed policy attachments, inline role and user policies. */
export function iamService(): ServiceDefinition {
  return {
    key: 'iam',
    modelName: 'iam',
    validationErrorCode: 'ValidationError',
    serializationErrorCode: 'ValidationError',
    throttlingErrorCode: 'Throttling',
    serverErrorCode: 'ServiceFailure',
    unknownCredentialsErrorCode: 'InvalidClientTokenId',
    missingAuthErrorCode: 'MissingAuthenticationToken',
    handlers: {
      GetRole: operation((input: RoleInput, ctx) => {
        const role = roleFor(ctx, 'GetRole', input.RoleName);
        return {
          Role: { Path: role.path, RoleName: role.name, RoleId: role.id, Arn: role.arn, CreateDate: role.createdAt, MaxSessionDuration: 3600 },
        };
      }),
      AttachRolePolicy: operation((input: PolicyArnInput, ctx) => {
        const role = roleFor(ctx, 'AttachRolePolicy', input.RoleName);
        if (!policyExists(ctx, input.PolicyArn)) throw noSuchEntity(`Policy ${input.PolicyArn} does not exist or is not attachable.`);
        modifiable(role);
        if (role.attached.includes(input.PolicyArn)) return {}; // attaching again changes nothing
        if (role.attached.length >= POLICIES_PER_ROLE_QUOTA) {
          throw serviceError('LimitExceededException', `Cannot exceed quota for PoliciesPerRole: ${POLICIES_PER_ROLE_QUOTA}`);
        }
        role.attached.push(input.PolicyArn);
        return {};
      }),
      DetachRolePolicy: operation((input: PolicyArnInput, ctx) => {
        const role = roleFor(ctx, 'DetachRolePolicy', input.RoleName);
        policyExists(ctx, input.PolicyArn);
        modifiable(role);
        const at = role.attached.indexOf(input.PolicyArn);
        if (at < 0) throw noSuchEntity(`Policy ${input.PolicyArn} was not found.`);
        role.attached.splice(at, 1);
        return {};
      }),
      ListAttachedRolePolicies: operation((input: ListInput, ctx) => {
        const role = roleFor(ctx, 'ListAttachedRolePolicies', input.RoleName);
        const prefix = input.PathPrefix ?? '/';
        const attached = role.attached
          .map(arn => ({
            PolicyArn: arn,
            PolicyName: arn.slice(arn.lastIndexOf('/') + 1),
            path: arn.slice(arn.indexOf(':policy') + ':policy'.length, arn.lastIndexOf('/') + 1),
          }))
          .filter(p => p.path.startsWith(prefix));
        const { items, IsTruncated, Marker } = page(attached, input.Marker, input.MaxItems);
        return { AttachedPolicies: items.map(({ PolicyArn, PolicyName }) => ({ PolicyName, PolicyArn })), IsTruncated, Marker };
      }),
      PutRolePolicy: operation((input: RoleInlineInput, ctx) => {
        const role = roleFor(ctx, 'PutRolePolicy', input.RoleName);
        modifiable(role);
        putInline(role, input.PolicyName, input.PolicyDocument!);
        return {};
      }),
      GetRolePolicy: operation((input: RoleInlineInput, ctx) => {
        const role = roleFor(ctx, 'GetRolePolicy', input.RoleName);
        const document = role.inline.get(input.PolicyName);
        if (document === undefined) throw noSuchEntity(`The role policy with name ${input.PolicyName} cannot be found.`);
        // IAM returns the document URL-encoded (RFC 3986), https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html
        return { RoleName: role.name, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(document) };
      }),
      DeleteRolePolicy: operation((input: RoleInlineInput, ctx) => {
        const role = roleFor(ctx, 'DeleteRolePolicy', input.RoleName);
        modifiable(role);
        if (!role.inline.delete(input.PolicyName)) throw noSuchEntity(`The role policy with name ${input.PolicyName} cannot be found.`);
        return {};
      }),
      ListRolePolicies: operation((input: ListInput, ctx) => {
        const role = roleFor(ctx, 'ListRolePolicies', input.RoleName);
        const { items, IsTruncated, Marker } = page([...role.inline.keys()].sort(), input.Marker, input.MaxItems);
        return { PolicyNames: items, IsTruncated, Marker };
      }),
      PutUserPolicy: operation((input: UserInlineInput, ctx) => {
        putInline(userFor(ctx, 'PutUserPolicy', input.UserName), input.PolicyName, input.PolicyDocument!);
        return {};
      }),
      DeleteUserPolicy: operation((input: UserInlineInput, ctx) => {
        const user = userFor(ctx, 'DeleteUserPolicy', input.UserName);
        if (!user.inline.delete(input.PolicyName)) throw noSuchEntity(`The user policy with name ${input.PolicyName} cannot be found.`);
        return {};
      }),
    },
  };
}
