/**
 * The identity-based policy statements a CloudFormation resource carries, whatever wrote them:
 * the library's grants, `iam.PolicyStatement`s written by hand, raw L1s.
 *
 * Resource-based policies are not read: "How Amazon Bedrock works with IAM" lists
 * "Supports resource-based policies: No"
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/security_iam_service-with-iam.html), so
 * only identity-based policies (and IAM Identity Center permission sets, which become them) can
 * allow invoking a model.
 */
import { CfnResource } from 'aws-cdk-lib';
import { AWS_MANAGED_POLICY_STATEMENTS, awsManagedPolicyName } from './aws-managed-policies';
import { PolicyStatementJson } from './iam-policy';
import { asArray, cfnProperties } from './resolve';

/** Resource types with one policy document in `PolicyDocument`. */
const DOCUMENT_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy']);
/** Resource types with inline policies in `Policies[].PolicyDocument`. */
const INLINE_TYPES = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);
/** IAM Identity Center permission sets: one inline policy in `InlinePolicy` (an object or a JSON string). */
const PERMISSION_SET_TYPE = 'AWS::SSO::PermissionSet';

/** Whether the rules read policies of this resource type. */
export function carriesIdentityPolicies(node: CfnResource): boolean {
  const type = node.cfnResourceType;
  return DOCUMENT_TYPES.has(type) || INLINE_TYPES.has(type) || type === PERMISSION_SET_TYPE;
}

/** The statements of every identity-based policy of the resource (empty for other types). */
export function identityPolicyStatements(node: CfnResource): PolicyStatementJson[] {
  if (!carriesIdentityPolicies(node)) return [];
  const props = cfnProperties(node);
  const type = node.cfnResourceType;
  const documents: unknown[] = [];
  if (DOCUMENT_TYPES.has(type)) documents.push(props.PolicyDocument);
  if (INLINE_TYPES.has(type)) documents.push(...asArray(props.Policies).map((p) => (p as { PolicyDocument?: unknown } | undefined)?.PolicyDocument));
  if (type === PERMISSION_SET_TYPE) documents.push(props.InlinePolicy);
  return documents.flatMap(statementsOf);
}

function statementsOf(document: unknown): PolicyStatementJson[] {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return [];
    }
  }
  if (typeof doc !== 'object' || doc === null) return [];
  return asArray((doc as { Statement?: unknown }).Statement)
    .filter((s): s is PolicyStatementJson => typeof s === 'object' && s !== null);
}

/**
 * The AWS managed policies attached to the resource that the pack knows (./aws-managed-policies.ts),
 * with their statements: `ManagedPolicyArns` of `AWS::IAM::Role`/`User`/`Group`, `ManagedPolicies`
 * of `AWS::SSO::PermissionSet`. Other managed policies (customer managed ones are checked as
 * `AWS::IAM::ManagedPolicy` resources of the app; AWS managed ones the pack has no copy of) are skipped.
 */
export function awsManagedPolicies(node: CfnResource): Array<{ name: string; statements: readonly PolicyStatementJson[] }> {
  const type = node.cfnResourceType;
  const key = INLINE_TYPES.has(type) ? 'ManagedPolicyArns' : type === PERMISSION_SET_TYPE ? 'ManagedPolicies' : undefined;
  if (key === undefined) return [];
  const out = new Map<string, readonly PolicyStatementJson[]>();
  for (const arn of asArray(cfnProperties(node)[key])) {
    const name = awsManagedPolicyName(arn);
    const statements = name === undefined ? undefined : AWS_MANAGED_POLICY_STATEMENTS[name];
    if (name !== undefined && statements) out.set(name, statements);
  }
  return [...out].map(([name, statements]) => ({ name, statements }));
}
