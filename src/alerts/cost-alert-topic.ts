import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';
import { EMAIL_RULES, checkEmails } from '../util/email';
import { createKey } from '../util/keys';
import { StackSingleton } from '../util/stack-singleton';
import { propError } from '../util/validation';

/** Properties of a {@link CostAlertTopic}. */
export interface CostAlertTopicProps {
  /**
   * The KMS key that encrypts the topic. It must be a customer managed key: the AWS managed
   * `alias/aws/sns` key cannot be used by AWS Budgets, Cost Anomaly Detection or CloudWatch.
   * The services are added to its key policy when the key is created here.
   * @default - a new key with rotation enabled
   */
  readonly masterKey?: kms.IKey;

  /**
   * Email addresses subscribed to the topic (Amazon SNS email subscriptions; each address
   * confirms its subscription from the mail SNS sends). They receive everything published to the
   * topic: the alerts of every budget, anomaly subscription and alarm that uses it.
   *
   * Not to be confused with the `emails` of `BudgetSubscribers`, which AWS Budgets mails directly
   * (direct budget subscribers, per alert, without a topic).
   * @default - none
   */
  readonly emailSubscriptions?: string[];

  /**
   * Email addresses subscribed to the topic.
   * @default - none
   * @deprecated use `emailSubscriptions` (the same meaning: subscriptions of the topic). The name
   *   `emails` is also used by `BudgetSubscribers` for direct budget subscribers, which are not
   *   topic subscriptions. Giving both is an error.
   */
  readonly emails?: string[];

  /**
   * The topic's display name (the sender name of emails).
   * @default 'Bedrock cost alerts'
   */
  readonly displayName?: string;
}

const SINGLETON_ID = 'BedrockCostAlertTopic';

/**
 * The KMS-encrypted SNS topic that budgets, cost anomaly subscriptions and alarms publish to.
 * Its key and topic policies let budgets.amazonaws.com, costalerts.amazonaws.com and
 * cloudwatch.amazonaws.com publish, each limited to this account (`aws:SourceAccount`) and to
 * its own resources (`aws:SourceArn`); publishing without TLS is denied.
 *
 * Every stack has one shared cost alert topic, which budgets, anomaly subscriptions and alarms
 * use unless told otherwise:
 * - `CostAlertTopic.of(scope)` returns it, created with default settings on first use;
 * - `CostAlertTopic.configure(scope, props)` creates it with settings (email subscriptions, key,
 *   display name). Call it before the first construct that uses the topic; a second call, or a
 *   call after the topic was created with defaults, fails.
 *
 * `new CostAlertTopic(scope, id, props)` makes another, separate topic, which the library's
 * constructs use only when it is passed to them (e.g. `BudgetSubscribers.topic(topic.topic)`).
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { CostAlertTopic } from 'cdk-bedrock-cost-governance';
 *
 * // the shared topic of this stack, with its email subscriptions
 * CostAlertTopic.configure(this, { emailSubscriptions: ['finops@example.com'] });
 */
export class CostAlertTopic extends Construct {
  /** The stack's shared cost alert topic, created with default settings on first use. */
  public static of(scope: IConstruct): CostAlertTopic {
    return StackSingleton.of(scope, SINGLETON_ID, (stack) => new CostAlertTopic(stack, SINGLETON_ID));
  }

  /**
   * Creates the stack's shared cost alert topic with settings, e.g. email subscriptions. Call it
   * once per stack, before any construct that uses the topic (budgets, anomaly subscriptions,
   * alarms, `CostAlertTopic.of`): otherwise it fails, because the topic exists already.
   * @returns the shared topic, which `CostAlertTopic.of` then returns
   */
  public static configure(scope: IConstruct, props: CostAlertTopicProps = {}): CostAlertTopic {
    return StackSingleton.configure(scope, SINGLETON_ID, 'CostAlertTopic.configure', (stack) => new CostAlertTopic(stack, SINGLETON_ID, props));
  }

  /** The topic. */
  public readonly topic: sns.Topic;
  /** The key that encrypts it. */
  public readonly masterKey: kms.IKey;

  constructor(scope: Construct, id: string, props: CostAlertTopicProps = {}) {
    super(scope, id);
    if (props.emails !== undefined && props.emailSubscriptions !== undefined) {
      throw propError(this, 'emails', 'must not be given with emailSubscriptions: emails is the deprecated name of emailSubscriptions; give only emailSubscriptions');
    }
    const prop = props.emailSubscriptions !== undefined ? 'emailSubscriptions' : 'emails';
    const emails = props.emailSubscriptions ?? props.emails ?? [];
    checkEmails(this, prop, emails, EMAIL_RULES.SNS_EMAIL_SUBSCRIPTION);
    const stack = Stack.of(this);
    const account = stack.account;
    if (props.masterKey) {
      this.masterKey = props.masterKey;
    } else {
      const key = createKey(this, 'Key', 'Encrypts the Bedrock cost alert topic');
      // The publishing services need the key to publish to an encrypted topic:
      // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
      // limited to this account (confused deputy) with aws:SourceAccount.
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowCostAlertPublishers',
        principals: PUBLISHERS.map((p) => new iam.ServicePrincipal(p)),
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }));
      this.masterKey = key;
    }
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName ?? 'Bedrock cost alerts',
      masterKey: this.masterKey,
      enforceSSL: true,
    });
    const topicArn = this.topic.topicArn;
    const publish = (sid: string, service: string, sourceArn: string): iam.PolicyStatement => new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(service)],
      actions: ['sns:Publish'],
      resources: [topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': sourceArn } },
    });
    // https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html
    this.topic.addToResourcePolicy(publish('AllowBudgets', 'budgets.amazonaws.com',
      stack.formatArn({ service: 'budgets', region: '', resource: '*' })));
    // https://docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html
    this.topic.addToResourcePolicy(publish('AllowCostAnomalyDetection', 'costalerts.amazonaws.com',
      stack.formatArn({ service: 'ce', region: '', resource: 'anomalysubscription', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME })));
    this.topic.addToResourcePolicy(publish('AllowCloudWatchAlarms', 'cloudwatch.amazonaws.com',
      stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })));
    for (const email of emails) {
      this.topic.addSubscription(new subs.EmailSubscription(email));
    }
  }
}

/** The services that publish cost alerts. */
const PUBLISHERS = ['budgets.amazonaws.com', 'costalerts.amazonaws.com', 'cloudwatch.amazonaws.com'];
