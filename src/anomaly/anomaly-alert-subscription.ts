import { Annotations, ArnFormat, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ce from 'aws-cdk-lib/aws-ce';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { AnomalyAlertFrequency } from './anomaly-alert-frequency';
import { ANOMALY_LIMITS, formatNumber } from './anomaly-limits';
import { AnomalyThreshold } from './anomaly-threshold';
import { ICostAnomalyMonitor } from './cost-anomaly-monitor';
import { CostAlertTopic } from '../alerts/cost-alert-topic';
import { EMAIL_RULES, checkEmails } from '../util/email';
import { generateName } from '../util/names';
import { guardRegion } from '../util/region-guard';
import { propError, requireString } from '../util/validation';

/** Properties of an {@link AnomalyAlertSubscription}. */
export interface AnomalyAlertSubscriptionProps {
  /**
   * The monitors whose anomalies are alerted: 1–501, in the subscription's account (monitors and
   * subscriptions are visible only to the account that created them).
   */
  readonly monitors: ICostAnomalyMonitor[];

  /**
   * When an anomaly is worth an alert, e.g. `AnomalyThreshold.absoluteUsd(100)`. Anomalies below
   * it still show in the console.
   */
  readonly threshold: AnomalyThreshold;

  /**
   * How often to notify. IMMEDIATE alerts go to an Amazon SNS topic (`topic`); DAILY and WEEKLY
   * summaries go to email addresses (`emails`).
   * @default AnomalyAlertFrequency.IMMEDIATE
   */
  readonly frequency?: AnomalyAlertFrequency;

  /**
   * The Amazon SNS topic of IMMEDIATE alerts (one topic per subscription). Not allowed with DAILY
   * or WEEKLY. A topic of this app gets a policy statement that lets costalerts.amazonaws.com
   * publish (from this account's subscriptions only); an imported topic's policy, and the key
   * policy of an encrypted topic, must allow it already.
   * @default - the stack's `CostAlertTopic` when the frequency is IMMEDIATE
   */
  readonly topic?: sns.ITopic;

  /**
   * The email addresses of DAILY and WEEKLY summaries: 1–10, which Cost Anomaly Detection mails
   * directly. Not allowed with IMMEDIATE (to mail immediate alerts, subscribe the addresses to
   * the topic: `CostAlertTopic.configure(stack, { emailSubscriptions })`).
   * @default - none
   */
  readonly emails?: string[];

  /**
   * The subscription's name (1–1,024 characters).
   * @default - the construct's address, unique in the app
   */
  readonly subscriptionName?: string;
}

const SUBSCRIPTION_SYMBOL = Symbol.for('cdk-bedrock-cost-governance.AnomalyAlertSubscription');

/**
 * An alert subscription of AWS Cost Anomaly Detection (AWS::CE::AnomalySubscription): who is told
 * about the anomalies of some monitors, how often, and above which impact.
 *
 * - IMMEDIATE alerts are published to one Amazon SNS topic (by default the stack's encrypted
 *   `CostAlertTopic`, whose policies already let costalerts.amazonaws.com publish); DAILY and
 *   WEEKLY summaries are emailed to up to 10 addresses
 *   (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalySubscription.html,
 *   https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/faqs/).
 * - An account has at most 100 subscriptions: synth fails when one stack holds more.
 * - ResourceTags are create-only: tags applied with `Tags.of()` replace the subscription.
 *
 * @exampleMetadata fixture=bare
 * @example
 * import {
 *   AnomalyAlertFrequency, AnomalyAlertSubscription, AnomalyMonitorScope, AnomalyThreshold, CostAnomalyMonitor,
 * } from 'cdk-bedrock-cost-governance';
 *
 * const byDept = new CostAnomalyMonitor(this, 'ByDepartment', {
 *   monitorScope: AnomalyMonitorScope.costAllocationTag('dept'),
 * });
 * // each anomaly of $500 or more, or 50 % above the expected spend, at once to the stack's CostAlertTopic
 * new AnomalyAlertSubscription(this, 'Alerts', {
 *   monitors: [byDept],
 *   threshold: AnomalyThreshold.anyOf(AnomalyThreshold.absoluteUsd(500), AnomalyThreshold.percentage(50)),
 * });
 * // a weekly email summary of the larger ones
 * new AnomalyAlertSubscription(this, 'WeeklySummary', {
 *   monitors: [byDept],
 *   threshold: AnomalyThreshold.absoluteUsd(1000),
 *   frequency: AnomalyAlertFrequency.WEEKLY,
 *   emails: ['finops@example.com'],
 * });
 */
export class AnomalyAlertSubscription extends Resource {
  /** True when `x` is an AnomalyAlertSubscription (of any copy of this library). */
  public static isAnomalyAlertSubscription(x: any): x is AnomalyAlertSubscription {
    return x !== null && typeof x === 'object' && SUBSCRIPTION_SYMBOL in x;
  }

  /**
   * The ARN, `arn:<partition>:ce::<account>:anomalysubscription/<id>`.
   * @attribute
   */
  public readonly subscriptionArn: string;
  /** The subscription's name. */
  public readonly subscriptionName: string;
  /** How often it notifies. */
  public readonly frequency: AnomalyAlertFrequency;
  /**
   * The topic IMMEDIATE alerts are published to.
   * @default - none for DAILY and WEEKLY subscriptions
   */
  public readonly topic?: sns.ITopic;

  constructor(scope: Construct, id: string, props: AnomalyAlertSubscriptionProps) {
    super(scope, id);
    Object.defineProperty(this, SUBSCRIPTION_SYMBOL, { value: true });
    this.frequency = props.frequency ?? AnomalyAlertFrequency.IMMEDIATE;
    if (!Object.values(AnomalyAlertFrequency).includes(this.frequency)) {
      throw propError(this, 'frequency', `must be one of ${Object.values(AnomalyAlertFrequency).join(', ')} (got ${String(this.frequency)})`);
    }
    if (!(props.threshold instanceof AnomalyThreshold)) {
      throw propError(this, 'threshold', 'is required (an AnomalyThreshold, e.g. AnomalyThreshold.absoluteUsd(100))');
    }
    this.checkMonitors(props.monitors);
    if (props.subscriptionName !== undefined) {
      requireString(this, 'subscriptionName', props.subscriptionName, 1, ANOMALY_LIMITS.maxNameLength);
    }

    let subscribers: ce.CfnAnomalySubscription.SubscriberProperty[];
    if (this.frequency === AnomalyAlertFrequency.IMMEDIATE) {
      if (props.emails !== undefined && props.emails.length > 0) {
        throw propError(this, 'emails', 'are not notified of IMMEDIATE alerts, which go to an Amazon SNS topic: set frequency to DAILY or WEEKLY '
          + 'for email summaries, or subscribe the addresses to the topic (CostAlertTopic.configure(stack, { emailSubscriptions }))');
      }
      this.topic = props.topic ?? CostAlertTopic.of(this).topic;
      if (props.topic !== undefined && !(props.topic.node.scope instanceof CostAlertTopic)) {
        this.allowCostAnomalyDetection(props.topic);
      }
      subscribers = [{ type: 'SNS', address: this.topic.topicArn }];
    } else {
      if (props.topic !== undefined) {
        throw propError(this, 'topic', `is only notified of IMMEDIATE alerts: ${this.frequency} summaries go to emails`);
      }
      const emails = props.emails ?? [];
      checkEmails(this, 'emails', emails, EMAIL_RULES.COST_ANOMALY_SUBSCRIBER, ` for ${this.frequency} summaries`);
      subscribers = emails.map((address) => ({ type: 'EMAIL', address }));
    }

    this.subscriptionName = props.subscriptionName ?? generateName(this, { maxLength: ANOMALY_LIMITS.generatedNameLength, identity: 'AnomalyAlertSubscription' });
    const resource = new ce.CfnAnomalySubscription(this, 'Resource', {
      subscriptionName: this.subscriptionName,
      monitorArnList: props.monitors.map((m) => m.monitorArn),
      frequency: this.frequency,
      subscribers,
      thresholdExpression: props.threshold.toJsonString(this),
    });
    guardRegion(resource);
    // the topic and its policy exist before Cost Anomaly Detection is asked to publish to it
    if (this.topic) resource.node.addDependency(this.topic);
    this.subscriptionArn = resource.attrSubscriptionArn;
    this.node.addValidation({ validate: () => this.accountLimitProblems() });
  }

  private checkMonitors(monitors: ICostAnomalyMonitor[]): void {
    const max = ANOMALY_LIMITS.maxMonitorsPerSubscription;
    if (!Array.isArray(monitors) || monitors.length < 1 || monitors.length > max) {
      throw propError(this, 'monitors', `must hold 1–${max} monitors (got ${Array.isArray(monitors) ? monitors.length : String(monitors)})`);
    }
    const seen = new Map<string, ICostAnomalyMonitor>();
    const account = Stack.of(this).account;
    for (const monitor of monitors) {
      const previous = seen.get(monitor.monitorArn);
      if (previous) throw propError(this, 'monitors', `must not hold the same monitor twice (${monitor.node.path})`);
      seen.set(monitor.monitorArn, monitor);
      // monitors and subscriptions are visible only to the account that created them
      // https://docs.aws.amazon.com/cost-management/latest/userguide/getting-started-ad.html
      const monitorAccount = monitor.env.account;
      if (!Token.isUnresolved(account) && !Token.isUnresolved(monitorAccount) && monitorAccount !== account) {
        throw propError(this, 'monitors', `must be in the subscription's account ${account}: ${monitor.node.path} is in account ${monitorAccount}`);
      }
    }
  }

  /**
   * Lets Cost Anomaly Detection publish to a topic that is not the CostAlertTopic, limited to this
   * account's subscriptions. https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html
   */
  private allowCostAnomalyDetection(topic: sns.ITopic): void {
    const stack = Stack.of(this);
    const result = topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCostAnomalyDetection',
      principals: [new iam.ServicePrincipal('costalerts.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'ce', region: '', resource: 'anomalysubscription', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        },
      },
    }));
    if (!result.statementAdded) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:anomalyTopicPolicyNotManaged',
        `topic ${topic.topicArn} was imported: its policy must let costalerts.amazonaws.com publish (sns:Publish), `
        + 'and its KMS key policy, if it is encrypted, must let the service use the key '
        + '(https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html).');
    }
  }

  /**
   * At most 100 subscriptions per account, counted in this stack. Each subscription past the
   * limit reports itself.
   */
  private accountLimitProblems(): string[] {
    const stack = Stack.of(this);
    const subscriptions = stack.node.findAll()
      .filter((c: IConstruct) => AnomalyAlertSubscription.isAnomalyAlertSubscription(c) && Stack.of(c) === stack);
    const position = subscriptions.indexOf(this) + 1;
    const max = ANOMALY_LIMITS.maxSubscriptionsPerAccount;
    if (position > max) {
      return [`${this.node.path}: is anomaly alert subscription number ${formatNumber(position)} of stack ${stack.node.path}: `
        + `an account can have at most ${formatNumber(max)}`];
    }
    return [];
  }
}
