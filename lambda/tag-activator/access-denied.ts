import { errorMessage, errorName } from '../shared/log';

/**
 * Why Cost Explorer refused a call, told apart by the words of its AccessDeniedException:
 *
 * - `NotPayerAccount`: a member (linked) account of an organization. Cost Explorer answers
 *   "Failed to update Cost Allocation Tag: Linked account doesn't have access to cost allocation
 *   tags." (and "Failed to list Cost Allocation Tags: …" for ListCostAllocationTags);
 * - `ServiceControlPolicy`, `PermissionsBoundary`: IAM's access denied messages name the policy type,
 *   "… with an explicit deny in a service control policy[: <arn>]" or "… because no permissions
 *   boundary allows the <action> action" (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html);
 * - `MissingPermission`: "User: <arn> is not authorized to perform: ce:<Action> on resource: … because
 *   no identity-based policy allows the ce:<Action> action" (or an explicit deny in one);
 * - `AccessDenied`: anything else (a session or resource control policy, a message of another form).
 */
export type AccessDeniedCode = 'NotPayerAccount' | 'MissingPermission' | 'ServiceControlPolicy' | 'PermissionsBoundary' | 'AccessDenied';

/** What each cause means and what to do about it. */
const EXPLANATIONS: Record<AccessDeniedCode, { readonly why: string; readonly fix: string }> = {
  NotPayerAccount: {
    why: 'Cost allocation tags can be activated only in the management (payer) account of an AWS Organization, or in a standalone account.',
    fix: 'Deploy CostAllocationTagActivation in the management account.',
  },
  MissingPermission: {
    why: 'The activation provider\'s role lacks a Cost Explorer permission.',
    fix: 'Restore the role\'s policy as the stack defines it (or remove the identity-based policy that denies the action).',
  },
  ServiceControlPolicy: {
    why: 'A service control policy of the organization denies the activation provider\'s role a Cost Explorer action.',
    fix: 'Ask the organization\'s administrators to exempt the role (or the management account) from that policy.',
  },
  PermissionsBoundary: {
    why: 'The permissions boundary of the activation provider\'s role does not allow a Cost Explorer action.',
    fix: 'Allow ce:ListCostAllocationTags, ce:UpdateCostAllocationTagsStatus, ce:StartCostAllocationTagBackfill and the role\'s SSM actions in the boundary.',
  },
  AccessDenied: {
    why: 'Cost Explorer denied the activation provider\'s role access.',
    fix: 'Check the policies that apply to the role (session policies, resource control policies).',
  },
};

/** Cost Explorer refused a call; `code` says why, `awsMessage` is what AWS answered. */
export class AccessDeniedError extends Error {
  constructor(
    public readonly code: AccessDeniedCode,
    public readonly operation: string,
    public readonly awsMessage: string,
  ) {
    const { why, fix } = EXPLANATIONS[code];
    super(`${why} [${code}] ${operation} answered: ${awsMessage.replace(/\.?\s*$/, '')}. ${fix}`);
    this.name = 'AccessDeniedError';
  }
}

/** Whether an error is an access denial (the JSON services' AccessDeniedException, the query services' AccessDenied). */
export function isAccessDenied(error: unknown): boolean {
  const name = errorName(error);
  return name === 'AccessDeniedException' || name === 'AccessDenied';
}

/** The cause of an access denial, from its message. */
export function accessDeniedCode(message: string): AccessDeniedCode {
  if (/is not authorized to perform/i.test(message)) {
    if (/service control polic/i.test(message)) return 'ServiceControlPolicy';
    if (/permissions boundary/i.test(message)) return 'PermissionsBoundary';
    if (/(session|resource control|resource-based|VPC endpoint) policy/i.test(message)) return 'AccessDenied';
    return 'MissingPermission';
  }
  // Cost Explorer's own refusal of a member account (the console says "managed at the payer account level")
  if (/linked account doesn'?t have access|payer account level/i.test(message)) return 'NotPayerAccount';
  return 'AccessDenied';
}

/** The access denial as an {@link AccessDeniedError}, or undefined when `error` is something else. */
export function asAccessDenied(error: unknown, operation: string): AccessDeniedError | undefined {
  if (error instanceof AccessDeniedError) return error;
  if (!isAccessDenied(error)) return undefined;
  const message = errorMessage(error);
  return new AccessDeniedError(accessDeniedCode(message), operation, message);
}
