/**
 * AWS STS's rules for the role a profile provider assumes to act in another account, from the STS
 * API model (../shared/aws-models/sts.json, AssumeRoleRequest): one source for the constructs
 * (synth-time checks) and the profile-provider handler (request validation). Dependency-free.
 */

/**
 * An IAM role ARN, `arn:<partition>:iam::<12 digits>:role/<path/><name>` (IAM's role path and
 * name characters `[\w+=,.@-]`, name 1–64). Groups: partition, account, path (with its trailing
 * slash, or empty), name.
 */
export const ROLE_ARN = /^arn:(aws[a-z-]*):iam::([0-9]{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;

/**
 * `ExternalId` (the model's `externalIdType`): 2–1224 characters matching `[\w+=,.@:\/-]*` —
 * "upper- and lower-case alphanumeric characters with no spaces … underscores or any of the
 * following characters: +=,.@:\/-" (the model's documentation of AssumeRoleRequest.ExternalId).
 */
export const EXTERNAL_ID_RULES = {
  minLength: 2,
  maxLength: 1224,
  pattern: '[\\w+=,.@:\\/-]*',
} as const;

/** `RoleSessionName` (the model's `roleSessionNameType`): 2–64 characters matching `[\w+=,.@-]*`. */
export const ROLE_SESSION_NAME_RULES = {
  minLength: 2,
  maxLength: 64,
  pattern: '[\\w+=,.@-]*',
} as const;

/** The account of a literal role ARN, or undefined when it is not one. */
export function accountOfRoleArn(roleArn: string): string | undefined {
  return ROLE_ARN.exec(roleArn)?.[2];
}
