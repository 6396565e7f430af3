import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ChargebackPeriod } from './chargeback-period';
import { CostAlertTopic } from '../alerts/cost-alert-topic';
import { BudgetMetric } from '../budgets/budget-metric';
import { BudgetScope } from '../budgets/budget-scope';
import {
  REPORT_ENV, REPORT_METRICS, REPORT_SCHEMA_VERSION, ReportEvent, ReportSettings,
} from '../contracts/chargeback-report';
import { CostAllocationTagSchema } from '../tags/cost-allocation-tag-schema';
import { tagKeyProblems } from '../tags/tag-rules';
import { checkLambdaEnvironment, HandlerFunction } from '../util/handler-function';
import { ManagementAccount } from '../util/management-account';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { ProviderOptions } from '../util/provider-options';
import { recurringScheduleProblem, scheduleInvocation } from '../util/schedule';
import { createSecureBucket } from '../util/secure-bucket';
import { isToken, propError, requireString } from '../util/validation';

/** Properties of a {@link ChargebackReport}. Give exactly one of `tagKey` and `tagSchema`. */
export interface ChargebackReportProps {
  /**
   * The cost allocation tag key whose values are the cost centers (e.g. `dept`).
   * @default - the first required key of `tagSchema`
   */
  readonly tagKey?: string;

  /**
   * The tag schema of the cost centers: the report groups by its first required key, lists every
   * value the key allows (at zero when it has no spend) and flags values outside them.
   * @default - `tagKey`
   */
  readonly tagSchema?: CostAllocationTagSchema;

  /**
   * Which charges count, as for budgets (the one Bedrock billing scope of the library). With
   * `BudgetScope.tagsOnly()` the report covers every charge of the account or organization, and
   * everything untagged is unattributed.
   * @default BudgetScope.bedrock()
   */
  readonly billingScope?: BudgetScope;

  /**
   * The Cost Explorer cost metric. The default is what the company pays after discounts (EDP,
   * private pricing) — the amount to charge a department; Bedrock on-demand and provisioned
   * throughput have no upfront fees to amortize, so the amortized metrics add nothing for it,
   * and without discounts it equals UnblendedCost. Choose `UNBLENDED_COST` to match budgets that
   * use the default metric.
   * @default BudgetMetric.NET_UNBLENDED_COST
   */
  readonly metric?: BudgetMetric;

  /**
   * When the previous month's report runs (an EventBridge Scheduler expression, UTC). The
   * default runs daily from the 2nd to the 15th: the first run writes the report and publishes
   * the summary (marked estimated while Cost Explorer has not finalized the month); later runs
   * rewrite it until Cost Explorer marks the month final, publish the summary once more then, and
   * after that only read one S3 object.
   * @default 'cron(0 8 2-15 * ? *)'
   */
  readonly schedule?: string;

  /**
   * Also report the month to date on this schedule (e.g. `'cron(0 9 * * ? *)'`, daily), into the
   * same month's objects, with metrics but no summary.
   * @default - no month-to-date report
   */
  readonly monthToDateSchedule?: string;

  /**
   * Break each cost center down by linked account (GroupBy LINKED_ACCOUNT as the second group).
   * Organization-wide data needs the management (payer) account: in a member account Cost
   * Explorer shows that account's spend only.
   * @default false
   */
  readonly byLinkedAccount?: boolean;

  /**
   * Add the attribution by IAM principal: spend per `iamPrincipal/<tagKey>` (the calling
   * principal's tag, as IAM principal cost allocation writes it on line items) and the share
   * attributed by profile tags, principal tags, both or neither. One more query per report. The
   * `iamPrincipal/<tagKey>` cost allocation tag must be active.
   * @default false
   */
  readonly includeIamPrincipalTags?: boolean;

  /**
   * The bucket of the reports; the function may read and write `<prefix>reports/*` only.
   * @default - a new bucket: SSE-KMS, Block Public Access, SSL only, versioned, lifecycle, retained
   */
  readonly bucket?: s3.IBucket;

  /**
   * The key prefix of the reports in the bucket: '' or ending in '/'.
   * @default ''
   */
  readonly prefix?: string;

  /**
   * Where S3 writes the server access logs of the new bucket (only when `bucket` is not given).
   * @default - no access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * The topic of the summary.
   * @default - the stack's shared cost alert topic (CostAlertTopic.of)
   */
  readonly topic?: sns.ITopic;

  /**
   * Publish a summary of each month's report (total, top cost centers, unattributed share, where
   * the report is).
   * @default true
   */
  readonly publishSummary?: boolean;

  /**
   * How many cost centers the summary names (1–50).
   * @default 5
   */
  readonly topCostCenters?: number;

  /**
   * The report's name: the page's title, the summary's subject and the `Report` dimension of
   * its metrics (1–100 characters).
   * @default 'Bedrock chargeback'
   */
  readonly reportName?: string;

  /**
   * The CloudWatch namespace of the report's metrics.
   * @default 'CdkBedrockCostGovernance/Chargeback'
   */
  readonly metricNamespace?: string;

  /**
   * Network, logging and encryption of the function.
   * @default - defaults of ProviderOptions
   */
  readonly providerOptions?: ProviderOptions;
}

/** Default of `schedule`. */
const MONTHLY_SCHEDULE = 'cron(0 8 2-15 * ? *)';
const MAX_TOP_COST_CENTERS = 50;
/** CloudWatch namespaces: 1–255 characters, not beginning with `AWS/` (reserved for AWS services) nor `:`. */
const NAMESPACE_PATTERN = /^[^:][^:]{0,254}$/;

/**
 * A scheduled chargeback report: Bedrock spend per cost center from Cost Explorer, as CSV (for
 * finance), JSON (schema version 1) and an HTML page with a chart, in S3; a summary on the cost
 * alert topic; CloudWatch metrics of billed cost per cost center.
 *
 * Each report is two GetCostAndUsage queries (this period and the one before), three with
 * `includeIamPrincipalTags`, each read to its last page — never one per cost center (Cost
 * Explorer bills $0.01 a request). Invoke the function with `{ "start": "2026-10-01", "end":
 * "2026-11-01" }` for any period (end exclusive).
 *
 * Deploy it in the management (payer) account for the organization's spend; in a member account
 * it reports that account's spend only.
 *
 * @example
 * const report = new ChargebackReport(this, 'Chargeback', {
 *   tagSchema: CostAllocationTagSchema.standard(),
 *   byLinkedAccount: true,
 * });
 * report.grantReadReports(fn);
 */
export class ChargebackReport extends Construct {
  /** The function that makes the report (Node.js 24, ARM64). */
  public readonly function: lambda.IFunction;
  /** The function's role. */
  public readonly role: iam.IRole;
  /** The bucket of the reports. */
  public readonly bucket: s3.IBucket;
  /** The key prefix of the reports ('' or ending in '/'). */
  public readonly prefix: string;
  /** The cost allocation tag key the report groups by. */
  public readonly tagKey: string;
  /** The report's name (the `Report` dimension of its metrics). */
  public readonly reportName: string;
  /** The CloudWatch namespace of its metrics. */
  public readonly metricNamespace: string;
  /**
   * The topic of the summary.
   * @default - no summary
   */
  public readonly topic?: sns.ITopic;

  constructor(scope: Construct, id: string, props: ChargebackReportProps) {
    super(scope, id);
    this.tagKey = this.costCenterKey(props);
    this.prefix = this.checkPrefix(props.prefix ?? '');
    this.reportName = props.reportName ?? 'Bedrock chargeback';
    requireString(this, 'reportName', this.reportName, 1, 100, '[\\x20-\\x7E]+');
    this.metricNamespace = props.metricNamespace ?? REPORT_METRICS.namespace;
    this.checkNamespace(this.metricNamespace);
    const topCostCenters = props.topCostCenters ?? 5;
    if (!isToken(topCostCenters) && !(Number.isInteger(topCostCenters) && topCostCenters >= 1 && topCostCenters <= MAX_TOP_COST_CENTERS)) {
      throw propError(this, 'topCostCenters', `${topCostCenters} must be a whole number from 1 to ${MAX_TOP_COST_CENTERS}`);
    }
    for (const prop of ['schedule', 'monthToDateSchedule'] as const) {
      const problem = props[prop] === undefined ? undefined : recurringScheduleProblem(props[prop]!);
      if (problem) throw propError(this, prop, problem);
    }
    if (props.publishSummary === false && props.topic) throw propError(this, 'topic', 'is given but publishSummary is false: give one or the other');
    if (props.bucket && props.serverAccessLogsBucket) {
      throw propError(this, 'serverAccessLogsBucket', 'applies only to the bucket the report creates: configure access logs on the bucket you pass');
    }
    const billingScope = props.billingScope ?? BudgetScope.bedrock();
    billingScope.validate(this, 'billingScope');
    this.warnOutsideManagementAccount(props);

    this.bucket = props.bucket ?? createSecureBucket(this, 'Bucket', {
      description: 'Amazon Bedrock chargeback reports',
      serverAccessLogsBucket: props.serverAccessLogsBucket,
    }).bucket;
    this.topic = props.publishSummary === false ? undefined : props.topic ?? CostAlertTopic.of(this).topic;

    const settings: ReportSettings = {
      version: REPORT_SCHEMA_VERSION,
      reportName: this.reportName,
      tagKey: this.tagKey,
      ...(props.tagSchema ? knownValues(props.tagSchema, this.tagKey) : {}),
      metric: props.metric ?? BudgetMetric.NET_UNBLENDED_COST,
      ...(billingScope._scopeFilter() ? { filter: billingScope._scopeFilter() } : {}),
      billingScope: billingScope.description.replace(/^tags AND /, '').replace(/^tags only$/, 'every charge'),
      byLinkedAccount: props.byLinkedAccount ?? false,
      ...(props.includeIamPrincipalTags ? { principalTagKey: `iamPrincipal/${this.tagKey}` } : {}),
      bucket: this.bucket.bucketName,
      prefix: this.prefix,
      ...(this.topic ? { topicArn: this.topic.topicArn } : {}),
      metricNamespace: this.metricNamespace,
      topCostCenters,
    };
    // sized as written (a token counts as its placeholder), then rendered with tokens resolved
    checkLambdaEnvironment(this, props.tagSchema ? 'tagSchema' : 'billingScope', { [REPORT_ENV.settings]: JSON.stringify(settings) },
      'fewer allowed values in the schema, or fewer service names in the billing scope');
    const environment = { [REPORT_ENV.settings]: Stack.of(this).toJsonString(settings) };

    const handler = new HandlerFunction(this, 'Handler', {
      handlerName: 'chargeback-report',
      description: 'the chargeback report of Amazon Bedrock spend per cost center',
      // three paged queries, three objects and a message: seconds; the margin is for retries
      timeout: Duration.minutes(5),
      memorySize: 512,
      environment,
      options: props.providerOptions ?? {},
    });
    this.function = handler.function;
    this.role = handler.role;
    this.allow(handler.role);

    const invoke = (schedId: string, expression: string, event: ReportEvent, what: string) => scheduleInvocation(this, schedId, {
      function: handler.function,
      expression,
      input: event,
      description: `Runs the ${what} of ${this.node.path}`,
      roleDescription: `Lets EventBridge Scheduler run the ${what}`,
    });
    invoke('MonthlySchedule', props.schedule ?? MONTHLY_SCHEDULE, { period: 'previousMonth' }, 'monthly chargeback report');
    if (props.monthToDateSchedule) invoke('MonthToDateSchedule', props.monthToDateSchedule, { period: 'monthToDate' }, 'month-to-date chargeback report');
  }

  /**
   * Lets the grantee read the reports (s3:GetObject on `<prefix>reports/*`, and decrypt with the
   * bucket's key).
   */
  public grantReadReports(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.reportObjects()] });
    this.bucket.encryptionKey?.grant(grantee, 'kms:Decrypt');
    return grant;
  }

  /**
   * The billed cost of one cost center, as the last report found it (`BilledCost`).
   * @param costCenter the tag value, or '(unattributed)'
   * @param reportPeriod whose report: the month to date (updated by monthToDateSchedule; the default)
   *   or the month (the monthly schedule)
   * @param props options of the metric
   */
  public metricBilledCost(costCenter: string, reportPeriod: ChargebackPeriod = ChargebackPeriod.MONTH_TO_DATE,
    props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(REPORT_METRICS.costCenterCost, { TagKey: this.tagKey, CostCenter: costCenter }, reportPeriod, props);
  }

  /**
   * The billed cost of every cost center together (`BilledCostTotal`).
   * @param reportPeriod whose report (the month to date by default)
   * @param props options of the metric
   */
  public metricBilledCostTotal(reportPeriod: ChargebackPeriod = ChargebackPeriod.MONTH_TO_DATE,
    props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(REPORT_METRICS.totalCost, {}, reportPeriod, props);
  }

  /**
   * The unattributed share of the total, in percent (`UnattributedPercent`).
   * @param reportPeriod whose report (the month to date by default)
   * @param props options of the metric
   */
  public metricUnattributedPercent(reportPeriod: ChargebackPeriod = ChargebackPeriod.MONTH_TO_DATE,
    props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric(REPORT_METRICS.unattributedPercent, {}, reportPeriod, props);
  }

  private metric(metricName: string, dimensions: { [key: string]: string }, reportPeriod: ChargebackPeriod,
    props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.metricNamespace,
      metricName,
      // a report is written at most daily: the last value of the day
      statistic: 'Maximum',
      period: Duration.days(1),
      ...props,
      dimensionsMap: { Report: this.reportName, ...dimensions, Period: reportPeriod, ...props.dimensionsMap },
    });
  }

  private reportObjects(): string {
    return this.bucket.arnForObjects(`${this.prefix}reports/*`);
  }

  /**
   * ce:GetCostAndUsage (no resource type: `*`, acknowledged), the report objects only, the
   * bucket's key for them, and Publish on the summary topic (with its key).
   */
  private allow(role: iam.Role): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadCostAndUsage', actions: ['ce:GetCostAndUsage'], resources: ['*'] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteReports',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [this.reportObjects()],
    }));
    const key: kms.IKey | undefined = this.bucket.encryptionKey;
    key?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.topic?.grantPublish(role);
    const policy = role.node.findChild('DefaultPolicy');
    if (this.topic) {
      acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
        'sns Topic.grantPublish lets the function use the topic\'s own KMS key (kms:GenerateDataKey*, on that key\'s ARN only), which publishing to an encrypted topic needs.',
        'Action::kms:GenerateDataKey*');
    }
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      'ce:GetCostAndUsage has no resource type (Service Authorization Reference, AWS Cost Explorer Service): it can only be granted on *. '
      + 'The function reads cost data; it changes nothing in Cost Explorer.', 'Resource::*');
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      'The function writes one folder of report objects per period (reports/<period>/chargeback.csv|json|html); periods are not known at deployment.',
      `Resource::${this.reportObjects()}`);
  }

  private costCenterKey(props: ChargebackReportProps): string {
    if ((props.tagKey === undefined) === (props.tagSchema === undefined)) {
      throw propError(this, 'tagKey', 'or tagSchema: give exactly one (the report groups by one cost allocation tag key)');
    }
    if (props.tagKey !== undefined) {
      const problems = tagKeyProblems(props.tagKey);
      if (problems.length > 0) throw propError(this, 'tagKey', problems.join('; '));
      return props.tagKey;
    }
    const required = props.tagSchema!.requiredKeys;
    if (required.length === 0) {
      throw propError(this, 'tagSchema', 'has no required key: the report groups by the first required key (the cost center); give tagKey instead');
    }
    return required[0];
  }

  private checkPrefix(prefix: string): string {
    if (Token.isUnresolved(prefix)) throw propError(this, 'prefix', 'must be a literal: it is part of the function\'s permissions and object keys');
    if (prefix !== '' && (!prefix.endsWith('/') || prefix.startsWith('/') || prefix.length > 512)) {
      throw propError(this, 'prefix', `'${prefix}' must be '' or a key prefix of at most 512 characters ending in '/', not beginning with '/'`);
    }
    return prefix;
  }

  private checkNamespace(namespace: string): void {
    if (isToken(namespace)) return;
    if (!NAMESPACE_PATTERN.test(namespace) || namespace.startsWith('AWS/')) {
      throw propError(this, 'metricNamespace', `'${namespace}' must be 1–255 characters, without ':' and not beginning with 'AWS/' (reserved for AWS services)`);
    }
  }

  private warnOutsideManagementAccount(props: ChargebackReportProps): void {
    if (!props.byLinkedAccount || ManagementAccount.isDeployedTo(this) !== false) return;
    Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:chargebackInMemberAccount',
      `byLinkedAccount is set, but the stack deploys to ${Stack.of(this).account}, not the management account ${ManagementAccount.of(this)}: `
      + 'Cost Explorer shows a member account its own spend only, so the report will have one linked account.');
  }
}

/** The values of the key the schema allows, when it lists them. */
function knownValues(schema: CostAllocationTagSchema, key: string): { knownCostCenters?: string[] } {
  const allowed = schema.keys.find((k) => k.key === key)?.allowedValues;
  return allowed ? { knownCostCenters: [...allowed] } : {};
}
