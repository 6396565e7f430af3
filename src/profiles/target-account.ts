import { Annotations, Fn, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { accountOfRoleArn, EXTERNAL_ID_RULES, ROLE_ARN } from '../contracts/assume-role';
import { checkString, propError } from '../util/validation';

/**
 * Another AWS account in which a profile provider creates and manages application inference
 * profiles, through a role of that account (e.g. a {@link ProfileManagementRole} deployed there).
 */
export interface TargetAccount {
  /**
   * The ARN of the role the provider assumes in the target account,
   * `arn:<partition>:iam::<account>:role/<path/><name>`. Its account is where the profile lives.
   * The role must trust the provider function's role and allow the inference-profile, tagging and
   * model-source actions (see {@link ProfileManagementRole}).
   */
  readonly roleArn: string;

  /**
   * The external id the provider passes when it assumes the role (`sts:ExternalId`): 2–1224
   * characters matching `[\w+=,.@:\/-]*` (STS AssumeRole, `externalIdType`). An external id is
   * not a secret: it is visible in the template.
   * @default - none
   */
  readonly externalId?: string;
}

/**
 * Validates a target account at synth (literal values only: tokens are not judged) and warns when
 * it is the stack's own account.
 * @internal
 */
export function validateTargetAccount(scope: IConstruct, prop: string, target: TargetAccount): void {
  if (!Token.isUnresolved(target.roleArn) && !ROLE_ARN.test(target.roleArn)) {
    throw propError(scope, `${prop}.roleArn`, `'${target.roleArn}' must be an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<path/name>)`);
  }
  if (target.externalId !== undefined) {
    const r = EXTERNAL_ID_RULES;
    const problem = checkString(target.externalId, r.minLength, r.maxLength, r.pattern);
    if (problem) throw propError(scope, `${prop}.externalId`, `${problem} (STS AssumeRole ExternalId)`);
  }
  const account = knownTargetAccountId(scope, target);
  const own = Stack.of(scope).account;
  if (account !== undefined && !Token.isUnresolved(own) && account === own) {
    Annotations.of(scope).addWarningV2('cdk-bedrock-cost-governance:targetAccountIsOwn',
      `${prop}.roleArn is a role of this stack's own account (${own}): the profile is created there as without ${prop}, `
      + 'only through an extra role; leave it unset unless that is intended');
  }
}

/**
 * The account of a target's role ARN: the literal account, or a CloudFormation expression that
 * extracts it when the ARN is a token.
 * @internal
 */
export function targetAccountId(scope: IConstruct, target: TargetAccount): string {
  return knownTargetAccountId(scope, target) ?? Fn.select(4, Fn.split(':', target.roleArn));
}

/**
 * The account of a target when it is known at synth: that of a literal role ARN, or the literal
 * account of an ARN joined with tokens elsewhere (`arn:${Aws.PARTITION}:iam::111122223333:role/x`);
 * undefined when the account itself is a token.
 * @internal
 */
export function knownTargetAccountId(scope: IConstruct, target: TargetAccount): string | undefined {
  if (!Token.isUnresolved(target.roleArn)) return accountOfRoleArn(target.roleArn);
  const resolved = Stack.of(scope).resolve(target.roleArn) as { 'Fn::Join'?: [string, unknown[]] };
  const join = resolved?.['Fn::Join'];
  if (!join || join[0] !== '') return undefined;
  // the literal parts, with a placeholder for each token
  const text = join[1].map((part) => (typeof part === 'string' ? part : '\u0000')).join('');
  return /:iam::([0-9]{12}):role\//.exec(text)?.[1];
}
