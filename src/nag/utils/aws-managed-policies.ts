/**
 * The AWS managed policies the invoke rule reads, by name: those that allow bedrock:InvokeModel
 * and bedrock:InvokeModelWithResponseStream on every resource. Only the statements that matter
 * here are copied (the other statements of these policies allow no invoke action), from the AWS
 * Managed Policy Reference:
 * - AdministratorAccess, `*` on `*`:
 *   https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
 * - PowerUserAccess, `NotAction: [iam:*, organizations:*, account:*]` on `*` (v12):
 *   https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html
 * - AmazonBedrockFullAccess, statement `BedrockAll`, `bedrock:*` on `*`:
 *   https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonBedrockFullAccess.html
 *   (also https://docs.aws.amazon.com/bedrock/latest/userguide/security-iam-awsmanpol.html)
 *
 * Other AWS managed policies are not read: the pack has no copy of their documents (AWS changes
 * them without notice), so a role given another one that allows invocation is not reported.
 */
import { PolicyStatementJson } from './iam-policy';
import { flatten } from './resolve';

export const AWS_MANAGED_POLICY_STATEMENTS: { readonly [name: string]: readonly PolicyStatementJson[] } = {
  AdministratorAccess: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  PowerUserAccess: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }],
  AmazonBedrockFullAccess: [{ Sid: 'BedrockAll', Effect: 'Allow', Action: ['bedrock:*'], Resource: '*' }],
};

/**
 * The name of the AWS managed policy an ARN names (`arn:aws:iam::aws:policy/<name>`, any partition,
 * the partition a placeholder such as `<AWS::Partition>`, as `iam.ManagedPolicy.fromAwsManagedPolicyName`
 * renders it with `Fn::Join`), or undefined for another ARN (a customer managed policy, a
 * reference, a value that cannot be read at synth).
 */
export function awsManagedPolicyName(arn: unknown): string | undefined {
  const match = /^arn:(aws(-[a-z]+)*|<[^<>]*>):iam::aws:policy\/(.+)$/.exec(flatten(arn));
  return match ? match[3] : undefined;
}
