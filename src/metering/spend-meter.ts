import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logsDestinations from 'aws-cdk-lib/aws-logs-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ModelInvocationLogging } from './model-invocation-logging';
import { SpendCap, SpendCapScope } from './spend-cap';
import { CostAlertTopic } from '../alerts/cost-alert-topic';
import { BudgetMetric } from '../budgets/budget-metric';
import { BudgetScope } from '../budgets/budget-scope';
import { denyByTagStatement } from '../budgets/deny-statements';
import {
  BYPASS_COST_CENTER, capKey, INVOCATION_LOG_SCHEMA_TYPE, LEDGER_ATTRIBUTES, LEDGER_KEY_SCHEMA, METER_DEFAULTS,
  METER_ENV, METER_METRICS, METER_SCHEMA_VERSION, MeterControlEvent, MeterCostCenterDeny, MeterPrice, MeterSettings,
} from '../contracts/spend-meter';
import { ModelPricing } from '../models/model-pricing';
import { CostAllocationTagSchema } from '../tags/cost-allocation-tag-schema';
import { tagKeyProblems } from '../tags/tag-rules';
import { recordGovernanceFact } from '../util/governance-metadata';
import { checkLambdaEnvironment, HandlerFunction } from '../util/handler-function';
import { createKey } from '../util/keys';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { ProviderOptions } from '../util/provider-options';
import { scheduleInvocation } from '../util/schedule';
import { isToken, propError } from '../util/validation';

/** Properties of a {@link SpendMeter}. Give exactly one of `logging` and `logGroup`, and exactly one of `tagKey` and `tagSchema`. */
export interface SpendMeterProps {
  /**
   * The model invocation logging whose log group the meter reads.
   * @default - `logGroup`
   */
  readonly logging?: ModelInvocationLogging;

  /**
   * The log group Bedrock writes the invocation records to, when the logging is configured
   * elsewhere. It must be in the stack's account (a subscription's Lambda function must be in
   * the log group's account). A log group takes at most two subscription filters: an imported
   * group's existing filters cannot be counted at synth, so a third fails at deployment.
   * @default - `logging.logGroup`
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * The cost allocation tag key whose values are the cost centers (e.g. `dept`).
   * @default - the first required key of `tagSchema`
   */
  readonly tagKey?: string;

  /**
   * The tag schema of the cost centers: the meter uses its first required key.
   * @default - `tagKey`
   */
  readonly tagSchema?: CostAllocationTagSchema;

  /**
   * The prices the meter uses (the library's one price table).
   * @default ModelPricing.builtIn()
   */
  readonly pricing?: ModelPricing;

  /**
   * The caps, written into the table once (an operator raises one in the table, without a
   * deployment). At most one per cost center and one per principal.
   * @default - none
   */
  readonly caps?: SpendCap[];

  /**
   * The topic of cap crossings, lifts and alarms.
   * @default - the stack's shared cost alert topic (CostAlertTopic.of)
   */
  readonly topic?: sns.ITopic;

  /**
   * A name for the meter: the `Meter` dimension of its metrics (1–255 characters).
   * @default - the construct's path
   */
  readonly meterName?: string;

  /**
   * The CloudWatch namespace of the meter's metrics.
   * @default 'CdkBedrockCostGovernance/SpendMeter'
   */
  readonly metricNamespace?: string;

  /**
   * A principal's own cost metric is published only once its month's total reaches this (USD):
   * session names are unbounded, and each metric costs.
   * @default 10
   */
  readonly principalMetricThresholdUsd?: number;

  /**
   * The billing scope the daily reconciliation compares with (as for budgets and the chargeback
   * report).
   * @default BudgetScope.bedrock()
   */
  readonly billingScope?: BudgetScope;

  /**
   * The Cost Explorer metric of the reconciliation. The meter prices at list prices, so the
   * default compares with list-price cost (discounts would show as drift).
   * @default BudgetMetric.UNBLENDED_COST
   */
  readonly reconciliationMetric?: BudgetMetric;

  /**
   * Alarm when the metered estimate of a day differs from the billed cost by more than this (USD, either way).
   * @default 10
   */
  readonly driftAlarmThresholdUsd?: number;

  /**
   * Reserve this many concurrent executions for the meter. Reserving keeps other functions from
   * starving the meter (and so delaying enforcement) and bounds its load on the table, but takes
   * the concurrency from the account's unreserved pool (which must keep 100). CloudWatch Logs
   * invokes the function asynchronously, so throttled events are retried by Lambda (for up to
   * 6 hours), not lost.
   * @default - no reservation
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * What happens to the table when it leaves the stack. It holds the caps operators edit.
   * With RETAIN (the default) deletion protection is also on.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Network, logging and encryption of the function.
   * @default - defaults of ProviderOptions
   */
  readonly providerOptions?: ProviderOptions;
}

/**
 * PutSubscriptionFilter: "Each log group can have up to two subscription filters associated with
 * it", and a Lambda destination is "a Lambda function that belongs to the same account as the
 * subscription filter, for same-account delivery" (cross-account delivery only through logical
 * destinations, which support Kinesis Data Streams and Firehose).
 */
const PUT_SUBSCRIPTION_FILTER = 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html';
const MAX_SUBSCRIPTION_FILTERS_NOTE = `a log group takes at most two subscription filters (${PUT_SUBSCRIPTION_FILTER})`;
const NAMESPACE_PATTERN = /^[^:][^:]{0,254}$/;

/**
 * Meters Amazon Bedrock spend in near real time from the model invocation logs: a subscription
 * filter on the log group sends each invocation record to a function that prices it with the
 * library's price table, keeps running totals per cost center and principal in a DynamoDB table
 * (per account and Region, per UTC month and day), publishes the costs as metrics, and enforces
 * the caps: on crossing a cost center's cap it attaches the cost center's deny policy to the
 * cap's roles; on crossing a principal's cap it puts an inline deny for that one session on its
 * role. An hourly run lifts the denies whose period rolled over or whose cap was raised; a daily
 * run reconciles the estimate with Cost Explorer. Alarms on drift, bypass spend and malformed
 * records notify the cost alert topic.
 *
 * @example
 * const logging = new ModelInvocationLogging(this, 'Logging');
 * new SpendMeter(this, 'Meter', {
 *   logging,
 *   tagKey: 'dept',
 *   caps: [SpendCap.costCenter('claims', { monthlyUsd: 5000 })],
 * });
 */
export class SpendMeter extends Construct {
  /** The meter function (Node.js 24, ARM64). */
  public readonly function: lambda.IFunction;
  /** The function's role. */
  public readonly role: iam.IRole;
  /** The ledger table (running totals, request markers, caps). */
  public readonly table: dynamodb.ITable;
  /** The key that encrypts the table and the failed-event queue. */
  public readonly encryptionKey: kms.IKey;
  /** Where Lambda puts events that failed every attempt. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The log group the meter reads. */
  public readonly logGroup: logs.ILogGroup;
  /** The cost allocation tag key of the cost centers. */
  public readonly tagKey: string;
  /** The `Meter` dimension of the metrics. */
  public readonly meterName: string;
  /** The namespace of the metrics. */
  public readonly metricNamespace: string;
  /** The topic of cap crossings and alarms. */
  public readonly topic: sns.ITopic;
  /** The managed deny policy of each capped cost center with roles, by cost center. */
  public readonly denyPolicies: { [costCenter: string]: iam.IManagedPolicy };

  constructor(scope: Construct, id: string, props: SpendMeterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.logGroup = this.sourceLogGroup(props);
    this.tagKey = this.costCenterKey(props);
    this.meterName = props.meterName ?? this.node.path.slice(0, 255);
    this.metricNamespace = props.metricNamespace ?? METER_DEFAULTS.metricNamespace;
    if (!isToken(this.metricNamespace) && (!NAMESPACE_PATTERN.test(this.metricNamespace) || this.metricNamespace.startsWith('AWS/'))) {
      throw propError(this, 'metricNamespace', `'${this.metricNamespace}' must be 1–255 characters, without ':' and not beginning with 'AWS/'`);
    }
    const threshold = props.principalMetricThresholdUsd ?? METER_DEFAULTS.principalMetricThresholdUsd;
    if (!isToken(threshold) && !(Number.isFinite(threshold) && threshold >= 0)) {
      throw propError(this, 'principalMetricThresholdUsd', `${threshold} must be a finite number ≥ 0`);
    }
    const driftThreshold = props.driftAlarmThresholdUsd ?? 10;
    if (!isToken(driftThreshold) && !(Number.isFinite(driftThreshold) && driftThreshold > 0)) {
      throw propError(this, 'driftAlarmThresholdUsd', `${driftThreshold} must be a positive finite number`);
    }
    const caps = this.checkCaps(props.caps ?? []);
    const billingScope = props.billingScope ?? BudgetScope.bedrock();
    billingScope.validate(this, 'billingScope');
    this.topic = props.topic ?? CostAlertTopic.of(this).topic;

    this.encryptionKey = createKey(this, 'Key', `Encrypts the Bedrock spend meter ledger and failed events of ${this.node.path}`);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const table = new dynamodb.Table(this, 'Ledger', {
      partitionKey: { name: LEDGER_KEY_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: LEDGER_KEY_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      timeToLiveAttribute: LEDGER_ATTRIBUTES.expiresAt,
      removalPolicy,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    });
    this.table = table;

    this.denyPolicies = {};
    const enforcement: { [costCenter: string]: MeterCostCenterDeny } = {};
    for (const cap of caps.filter((c) => c.cap.scope === SpendCapScope.COST_CENTER && c.cap.roles.length > 0)) {
      const policy = new iam.ManagedPolicy(this, `DenyPolicy${cap.index}`, {
        // a fixed description: a change would replace the policy, which fails while it is attached
        description: 'Denies Amazon Bedrock invocation through the profiles of one cost center; attached by the spend meter when its cap is crossed',
        statements: [denyByTagStatement(cap.tags!)],
      });
      this.denyPolicies[cap.key] = policy;
      enforcement[cap.key] = { denyPolicyArn: policy.managedPolicyArn, roleNames: cap.cap.roles.map((r) => r.roleName) };
    }

    const pricing = props.pricing ?? ModelPricing.builtIn();
    const settings: MeterSettings = {
      version: METER_SCHEMA_VERSION,
      meterName: this.meterName,
      tableName: table.tableName,
      tagKey: this.tagKey,
      prices: meterPrices(pricing),
      ...(pricing.fallback ? { fallbackPrice: pricing.fallback } : {}),
      metricNamespace: this.metricNamespace,
      principalMetricThresholdUsd: threshold,
      requestTtlSeconds: METER_DEFAULTS.requestTtlSeconds,
      enforcement: {
        topicArn: this.topic.topicArn,
        ...(Object.keys(enforcement).length > 0 ? { costCenters: enforcement } : {}),
        policyNamePrefix: METER_DEFAULTS.policyNamePrefix,
      },
      reconciliation: {
        metric: props.reconciliationMetric ?? BudgetMetric.UNBLENDED_COST,
        ...(billingScope._scopeFilter() ? { filter: billingScope._scopeFilter() } : {}),
      },
    };
    checkLambdaEnvironment(this, 'pricing', { [METER_ENV.settings]: JSON.stringify(settings) },
      'a smaller price table (ModelPricing.custom with base ModelPricing.empty() and the prices of the models you use), or fewer capped cost centers');

    const handler = new HandlerFunction(this, 'Handler', {
      handlerName: 'spend-meter',
      description: 'the Bedrock spend meter (prices invocation records, keeps totals, enforces caps)',
      // a batch of records is one or a few DynamoDB transactions; lift and reconcile page through the caps
      timeout: Duration.minutes(2),
      memorySize: 512,
      environment: { [METER_ENV.settings]: stack.toJsonString(settings) },
      options: props.providerOptions ?? {},
    });
    const fn = handler.function;
    if (props.reservedConcurrentExecutions !== undefined) {
      (fn.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = props.reservedConcurrentExecutions;
    }
    this.function = fn;
    this.role = handler.role;

    // CloudWatch Logs invokes subscription functions asynchronously: failed events after two
    // retries or 6 hours go to an encrypted queue (kept 14 days) rather than being dropped.
    const dlq = new sqs.Queue(this, 'FailedEvents', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNagFinding(dlq, 'AwsSolutions-SQS3', 'This queue is the on-failure destination of the meter function\'s asynchronous invocations: a dead-letter queue itself.');
    this.deadLetterQueue = dlq;
    fn.configureAsyncInvoke({ onFailure: new destinations.SqsDestination(dlq), maxEventAge: Duration.hours(6), retryAttempts: 2 });

    const subscription = new logs.SubscriptionFilter(this, 'Subscription', {
      logGroup: this.logGroup,
      destination: new logsDestinations.LambdaDestination(fn),
      filterPattern: logs.FilterPattern.stringValue('$.schemaType', '=', INVOCATION_LOG_SCHEMA_TYPE),
    });
    recordGovernanceFact(subscription, { kind: 'spend-meter', caps: caps.length, logGroupPath: this.logGroup.node.path, viaLogging: props.logging !== undefined });

    this.allow(handler.role, table, caps);
    acknowledgeNagFinding(handler.role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'The on-failure destination (SqsDestination) lets the function encrypt messages for its encrypted queue with the meter\'s own key '
      + '(Key.grantEncrypt: kms:Encrypt, kms:ReEncrypt*, kms:GenerateDataKey*, on that key\'s ARN only).',
      'Action::kms:ReEncrypt*');
    this.writeCaps(table, caps);

    const invoke = (schedId: string, expression: string, event: MeterControlEvent, what: string) => scheduleInvocation(this, schedId, {
      function: fn,
      expression,
      input: event,
      description: `Runs the ${what} of ${this.node.path}`,
      roleDescription: `Lets EventBridge Scheduler run the spend meter's ${what}`,
      flexibleWindowMinutes: 5,
    });
    invoke('LiftSchedule', 'rate(1 hour)', { action: 'lift' }, 'hourly lift of denies');
    invoke('ReconcileSchedule', 'cron(0 6 * * ? *)', { action: 'reconcile' }, 'daily reconciliation');
    if (caps.length > 0) this.liftAllOnDelete(fn);

    this.alarms(driftThreshold);
  }

  /**
   * The metered cost of a cost center (`MeteredCost`, USD, Sum per minute by default).
   * @param costCenter the value of the tag key, or '(bypass)'
   */
  public metricMeteredCost(costCenter: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METER_METRICS.costCenterCost, { CostCenter: costCenter }, props);
  }

  /** The cost that bypassed the application inference profiles, all principals together (`MeteredCost` of `(bypass)`). */
  public metricBypassCost(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metricMeteredCost(BYPASS_COST_CENTER, props);
  }

  /**
   * The cost of one principal over the threshold (`PrincipalCost`).
   * @param principal the session ARN (assumed roles) or identity ARN
   */
  public metricPrincipalCost(principal: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METER_METRICS.principalCost, { Principal: principal }, props);
  }

  /** Invocation records metered (`MeterRecords`). */
  public metricRecords(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METER_METRICS.records, {}, props);
  }

  /** Records the meter could not read (`MalformedRecords`). */
  public metricMalformedRecords(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METER_METRICS.malformed, {}, props);
  }

  /** Records of models without a price (`UnpricedRecords`): counted at cost 0. */
  public metricUnpricedRecords(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METER_METRICS.unpriced, {}, props);
  }

  /** Metered minus billed USD of the previous day, all cost centers (`ReconciliationDrift`, Maximum per day). */
  public metricReconciliationDrift(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(METER_METRICS.costDrift, {}, { statistic: 'Maximum', period: Duration.days(1), ...props });
  }

  private metric(metricName: string, dimensions: { [key: string]: string }, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName,
      statistic: 'Sum',
      period: Duration.minutes(1),
      ...props,
      dimensionsMap: { Meter: this.meterName, ...dimensions, ...props.dimensionsMap },
    });
  }

  private alarms(driftThreshold: number): void {
    const action = new cwActions.SnsAction(this.topic);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      return a;
    };
    alarm('BypassAlarm', `Bedrock spend bypassed the application inference profiles (${this.node.path})`,
      this.metricBypassCost({ period: Duration.minutes(5) }), 0);
    alarm('MalformedAlarm', `The spend meter could not read invocation records (${this.node.path})`,
      this.metricMalformedRecords({ period: Duration.minutes(5) }), 0);
    alarm('DriftAlarm', `The spend meter's estimate differs from billed cost by more than ${driftThreshold} USD a day: check the prices (${this.node.path})`,
      new cloudwatch.MathExpression({
        expression: 'ABS(drift)',
        usingMetrics: { drift: this.metricReconciliationDrift() },
        period: Duration.days(1),
        label: 'Reconciliation drift (USD, absolute)',
      }), driftThreshold);
  }

  private sourceLogGroup(props: SpendMeterProps): logs.ILogGroup {
    if ((props.logging === undefined) === (props.logGroup === undefined)) {
      throw propError(this, 'logging', 'or logGroup: give exactly one (the log group Bedrock writes the invocation records to)');
    }
    const group = props.logGroup ?? props.logging!.logGroup;
    const account = Stack.of(this).account;
    const groupAccount = group.env.account;
    if (!Token.isUnresolved(account) && !Token.isUnresolved(groupAccount) && groupAccount !== account) {
      throw propError(this, props.logGroup ? 'logGroup' : 'logging', `is in account ${groupAccount}, but the meter's stack deploys to ${account}: `
        + 'a subscription filter\'s Lambda function must be in the log group\'s account '
        + `(${PUT_SUBSCRIPTION_FILTER}); put the meter in that account`);
    }
    if (props.logGroup && !(props.logGroup instanceof logs.LogGroup)) {
      Annotations.of(this).addInfoV2('cdk-bedrock-cost-governance:importedLogGroupFilters',
        `The meter adds a subscription filter to an imported log group: ${MAX_SUBSCRIPTION_FILTERS_NOTE}; its existing filters cannot be counted at synth.`);
    }
    return group;
  }

  private costCenterKey(props: SpendMeterProps): string {
    if ((props.tagKey === undefined) === (props.tagSchema === undefined)) {
      throw propError(this, 'tagKey', 'or tagSchema: give exactly one (the meter attributes spend by one cost allocation tag key)');
    }
    if (props.tagKey !== undefined) {
      const problems = tagKeyProblems(props.tagKey);
      if (problems.length > 0) throw propError(this, 'tagKey', problems.join('; '));
      return props.tagKey;
    }
    const required = props.tagSchema!.requiredKeys;
    if (required.length === 0) throw propError(this, 'tagSchema', 'has no required key: the meter uses the first required key (the cost center); give tagKey instead');
    return required[0];
  }

  private checkCaps(caps: SpendCap[]): CheckedCap[] {
    const account = Stack.of(this).account;
    const seen = new Map<string, number>();
    return caps.map((cap, index) => {
      let key = cap.name;
      let tags: { [key: string]: string } | undefined;
      if (cap.scope === SpendCapScope.COST_CENTER) {
        const cc = cap.costCenterDefinition;
        if (cc) {
          const value = cc.tags[this.tagKey];
          if (value === undefined) throw propError(this, `caps[${index}]`, `cost center '${cc.name}' has no '${this.tagKey}' tag (the meter's tag key)`);
          key = value;
          tags = { ...cc.tags };
        } else {
          tags = { [this.tagKey]: cap.name };
        }
        cap.roles.forEach((role, i) => {
          const roleAccount = role.env.account;
          if (!Token.isUnresolved(account) && !Token.isUnresolved(roleAccount) && roleAccount !== account) {
            throw propError(this, `caps[${index}].roles[${i}]`, `(${role.node.path}) is in account ${roleAccount}; the meter can only attach its deny policy to roles of ${account}`);
          }
          if (!Token.isUnresolved(role.roleName) && role.roleName.startsWith('AWSReservedSSO_')) {
            throw propError(this, `caps[${index}].roles[${i}]`, `${role.roleName} is an IAM Identity Center role, which only Identity Center may change: deny it with a service control policy from the management account`);
          }
        });
      } else {
        const role = cap._principalRole()!;
        if (!Token.isUnresolved(account) && role.account !== account) {
          throw propError(this, `caps[${index}]`, `principal ${cap.name} is in account ${role.account}; the meter only sees and denies principals of ${account}`);
        }
        if (role.roleName.startsWith('AWSReservedSSO_')) {
          throw propError(this, `caps[${index}]`, `${role.roleName} is an IAM Identity Center role, which only Identity Center may change: deny it with a service control policy from the management account`);
        }
      }
      const id = `${cap.scope}#${key}`;
      const first = seen.get(id);
      if (first !== undefined) throw propError(this, `caps[${index}]`, `repeats the cap of caps[${first}] (${cap.scope === SpendCapScope.COST_CENTER ? 'cost center' : 'principal'} ${key})`);
      seen.set(id, index);
      return { cap, index, key, tags };
    });
  }

  /**
   * The table and its key; the profile index; the enforcement (attach/detach only the deny
   * policies on only the cap roles; inline policies only on the principal caps' roles);
   * Cost Explorer for the reconciliation; the topic.
   */
  private allow(role: iam.Role, table: dynamodb.Table, caps: CheckedCap[]): void {
    const stack = Stack.of(this);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'Ledger',
      actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
      resources: [table.tableArn],
    }));
    this.encryptionKey.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'FindProfilesByTags',
      actions: ['tag:GetResources', 'bedrock:ListInferenceProfiles'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadCostAndUsage', actions: ['ce:GetCostAndUsage'], resources: ['*'] }));
    for (const cap of caps.filter((c) => this.denyPolicies[c.key] && c.cap.scope === SpendCapScope.COST_CENTER)) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: `AttachDenyPolicy${cap.index}`,
        actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
        resources: cap.cap.roles.map((r) => r.roleArn),
        conditions: { ArnEquals: { 'iam:PolicyARN': this.denyPolicies[cap.key].managedPolicyArn } },
      }));
    }
    const principalRoles = [...new Set(caps.map((c) => c.cap._principalRole()).filter((r) => r !== undefined).map((r) => r!.roleName))];
    const roleArns = principalRoles.flatMap((name) => [
      stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
      stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `*/${name}`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
    ]);
    const policy = role.node.findChild('DefaultPolicy');
    if (roleArns.length > 0) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'DenyCappedSessions',
        actions: ['iam:GetRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
        resources: roleArns,
      }));
      for (const arn of roleArns.filter((_, i) => i % 2 === 1)) {
        acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
          'A session ARN does not carry its role\'s path, so the role is matched with any path (role/*/<name>) beside no path (role/<name>). '
          + `The function puts and deletes only inline policies named ${METER_DEFAULTS.policyNamePrefix}-… (IAM has no condition key on an inline policy's name).`,
          `Resource::${arn}`);
      }
    }
    this.topic.grantPublish(role);
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      'tag:GetResources (Resource Groups Tagging API), bedrock:ListInferenceProfiles and ce:GetCostAndUsage do not support resource-level permissions '
      + '(Service Authorization Reference): the first two list the profiles and their tags for attribution, the last reads cost for the daily reconciliation.',
      'Resource::*');
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      'sns Topic.grantPublish lets the function use the topic\'s own KMS key (kms:GenerateDataKey*, on that key\'s ARN only), which publishing to an encrypted topic needs.',
      'Action::kms:GenerateDataKey*');
  }

  /**
   * Writes each cap into the table once: a conditional PutItem (attribute_not_exists), so an
   * operator's later change in the table is never overwritten by a deployment.
   */
  private writeCaps(table: dynamodb.Table, caps: CheckedCap[]): void {
    if (caps.length === 0) return;
    const writes: cr.AwsCustomResource[] = [];
    for (const { cap, index, key } of caps) {
      const itemKey = capKey(cap.scope === SpendCapScope.COST_CENTER ? 'CC' : 'PRINCIPAL', key);
      const item: { [name: string]: object } = {
        [LEDGER_KEY_SCHEMA.partitionKey]: { S: itemKey.pk },
        [LEDGER_KEY_SCHEMA.sortKey]: { S: itemKey.sk },
        ...(cap.monthlyUsd !== undefined ? { [LEDGER_ATTRIBUTES.monthlyUsd]: { N: String(cap.monthlyUsd) } } : {}),
        ...(cap.dailyUsd !== undefined ? { [LEDGER_ATTRIBUTES.dailyUsd]: { N: String(cap.dailyUsd) } } : {}),
      };
      const call: cr.AwsSdkCall = {
        service: 'DynamoDB',
        action: 'putItem',
        parameters: { TableName: table.tableName, Item: item, ConditionExpression: `attribute_not_exists(${LEDGER_KEY_SCHEMA.partitionKey})` },
        physicalResourceId: cr.PhysicalResourceId.of(`${itemKey.pk}|${itemKey.sk}`.slice(0, 1024)),
        ignoreErrorCodesMatching: 'ConditionalCheckFailedException',
      };
      writes.push(new cr.AwsCustomResource(this, `Cap${index}`, {
        onCreate: call,
        onUpdate: call,
        installLatestAwsSdk: false,
        policy: cr.AwsCustomResourcePolicy.fromStatements([
          new iam.PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [table.tableArn] }),
          new iam.PolicyStatement({ actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], resources: [this.encryptionKey.keyArn] }),
        ]),
      }));
    }
    this.acknowledgeCustomResourceFunction();
  }

  /**
   * On stack deletion, invokes the function with `{ action: 'liftAll' }` (and waits) before the
   * deny policies are deleted: a managed policy cannot be deleted while attached.
   */
  private liftAllOnDelete(fn: lambda.Function): void {
    const event: MeterControlEvent = { action: 'liftAll' };
    const lift = new cr.AwsCustomResource(this, 'LiftAllOnDelete', {
      onDelete: {
        service: 'Lambda',
        action: 'invoke',
        parameters: { FunctionName: fn.functionArn, InvocationType: 'RequestResponse', Payload: JSON.stringify(event) },
      },
      onCreate: {
        service: 'Lambda',
        action: 'getFunctionConfiguration',
        parameters: { FunctionName: fn.functionArn },
        physicalResourceId: cr.PhysicalResourceId.of('liftAllOnDelete'),
        outputPaths: ['FunctionName'],
      },
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'], resources: [fn.functionArn] }),
      ]),
    });
    // created after (so deleted before) the function, its role's policy and the deny policies
    lift.node.addDependency(fn, this.role);
    for (const policy of Object.values(this.denyPolicies)) lift.node.addDependency(policy);
    this.acknowledgeCustomResourceFunction();
  }

  private acknowledgeCustomResourceFunction(): void {
    const singleton = Stack.of(this).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (!singleton) return;
    acknowledgeNagFinding(singleton, 'AwsSolutions-IAM4',
      'The AwsCustomResource provider function of aws-cdk-lib writes its logs with AWSLambdaBasicExecutionRole; its own calls are limited to the statements given.',
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
    acknowledgeNagFinding(singleton, 'AwsSolutions-L1',
      'The AwsCustomResource provider function\'s runtime is chosen by aws-cdk-lib.');
  }
}

/** A cap as the meter keeps it: its index in `caps`, its key in the table, the tags its deny policy matches. */
interface CheckedCap {
  readonly cap: SpendCap;
  readonly index: number;
  /** the cost center's tag value, or the principal's ARN */
  readonly key: string;
  readonly tags?: { [key: string]: string };
}

/** The price table as the function reads it (contract MeterPrice). */
function meterPrices(pricing: ModelPricing): MeterPrice[] {
  return pricing.prices.map((p) => {
    const out: { -readonly [K in keyof MeterPrice]: MeterPrice[K] } = {
      modelId: p.modelId,
      inputPer1kTokens: p.inputPer1kTokens,
      outputPer1kTokens: p.outputPer1kTokens,
    };
    if (p.cacheReadPer1kTokens !== undefined) out.cacheReadPer1kTokens = p.cacheReadPer1kTokens;
    if (p.cacheWritePer1kTokens !== undefined) out.cacheWritePer1kTokens = p.cacheWritePer1kTokens;
    if (p.geo) out.geo = p.geo.prefix;
    if (p.tier && !p.tier.isStandard) out.tier = p.tier.name;
    return out;
  });
}
