/**
 * The deny-invocation policy statement, one shape for every enforcement of the library: the
 * budget actions' managed deny policy (src/budgets/budget-enforcement.ts), the spend meter's
 * deny of a cost center and its deny of one principal or role session
 * (lambda/spend-meter/enforcement.ts), and the SCP text the meter hands out for roles that IAM
 * cannot change. Plain IAM policy JSON (the grammar's casing), dependency-free, so that the
 * handler bundle can import it; the constructs read it with `iam.PolicyStatement.fromJson`.
 */

/**
 * The IAM actions that invoke a model through an application inference profile: InvokeModel and
 * InvokeModelWithResponseStream. The Converse and ConverseStream APIs are authorized by these two
 * actions (there are no bedrock:Converse* actions), so granting or denying them covers all four
 * runtime APIs.
 * https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-call.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html
 *
 * The one list of the library: grants (`grantInvoke`), the ABAC policy and the enforcement deny
 * policies use it (src/profiles/invoke-actions.ts re-exports it).
 */
export const INVOKE_ACTIONS: readonly string[] = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/** The Sid of the deny of a cost center's profiles. */
export const DENY_INVOCATION_SID = 'DenyBedrockInvocationThroughCostCenterProfiles';

/** An IAM policy statement as JSON. */
export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: 'Deny' | 'Allow';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** Options of {@link denyInvocationStatement}. */
export interface DenyInvocationStatementOptions {
  /** default {@link DENY_INVOCATION_SID} */
  readonly sid?: string;
  readonly condition?: Record<string, Record<string, string | string[]>>;
}

/** Deny of the invoke actions on `resources` (profile ARNs, or `*` for every model and profile). */
export function denyInvocationStatement(resources: readonly string[], options: DenyInvocationStatementOptions = {}): PolicyStatementJson {
  return {
    Sid: options.sid ?? DENY_INVOCATION_SID,
    Effect: 'Deny',
    Action: [...INVOKE_ACTIONS],
    Resource: [...resources],
    ...(options.condition ? { Condition: options.condition } : {}),
  };
}
