import { Annotations, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { CfnBudget, CfnBudgetsAction } from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct, IConstruct } from 'constructs';
import { BUDGET_LIMITS } from './budget-limits';
import { BudgetPeriod } from './budget-period';
import { BudgetThreshold } from './budget-threshold';
import { denyByTagStatement } from './deny-statements';
import { EnforcementApproval } from './enforcement-approval';
import { denyInvocationStatement } from '../contracts/deny-invocation';
import { ApplicationInferenceProfile } from '../profiles/application-inference-profile';
import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { generateName } from '../util/names';
import { guardRegion } from '../util/region-guard';
import { isToken, propError } from '../util/validation';

/** Options shared by every {@link BudgetEnforcement}. */
export interface BudgetEnforcementOptions {
  /**
   * The application inference profiles whose invocation is denied (by ARN).
   *
   * `denyInvocation` needs profiles: give them here when the budget is defined by a cost center
   * or tags. `denyInvocationScp` does not: without profiles (here or on the budget) it denies
   * every application inference profile that carries the cost center's tags.
   * @default - the budget's `profiles`; for a budget defined by a cost center or tags, none: `denyInvocationScp` then denies by the cost center's tags, and `denyInvocation` fails (it needs profiles)
   */
  readonly profiles?: IApplicationInferenceProfile[];

  /**
   * When the enforcement runs.
   * @default BudgetThreshold.actual(100) - when the actual spend reaches the limit
   */
  readonly threshold?: BudgetThreshold;

  /**
   * Whether it runs by itself or waits for approval in the AWS Budgets console.
   * @default EnforcementApproval.AUTOMATIC
   */
  readonly approval?: EnforcementApproval;
}

/** Options of {@link BudgetEnforcement.denyInvocation}. */
export interface DenyInvocationOptions extends BudgetEnforcementOptions {
  /**
   * The IAM roles that lose the right to invoke the profiles (1–100, in the budget's account: a
   * budget action names its roles by name, so they are roles of its own account).
   */
  readonly roles: iam.IRole[];
}

/** Options of {@link BudgetEnforcement.denyInvocationScp}. */
export interface DenyInvocationScpOptions extends BudgetEnforcementOptions {
  /** The accounts (12 digits) and organizational units (`ou-…`) the SCP is attached to (1–100). */
  readonly targetIds: string[];

  /**
   * The organization's ID (`o-…`), which narrows the execution role to the targets' exact ARNs.
   * @default - the targets' ARNs with any organization ID (`o-*`), acknowledged in cdk-nag
   */
  readonly organizationId?: string;
}

/** What an enforcement is attached to: the budget, as the budget passes it. */
export interface BudgetEnforcementBindOptions {
  /** The name of the budget. */
  readonly budgetName: string;
  /** The budget resource (the action is created after it). */
  readonly budget: CfnBudget;
  /** Who the action notifies when it runs (the budget's alert subscribers, 1–11). */
  readonly subscribers: CfnBudgetsAction.SubscriberProperty[];
  /**
   * The budget's profiles.
   * @default - none (the budget is defined by a cost center or tags)
   */
  readonly profiles?: IApplicationInferenceProfile[];
  /**
   * The cost center's tags, when the budget is defined by a cost center or by tags.
   * @default - none (the budget is defined by profiles)
   */
  readonly tags?: { [key: string]: string };
  /**
   * The budget's period: a DAILY budget takes no forecasted threshold.
   * @default - not checked
   */
  readonly period?: BudgetPeriod;
}

/** The resources an enforcement made. */
export interface BudgetEnforcementConfig {
  /** The budget action. */
  readonly action: CfnBudgetsAction;
  /** The role AWS Budgets assumes to run the action. */
  readonly executionRole: iam.IRole;
}

/**
 * What AWS Budgets does when a budget's threshold is crossed: deny the invocation of the cost
 * center's application inference profiles. (Not to be confused with Amazon Bedrock Guardrails.)
 *
 * The action's execution role is trusted by budgets.amazonaws.com of this account only, and may
 * only attach and detach the deny policy, on the given roles or targets.
 */
export abstract class BudgetEnforcement {
  /**
   * An `APPLY_IAM_POLICY` budget action: when the threshold is crossed, AWS Budgets attaches a
   * managed policy that denies `bedrock:InvokeModel` and `bedrock:InvokeModelWithResponseStream`
   * (and so Converse and ConverseStream) on the profiles to the given roles.
   * Reverse it (detach the policy) from the AWS Budgets console once the period is over or the
   * limit is raised.
   */
  public static denyInvocation(options: DenyInvocationOptions): BudgetEnforcement {
    return new DenyInvocationEnforcement(options);
  }

  /**
   * An `APPLY_SCP_POLICY` budget action, for a budget in the organization's management account:
   * when the threshold is crossed, AWS Budgets attaches a service control policy that denies
   * `bedrock:InvokeModel` and `bedrock:InvokeModelWithResponseStream` to the given accounts or
   * organizational units. For a budget defined by
   * a cost center or tags (and no `profiles` given), the SCP denies every application inference
   * profile that carries the cost center's tags (`aws:ResourceTag/<key>`), in whichever member
   * account it lives; with `profiles`, it denies those ARNs. SCPs never apply to the management
   * account itself, so profiles created in the budget's own stack are reported with a warning.
   */
  public static denyInvocationScp(options: DenyInvocationScpOptions): BudgetEnforcement {
    return new DenyInvocationScpEnforcement(options);
  }

  /**
   * Creates the action and its resources in `scope`.
   * @param scope the budget construct
   */
  public abstract bind(scope: Construct, options: BudgetEnforcementBindOptions): BudgetEnforcementConfig;
}

const MAX_TARGETS = BUDGET_LIMITS.maxActionTargets;
const MAX_SUBSCRIBERS = BUDGET_LIMITS.maxActionSubscribers;
const TARGET_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** Checks and returns what every enforcement needs. */
function common(scope: IConstruct, options: BudgetEnforcementOptions, bind: BudgetEnforcementBindOptions, profilesRequired = true) {
  const profiles = options.profiles ?? bind.profiles ?? [];
  if (profiles.length === 0 && profilesRequired) {
    throw propError(scope, 'enforcement.profiles', 'must name at least one application inference profile (the budget has none to default to)');
  }
  const threshold = options.threshold ?? BudgetThreshold.actual(100);
  threshold.validate(scope, 'enforcement.threshold', bind.period);
  if (bind.subscribers.length < 1 || bind.subscribers.length > MAX_SUBSCRIBERS) {
    throw propError(scope, 'enforcement', `needs 1–${MAX_SUBSCRIBERS} subscribers, which are the budget's alert subscribers (got ${bind.subscribers.length}): `
      + (bind.subscribers.length === 0 ? 'add an alert' : 'use fewer distinct topics and email addresses in the alerts'));
  }
  return { profiles, threshold, approval: options.approval ?? EnforcementApproval.AUTOMATIC };
}

/** The role AWS Budgets assumes, trusted by budgets.amazonaws.com of this account only. */
function executionRole(scope: Construct, description: string, statement: iam.PolicyStatement): iam.Role {
  const stack = Stack.of(scope);
  // Confused-deputy protection as AWS Cost Management documents it: aws:SourceAccount, and
  // aws:SourceArn = arn:<partition>:budgets::<account>:budget/*
  // (https://docs.aws.amazon.com/cost-management/latest/userguide/cross-service-confused-deputy-prevention.html).
  const budgets = new iam.ServicePrincipal('budgets.amazonaws.com').withConditions({
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'budgets', region: '', resource: 'budget', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }) },
  });
  return new iam.Role(scope, 'ExecutionRole', {
    assumedBy: budgets,
    description,
    inlinePolicies: { Enforcement: new iam.PolicyDocument({ statements: [statement] }) },
  });
}

/** The budget action itself, run by `role` when `threshold` is crossed; created after the budget. */
function budgetsAction(
  root: Construct,
  bind: BudgetEnforcementBindOptions,
  run: { threshold: BudgetThreshold; approval: EnforcementApproval; role: iam.IRole },
  actionType: 'APPLY_IAM_POLICY' | 'APPLY_SCP_POLICY',
  definition: CfnBudgetsAction.DefinitionProperty,
): BudgetEnforcementConfig {
  const action = new CfnBudgetsAction(root, 'Action', {
    budgetName: bind.budgetName,
    actionType,
    notificationType: run.threshold.spendType,
    actionThreshold: { type: run.threshold.thresholdType, value: run.threshold.value },
    approvalModel: run.approval,
    executionRoleArn: run.role.roleArn,
    definition,
    subscribers: bind.subscribers,
  });
  guardRegion(action);
  action.addDependency(bind.budget);
  return { action, executionRole: run.role };
}

/** The library's one deny-invocation statement (src/contracts/deny-invocation.ts), which the spend meter applies too. */
function denyStatement(profiles: IApplicationInferenceProfile[]): iam.PolicyStatement {
  return iam.PolicyStatement.fromJson(denyInvocationStatement(profiles.map((p) => p.profileArn)));
}

class DenyInvocationEnforcement extends BudgetEnforcement {
  constructor(private readonly options: DenyInvocationOptions) {
    super();
  }

  public bind(scope: Construct, bind: BudgetEnforcementBindOptions): BudgetEnforcementConfig {
    const roles = this.options.roles ?? [];
    if (roles.length < 1 || roles.length > MAX_TARGETS) {
      throw propError(scope, 'enforcement.roles', `must hold 1–${MAX_TARGETS} IAM roles (got ${roles.length}): the roles whose invocations are denied`);
    }
    // IamActionDefinition.Roles holds role *names* (Role shape in the Budgets API model), which
    // AWS Budgets resolves in the budget's account: a role of another account cannot be named.
    const account = Stack.of(scope).account;
    roles.forEach((role, i) => {
      const roleAccount = role.env.account;
      if (!Token.isUnresolved(account) && !Token.isUnresolved(roleAccount) && roleAccount !== account) {
        throw propError(scope, `enforcement.roles[${i}]`, `(${role.node.path}) is in account ${roleAccount}, but a budget action can only attach its policy to roles of `
          + `the budget's account ${account} (IamActionDefinition names roles, not ARNs); use denyInvocationScp for other accounts`);
      }
    });
    const { profiles, threshold, approval } = common(scope, this.options, bind);
    const root = new Construct(scope, 'Enforcement');
    const denyPolicy = new iam.ManagedPolicy(root, 'DenyPolicy', {
      // a fixed description: a change would replace the policy, which fails while it is attached
      description: 'Denies Amazon Bedrock invocation through the cost center profiles; attached by AWS Budgets when the budget is exceeded',
      statements: [denyStatement(profiles)],
    });
    // AWS's example policy for budget actions allows iam:Attach*/Detach*Policy on "*"
    // (https://docs.aws.amazon.com/cost-management/latest/userguide/billing-example-policies.html#example-budgets-IAM-SCP);
    // here only AttachRolePolicy/DetachRolePolicy, only on these roles, only for this policy
    // (condition key iam:PolicyARN: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
    const role = executionRole(root, 'Lets AWS Budgets attach and detach the Bedrock deny policy on the cost center roles', new iam.PolicyStatement({
      sid: 'AttachAndDetachTheDenyPolicyOnly',
      actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      resources: roles.map((r) => r.roleArn),
      conditions: { ArnEquals: { 'iam:PolicyARN': denyPolicy.managedPolicyArn } },
    }));
    return budgetsAction(root, bind, { threshold, approval, role }, 'APPLY_IAM_POLICY',
      { iamActionDefinition: { policyArn: denyPolicy.managedPolicyArn, roles: roles.map((r) => r.roleName) } });
  }
}

class DenyInvocationScpEnforcement extends BudgetEnforcement {
  constructor(private readonly options: DenyInvocationScpOptions) {
    super();
  }

  public bind(scope: Construct, bind: BudgetEnforcementBindOptions): BudgetEnforcementConfig {
    const targetIds = this.options.targetIds ?? [];
    if (targetIds.length < 1 || targetIds.length > MAX_TARGETS) {
      throw propError(scope, 'enforcement.targetIds', `must hold 1–${MAX_TARGETS} account IDs or organizational unit IDs (got ${targetIds.length})`);
    }
    const seen = new Set<string>();
    for (const id of targetIds) {
      if (isToken(id)) continue;
      if (!TARGET_ID.test(id)) throw propError(scope, 'enforcement.targetIds', `'${id}' must be an account ID (12 digits) or an organizational unit ID (ou-…)`);
      if (seen.has(id)) throw propError(scope, 'enforcement.targetIds', `'${id}' appears twice`);
      seen.add(id);
    }
    const orgId = this.options.organizationId;
    if (orgId !== undefined && !isToken(orgId) && !ORGANIZATION_ID.test(orgId)) {
      throw propError(scope, 'enforcement.organizationId', `'${orgId}' must match ${ORGANIZATION_ID.source}`);
    }
    const byTags = this.options.profiles === undefined && bind.tags !== undefined;
    const { profiles, threshold, approval } = common(scope, this.options, bind, !byTags);
    const stack = Stack.of(scope);
    if (!byTags) {
      const local = profiles.filter((p) => p instanceof ApplicationInferenceProfile && Stack.of(p).account === stack.account);
      if (local.length > 0) {
        Annotations.of(scope).addWarningV2('cdk-bedrock-cost-governance:scpOnOwnAccount',
          `denyInvocationScp: ${local.map((p) => p.node.path).join(', ')} live in the budget's own account, where service control policies do not apply `
          + '(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html). Define the budget by its cost center to deny by tag in member accounts.');
      }
    }
    const root = new Construct(scope, 'Enforcement');
    const scp = new organizations.CfnPolicy(root, 'DenyPolicy', {
      name: generateName(root, { maxLength: 128 }),
      type: 'SERVICE_CONTROL_POLICY',
      description: 'Denies Amazon Bedrock invocation through the cost center profiles; attached by AWS Budgets when the budget is exceeded',
      content: new iam.PolicyDocument({ statements: [byTags ? denyByTagStatement(bind.tags!) : denyStatement(profiles)] }),
    });
    guardRegion(scp);
    const organization = orgId ?? 'o-*';
    const targetArns = targetIds.map((id) => stack.formatArn({
      service: 'organizations',
      region: '',
      resource: id.startsWith('ou-') ? 'ou' : 'account',
      resourceName: `${organization}/${id}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    }));
    const role = executionRole(root, 'Lets AWS Budgets attach and detach the Bedrock deny SCP on the cost center accounts', new iam.PolicyStatement({
      sid: 'AttachAndDetachTheDenyScpOnly',
      actions: ['organizations:AttachPolicy', 'organizations:DetachPolicy'],
      resources: [scp.attrArn, ...targetArns],
    }));
    if (orgId === undefined) {
      for (const arn of targetArns) {
        acknowledgeNagFinding(role, 'AwsSolutions-IAM5',
          'The organization ID is not known at synth (pass organizationId to remove the wildcard); the ARN names the exact account or organizational unit, '
          + 'and the statement also requires the exact SCP ARN, so only that policy can be attached to only these targets.',
          `Resource::${arn}`);
      }
    }
    return budgetsAction(root, bind, { threshold, approval, role }, 'APPLY_SCP_POLICY', { scpActionDefinition: { policyId: scp.attrId, targetIds } });
  }
}
