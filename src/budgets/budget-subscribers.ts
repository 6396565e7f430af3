import { Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { CostAlertTopic } from '../alerts/cost-alert-topic';
import { EMAIL_RULES, checkEmails } from '../util/email';
import { isToken, propError } from '../util/validation';

/** Who a budget alert notifies, resolved for a construct. */
export interface BudgetSubscribersConfig {
  /**
   * The SNS topic notified.
   * @default - no topic
   */
  readonly topic?: sns.ITopic;

  /** The email addresses AWS Budgets notifies directly (direct budget subscribers, at most 10). */
  readonly emails: string[];
}

/**
 * Who a budget alert notifies: an SNS topic and/or up to 10 email addresses that AWS Budgets
 * mails directly.
 *
 * `emails` here are **direct budget subscribers** (the notification's EMAIL subscribers, not
 * subscriptions of a topic): AWS Budgets sends them its own email, they need no confirmation, and
 * they count toward the 10 email subscribers of each notification. To have the alerts of every
 * budget, anomaly subscription and alarm of a stack mailed, subscribe the addresses to the topic
 * instead: `CostAlertTopic.configure(stack, { emailSubscriptions: [...] })`.
 *
 * The default is the stack's `CostAlertTopic` (KMS-encrypted, with a policy that lets AWS Budgets
 * publish). A topic of your own must let `budgets.amazonaws.com` publish (and, when encrypted,
 * use its key): https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html
 */
export class BudgetSubscribers {
  /**
   * The stack's shared `CostAlertTopic`, and optionally email addresses that AWS Budgets notifies
   * directly too.
   * @param emails up to 10 direct budget subscribers (not topic subscriptions: to subscribe
   *   addresses to the topic, use `CostAlertTopic.configure(scope, { emailSubscriptions })`)
   */
  public static costAlertTopic(emails?: string[]): BudgetSubscribers {
    return new BudgetSubscribers(true, undefined, emails ?? []);
  }

  /**
   * An SNS topic, and optionally email addresses that AWS Budgets notifies directly too.
   * @param topic a topic that lets budgets.amazonaws.com publish
   * @param emails up to 10 direct budget subscribers (not subscriptions of `topic`)
   */
  public static topic(topic: sns.ITopic, emails?: string[]): BudgetSubscribers {
    return new BudgetSubscribers(false, topic, emails ?? []);
  }

  /**
   * Email addresses that AWS Budgets notifies directly, and no topic.
   * @param emails 1–10 direct budget subscribers
   */
  public static emails(emails: string[]): BudgetSubscribers {
    return new BudgetSubscribers(false, undefined, emails);
  }

  private constructor(
    private readonly useCostAlertTopic: boolean,
    private readonly snsTopic: sns.ITopic | undefined,
    private readonly emailAddresses: string[],
  ) {}

  /**
   * Resolves the subscribers for a construct (creating the stack's `CostAlertTopic` if it is
   * used) and checks AWS's rules: at least one subscriber, at most 10 well-formed, distinct
   * email addresses (tokens are not judged).
   * @param scope the construct that uses them (named in errors)
   * @param prop the prop that holds them, e.g. `alerts[0].notify`
   */
  public bind(scope: IConstruct, prop: string): BudgetSubscribersConfig {
    const emails = [...this.emailAddresses];
    // NotificationWithSubscribers: one SNS subscriber and up to 10 email subscribers (Budgets API model)
    checkEmails(scope, prop, emails, EMAIL_RULES.BUDGETS_SUBSCRIBER, ' per alert');
    const topic = this.useCostAlertTopic ? CostAlertTopic.of(scope).topic : this.snsTopic;
    if (!topic && emails.length === 0) {
      throw propError(scope, prop, 'must have at least one subscriber (a topic or an email address)');
    }
    return { topic, emails };
  }

  /**
   * A description that does not depend on tokens, used in generated budget names so that a
   * change of subscribers yields a new name.
   */
  public get identity(): string {
    const topic = this.useCostAlertTopic ? 'cost-alert-topic'
      : this.snsTopic ? (Token.isUnresolved(this.snsTopic.topicArn) ? `topic:${this.snsTopic.node.path}` : `topic:${this.snsTopic.topicArn}`)
        : 'no-topic';
    const emails = this.emailAddresses.map((e, i) => (isToken(e) ? `token#${i}` : e.toLowerCase()));
    return [topic, ...emails].join(',');
  }
}
