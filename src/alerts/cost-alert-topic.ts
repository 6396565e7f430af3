import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';
import { createKey } from '../util/keys';
import { EMAIL_ADDRESS, propError } from '../util/validation';

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
   * Email addresses subscribed to the topic (each confirms its subscription).
   * @default - none
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
 * `CostAlertTopic.of(scope)` returns the stack's shared topic.
 */
export class CostAlertTopic extends Construct {
  /** The stack's shared cost alert topic, created on first use. */
  public static of(scope: IConstruct): CostAlertTopic {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(SINGLETON_ID) as CostAlertTopic | undefined) ?? new CostAlertTopic(stack, SINGLETON_ID);
  }

  /** The topic. */
  public readonly topic: sns.Topic;
  /** The key that encrypts it. */
  public readonly masterKey: kms.IKey;

  constructor(scope: Construct, id: string, props: CostAlertTopicProps = {}) {
    super(scope, id);
    for (const email of props.emails ?? []) {
      if (!EMAIL_ADDRESS.test(email)) throw propError(this, 'emails', `'${email}' must be an email address`);
    }
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
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new subs.EmailSubscription(email));
    }
  }
}

/** The services that publish cost alerts. */
const PUBLISHERS = ['budgets.amazonaws.com', 'costalerts.amazonaws.com', 'cloudwatch.amazonaws.com'];
