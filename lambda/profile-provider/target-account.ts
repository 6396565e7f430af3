/**
 * Profiles in another account: the handler assumes the member account's role (STS AssumeRole)
 * and manages the profile there with a Bedrock client holding the role's credentials. Nothing
 * else differs from a profile in the handler's own account.
 */
import { createHash } from 'crypto';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { TargetSpec } from './properties';
import { ROLE_SESSION_NAME_RULES } from '../../src/contracts/assume-role';
import { errorMessage, errorName, Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

/** Temporary credentials, as the SDK clients take them. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/** How the handler reaches other accounts: an STS client (its own credentials) and a Bedrock client factory. */
export interface TargetAccess {
  readonly sts: STSClient;
  /** a Bedrock client (the handler's Region and endpoint) that signs with these credentials */
  readonly bedrockWith: (credentials: TemporaryCredentials) => BedrockClient;
}

/**
 * The RoleSessionName of a resource's calls in the target account: `cfn-<stack name>-<logical ID>`
 * — what CloudTrail in the member account shows — kept to STS's 2–64 characters of `[\w+=,.@-]`
 * (other characters become `-`; a longer name is cut and ends with a hash of the whole, so
 * that two resources do not share one).
 */
export function roleSessionName(stackId: string, logicalResourceId: string): string {
  // arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<guid>
  const stackName = stackId.split(':stack/')[1]?.split('/')[0] ?? stackId;
  const full = `cfn-${stackName}-${logicalResourceId}`.replace(/[^\w+=,.@-]/g, '-');
  const max = ROLE_SESSION_NAME_RULES.maxLength;
  if (full.length <= max) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, max - hash.length - 1)}-${hash}`;
}

/**
 * Assumes the target's role (with its external id, for the default duration of one hour: the
 * handler runs at most 15 minutes). Throttling and server errors are retried; a refusal is
 * explained.
 */
export async function assumeTargetRole(
  access: TargetAccess, target: TargetSpec, sessionName: string, retry: RetryOptions, log: Logger,
): Promise<TemporaryCredentials> {
  try {
    const out = await withLoggedRetry(() => access.sts.send(new AssumeRoleCommand({
      RoleArn: target.roleArn,
      RoleSessionName: sessionName,
      ExternalId: target.externalId,
    })), 'AssumeRole', retry, log);
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`AssumeRole of ${target.roleArn} returned no credentials`);
    log('INFO', 'assumed role', { roleArn: target.roleArn, sessionName, assumedRole: out.AssumedRoleUser?.Arn });
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  } catch (error) {
    throw explainAssumeRoleError(error, target);
  }
}

/** Turns an AssumeRole error into one that names the role and says what to check. */
export function explainAssumeRoleError(error: unknown, target: TargetSpec): Error {
  const name = errorName(error);
  const detail = errorMessage(error);
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return new Error(`The profile provider could not assume ${target.roleArn} to manage the profile in account ${target.accountId}: `
      + `the role's trust policy refused it (${name}: ${detail}). The role must trust the provider's role ARN`
      + (target.externalId ? ' and require this external id (sts:ExternalId)' : '')
      + ' (ProfileManagementRole does), and the provider\'s own policy must allow sts:AssumeRole on it; '
      + 'check also service control policies of both accounts.');
  }
  if (name === 'RegionDisabledException') {
    return new Error(`STS is not activated in this Region for account ${target.accountId}, so ${target.roleArn} cannot be assumed (${name}: ${detail}).`);
  }
  return error instanceof Error ? error : new Error(detail);
}
