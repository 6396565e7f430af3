import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { checkParameters, checkPreferences, checkStackSets, checkTagMapping } from './account-vending-validation';
import {
  ACCOUNT_VENDING_ENV, ACCOUNT_VENDING_SCHEMA_VERSION, AccountVendingSettings, MANAGED_ACCOUNT_EVENTS, RECONCILE_ACTION,
} from '../contracts/account-vending';
import { checkLambdaEnvironment, HandlerFunction } from '../util/handler-function';
import { createKey } from '../util/keys';
import { ManagementAccount } from '../util/management-account';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { ProviderOptions } from '../util/provider-options';
import { checkHomeRegion } from '../util/region-guard';
import { recurringScheduleProblem, scheduleInvocation } from '../util/schedule';
import { propError } from '../util/validation';

/** Whom the hook acts as in the StackSets API (`CallAs`). */
export enum StackSetCallAs {
  /** The organization's management account (the stack sets are its own). */
  SELF = 'SELF',
  /** A delegated administrator of StackSets (the stack sets live in the management account). */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/** How StackSets lowers concurrency as accounts fail (`ConcurrencyMode`). */
export enum StackSetConcurrencyMode {
  /** Concurrency is at most failure tolerance + 1 and drops with failures (StackSets' default). */
  STRICT_FAILURE_TOLERANCE = 'STRICT_FAILURE_TOLERANCE',
  /** Concurrency stays at the maximum, whatever the failures. */
  SOFT_FAILURE_TOLERANCE = 'SOFT_FAILURE_TOLERANCE',
}

/** Whether an operation deploys Region after Region or all at once. */
export enum StackSetRegionConcurrency {
  SEQUENTIAL = 'SEQUENTIAL',
  PARALLEL = 'PARALLEL',
}

/** A (service-managed) stack set whose instances the hook manages for new accounts. */
export interface AccountVendingStackSet {
  /** The stack set's name (alphanumeric and hyphens, starting with a letter, at most 128 characters). */
  readonly stackSetName: string;
  /** The Regions to create each account's instances in. */
  readonly regions: string[];
  /** Whom the hook acts as. @default StackSetCallAs.SELF */
  readonly callAs?: StackSetCallAs;
  /**
   * The Region the stack set lives in (where it was created; the StackSets API is called there).
   * The hook itself runs in the Control Tower home Region, where the lifecycle events arrive.
   * @default - the hook's stack Region
   */
  readonly region?: string;
  /**
   * The stack set's target OUs or organization root: the hook acts on an account only when its OU
   * is one of them or below one of them (CloudFormation deploys to "accounts within these OUs and
   * their child OUs"). `OrganizationRollout.vendingStackSet` fills it in.
   * @default - read from the stack set at run time (DescribeStackSet's OrganizationalUnitIds: the OUs of its deployment targets)
   */
  readonly organizationalUnits?: string[];
}

/**
 * Operation preferences of the hook's CreateStackInstances / UpdateStackInstances calls (they
 * also apply to a reconcile run; StackSets' auto-deployment ignores them). One account at a time
 * needs none of them; they matter when a reconcile run updates many accounts.
 */
export interface AccountVendingOperationPreferences {
  /** Accounts acted on at once, per Region. @default - StackSets' default (1) */
  readonly maxConcurrentCount?: number;
  /** Accounts acted on at once, as a percentage. @default - not set */
  readonly maxConcurrentPercentage?: number;
  /** Accounts that may fail per Region before the operation stops there. @default - StackSets' default (0) */
  readonly failureToleranceCount?: number;
  /** Accounts that may fail per Region, as a percentage. @default - not set */
  readonly failureTolerancePercentage?: number;
  /** STRICT lowers concurrency to failure tolerance + 1; SOFT keeps it. @default StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE */
  readonly concurrencyMode?: StackSetConcurrencyMode;
  /** Region after Region, or all at once. @default - StackSets' default */
  readonly regionConcurrency?: StackSetRegionConcurrency;
}

/** Properties of an {@link AccountVendingHook}. */
export interface AccountVendingHookProps {
  /** The stack sets every vended account gets its own instances and parameter overrides in. */
  readonly stackSets: AccountVendingStackSet[];
  /**
   * Parameter overrides per account: account ID → parameter key → value. Explicit values win over
   * values read from account tags.
   * @default - none
   */
  readonly parameters?: { [accountId: string]: { [parameterKey: string]: string } };
  /**
   * Organizations account tags read as parameter overrides: tag key → parameter key
   * (e.g. `{ 'cost-center': 'CostCenter' }`). Read with Organizations ListTagsForResource in the
   * management account (member accounts cannot read their own account's tags).
   * @default - no tags are read
   */
  readonly parametersFromAccountTags?: { [tagKey: string]: string };
  /**
   * When to reconcile every account under the stack sets' OUs (Control Tower's events are delivered
   * on a best-effort basis). An EventBridge Scheduler `rate(...)` or `cron(...)` expression.
   * @default 'rate(1 day)'
   */
  readonly reconcileSchedule?: string;
  /** The pause between two accounts of a reconcile run. @default Duration.seconds(1) */
  readonly reconcilePace?: Duration;
  /** Operation preferences of the hook's stack instance operations. @default - SOFT failure tolerance, StackSets' defaults otherwise */
  readonly operationPreferences?: AccountVendingOperationPreferences;
  /**
   * The landing zone's home Region, where Control Tower's lifecycle events arrive; when given, the
   * stack's Region must be this one.
   * @default - not checked
   */
  readonly controlTowerHomeRegion?: string;
  /** Network, logging and encryption settings of the function. @default - not in a VPC, logs kept a year */
  readonly providerOptions?: ProviderOptions;
}

/**
 * Gives each account that Control Tower's Account Factory vends its own stack instances and
 * parameter overrides (its cost centers, budgets) in service-managed stack sets, idempotently:
 * what auto-deployment alone cannot do, since it deploys the stack set's values to every account.
 *
 * Deploy it in the management account (or a StackSets delegated administrator, with
 * `callAs: DELEGATED_ADMIN`), in the Control Tower home Region. Two EventBridge rules send
 * `CreateManagedAccount` and `UpdateManagedAccount` events in the SUCCEEDED state to a function
 * that creates the account's missing instances (`DeploymentTargets`: its OU intersected with the
 * account) and updates instances whose overrides differ or whose last operation failed, with an
 * `OperationId` derived from the request and the instances' state, so that a replayed event changes
 * nothing. Accounts outside a stack set's target OUs (and their descendants) are left alone. A daily
 * run reconciles every account under the stack sets' OUs. Events that still fail after retries land in `deadLetterQueue`.
 */
export class AccountVendingHook extends Construct {
  /** The function that vends accounts. */
  public readonly function: lambda.IFunction;
  /** Its role. */
  public readonly role: iam.IRole;
  /** Events and invocations that failed after their retries (kept 14 days). */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The rules on `CreateManagedAccount` and `UpdateManagedAccount`. */
  public readonly rules: events.Rule[];

  constructor(scope: Construct, id: string, props: AccountVendingHookProps) {
    super(scope, id);
    const stack = Stack.of(this);
    checkStackSets(this, props.stackSets);
    const parameters = props.parameters ?? {};
    checkParameters(this, parameters);
    const tagMapping = props.parametersFromAccountTags ?? {};
    checkTagMapping(this, tagMapping);
    const preferences = props.operationPreferences ?? {};
    checkPreferences(this, preferences, StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE);
    const schedule = props.reconcileSchedule ?? 'rate(1 day)';
    const scheduleProblem = recurringScheduleProblem(schedule);
    if (scheduleProblem) throw propError(this, 'reconcileSchedule', scheduleProblem);
    checkHomeRegion(this, 'controlTowerHomeRegion', props.controlTowerHomeRegion, 'Control Tower\'s lifecycle events arrive in the home Region only');
    const management = ManagementAccount.of(this);
    const selfStackSets = props.stackSets.filter(s => (s.callAs ?? StackSetCallAs.SELF) === StackSetCallAs.SELF);
    if (selfStackSets.length > 0 && management !== undefined && !Token.isUnresolved(stack.account) && stack.account !== management) {
      throw propError(this, 'stackSets', `use callAs SELF only in the management account (${management}); this stack deploys to ${stack.account}: `
        + 'a delegated administrator passes DELEGATED_ADMIN');
    }

    const settings: AccountVendingSettings = {
      schemaVersion: ACCOUNT_VENDING_SCHEMA_VERSION,
      stackSets: props.stackSets.map(s => ({
        stackSetName: s.stackSetName,
        regions: [...s.regions],
        callAs: s.callAs ?? StackSetCallAs.SELF,
        region: s.region ?? stack.region,
        ...(s.organizationalUnits !== undefined ? { organizationalUnits: [...s.organizationalUnits] } : {}),
      })),
      parameters,
      parametersFromAccountTags: tagMapping,
      operationPreferences: {
        ConcurrencyMode: preferences.concurrencyMode ?? StackSetConcurrencyMode.SOFT_FAILURE_TOLERANCE,
        ...(preferences.maxConcurrentCount !== undefined ? { MaxConcurrentCount: preferences.maxConcurrentCount } : {}),
        ...(preferences.maxConcurrentPercentage !== undefined ? { MaxConcurrentPercentage: preferences.maxConcurrentPercentage } : {}),
        ...(preferences.failureToleranceCount !== undefined ? { FailureToleranceCount: preferences.failureToleranceCount } : {}),
        ...(preferences.failureTolerancePercentage !== undefined ? { FailureTolerancePercentage: preferences.failureTolerancePercentage } : {}),
        ...(preferences.regionConcurrency !== undefined ? { RegionConcurrencyType: preferences.regionConcurrency } : {}),
      },
      reconcilePaceMs: (props.reconcilePace ?? Duration.seconds(1)).toMilliseconds(),
      managementAccountId: management ?? (selfStackSets.length > 0 ? stack.account : undefined),
    };
    const environment = { [ACCOUNT_VENDING_ENV.settings]: stack.toJsonString(settings) };
    checkLambdaEnvironment(this, 'parameters', environment,
      'move per-account values to Organizations account tags (parametersFromAccountTags), or split the stack sets over several hooks');

    const handler = new HandlerFunction(this, 'Handler', {
      handlerName: 'account-vending-hook',
      description: 'Control Tower account vending hook: per-account stack set instances and parameter overrides',
      timeout: Duration.minutes(15),
      environment,
      options: props.providerOptions ?? {},
    });
    this.function = handler.function;
    this.role = handler.role;
    this.allow(handler.role, props.stackSets, management, Object.keys(tagMapping).length > 0);

    this.deadLetterQueue = this.failedEventsQueue();
    handler.function.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    acknowledgeNagFinding(handler.role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'The on-failure destination (SqsDestination) lets the function encrypt messages for its queue with the hook\'s own key '
      + '(Key.grantEncrypt: kms:Encrypt, kms:ReEncrypt*, kms:GenerateDataKey*, on that key\'s ARN only).',
      'Action::kms:ReEncrypt*');
    acknowledgeNagFinding(handler.role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'Same on-failure destination: Key.grantEncrypt\'s kms:GenerateDataKey* on the hook\'s own key only.',
      'Action::kms:GenerateDataKey*');

    this.rules = Object.entries(MANAGED_ACCOUNT_EVENTS).map(([eventName, statusKey]) => {
      const rule = new events.Rule(this, `${eventName}Rule`, {
        description: `Sends Control Tower ${eventName} events in the SUCCEEDED state to ${this.node.path}`,
        // https://docs.aws.amazon.com/controltower/latest/userguide/lifecycle-events.html (docs/design/organization-rollout.md §4.1)
        eventPattern: {
          source: ['aws.controltower'],
          detailType: ['AWS Service Event via CloudTrail'],
          detail: {
            eventSource: ['controltower.amazonaws.com'],
            eventName: [eventName],
            serviceEventDetails: { [statusKey]: { state: ['SUCCEEDED'] } },
          },
        },
      });
      rule.addTarget(new targets.LambdaFunction(handler.function, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }));
      return rule;
    });

    scheduleInvocation(this, 'ReconcileSchedule', {
      function: handler.function,
      expression: schedule,
      input: { action: RECONCILE_ACTION },
      description: `Reconciles the stack instances of every account under the stack sets' OUs (${this.node.path})`,
      roleDescription: 'Lets EventBridge Scheduler run the account vending hook\'s reconcile',
    });
  }

  /** An encrypted queue for events EventBridge could not deliver and invocations that failed after Lambda's retries. */
  private failedEventsQueue(): sqs.Queue {
    const key = createKey(this, 'QueueKey', `Encrypts the failed events of ${this.node.path}`);
    // EventBridge writes undeliverable events to the dead-letter queue; with a customer managed key it needs these
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html)
    key.grant(new iam.ServicePrincipal('events.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey');
    const queue = new sqs.Queue(this, 'FailedEvents', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key as kms.IKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNagFinding(queue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the hook\'s rules and its function\'s asynchronous invocations.');
    return queue;
  }

  /**
   * Least privilege, per the Service Authorization Reference: the StackSets actions need only the
   * `stackset` resource (`arn:<p>:cloudformation:<Region>:<account>:stackset/<name>:<id>`;
   * `stackset-target` and `type` are optional for Create/UpdateStackInstances), in the stack set's
   * Region. The stack set ID is generated, hence `:*`. Organizations ARNs carry the organization ID,
   * unknown at synth, and the MANAGEMENT account's ID (`arn:<p>:organizations::<management>:ou/o-…/ou-…`):
   * when that account is not known (no `ManagementAccount`, and this stack is a delegated
   * administrator's) the account is `*`.
   */
  private allow(role: iam.Role, stackSets: readonly AccountVendingStackSet[], management: string | undefined, readTags: boolean): void {
    const stack = Stack.of(this);
    const policy = role.node.findChild('DefaultPolicy');
    const delegated = stackSets.some(s => (s.callAs ?? StackSetCallAs.SELF) === StackSetCallAs.DELEGATED_ADMIN);
    // SELF is refused outside the management account (constructor): with a SELF stack set, this stack is the management account
    const anySelf = stackSets.some(s => (s.callAs ?? StackSetCallAs.SELF) === StackSetCallAs.SELF);
    const managementAccount = management ?? (anySelf ? stack.account : undefined);
    const stackSetArns = stackSets.map(s => {
      // a delegated administrator's stack sets "are created in the management account" ([model] CreateStackSetInput.CallAs)
      const owner = (s.callAs ?? StackSetCallAs.SELF) === StackSetCallAs.DELEGATED_ADMIN ? managementAccount ?? '*' : stack.account;
      return `arn:${stack.partition}:cloudformation:${s.region ?? stack.region}:${owner}:stackset/${s.stackSetName}:*`;
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageStackInstancesOfNamedStackSets',
      actions: [
        'cloudformation:CreateStackInstances',
        'cloudformation:UpdateStackInstances',
        'cloudformation:DescribeStackInstance',
        'cloudformation:ListStackInstances',
        'cloudformation:DescribeStackSet',
      ],
      resources: stackSetArns,
    }));
    for (const arn of new Set(stackSetArns)) {
      acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
        'A stack set ARN ends in an ID CloudFormation generates (stackset/<name>:<id>); the name is fixed, the ID is not known at synth'
        + (arn.includes(':*:stackset/') ? '; a delegated administrator\'s stack set is the management account\'s, which is not known here (ManagementAccount not set).' : '.'),
        `Resource::${arn}`);
    }
    if (delegated) {
      // "Make sure your delegated administrators have organizations:ListDelegatedAdministrators permissions"
      // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html); the action has no resource type
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'ListDelegatedAdministratorsForStackSets',
        actions: ['organizations:ListDelegatedAdministrators'],
        resources: ['*'],
      }));
      acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
        'organizations:ListDelegatedAdministrators has no resource type (Service Authorization Reference); CloudFormation requires it of a StackSets '
        + 'delegated administrator (stacksets-orgs-delegated-admin.html).',
        'Resource::*');
    }
    const orgAccount = managementAccount ?? '*';
    const orgArn = (resource: string) => `arn:${stack.partition}:organizations::${orgAccount}:${resource}`;
    const ous = orgArn('ou/o-*/ou-*');
    const roots = orgArn('root/o-*/r-*');
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ListAccountsAndOrganizationalUnitsOfParents',
      actions: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
      resources: [ous, roots],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      // ListParents of an OU (the handler walks up from the event's OU; it never asks for an account's parent)
      sid: 'ListParentsOfOrganizationalUnits',
      actions: ['organizations:ListParents'],
      resources: [ous],
    }));
    const accounts = orgArn('account/o-*/*');
    if (readTags) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'ReadAccountTags',
        actions: ['organizations:ListTagsForResource'],
        resources: [accounts],
      }));
    }
    for (const arn of [ous, roots, ...(readTags ? [accounts] : [])]) {
      acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
        'Organizations ARNs carry the organization ID (o-…), which the construct is not given, and the OUs and accounts are vended after deployment; '
        + (orgAccount === '*'
          ? 'they carry the management account\'s ID too, which is not known here (a delegated administrator\'s stack without ManagementAccount): any account.'
          : 'the ARNs are confined to this management account\'s organization.'),
        `Resource::${arn}`);
    }
  }
}
