import { Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { CostAlertTopic } from '../alerts/cost-alert-topic';
import { EMAIL_ADDRESS, isToken, propError } from '../util/validation';

/** Who a budget alert notifies, resolved for a construct. */
export interface BudgetSubscribersConfig {
  /**
   * The SNS topic notified.
   * @default - no topic
   */
  readonly topic?: sns.ITopic;

  /** The email addresses notified (at most 10). */
  readonly emails: string[];
}

/**
 * AWS Budgets' limits on the subscribers of one notification: one SNS topic and up to 10 email
 * addresses (NotificationWithSubscribers in the Budgets API model).
 */
export const SUBSCRIBER_RULES = {
  maxEmails: 10,
  maxTopics: 1,
} as const;


/**
 * Who a budget alert notifies: an SNS topic and/or up to 10 email addresses.
 *
 * The default is the stack's `CostAlertTopic` (KMS-encrypted, with a policy that lets AWS Budgets
 * publish). A topic of your own must let `budgets.amazonaws.com` publish (and, when encrypted,
 * use its key): https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html
 */
export class BudgetSubscribers {
  /**
   * The stack's shared `CostAlertTopic`, and optionally email addresses too.
   * @param emails up to 10 email addresses
   */
  public static costAlertTopic(emails?: string[]): BudgetSubscribers {
    return new BudgetSubscribers(true, undefined, emails ?? []);
  }

  /**
   * An SNS topic, and optionally email addresses too.
   * @param topic a topic that lets budgets.amazonaws.com publish
   * @param emails up to 10 email addresses
   */
  public static topic(topic: sns.ITopic, emails?: string[]): BudgetSubscribers {
    return new BudgetSubscribers(false, topic, emails ?? []);
  }

  /**
   * Email addresses only (no topic).
   * @param emails 1–10 email addresses
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
    if (emails.length > SUBSCRIBER_RULES.maxEmails) {
      throw propError(scope, prop, `must have at most ${SUBSCRIBER_RULES.maxEmails} email addresses per alert (got ${emails.length})`);
    }
    const seen = new Set<string>();
    for (const email of emails) {
      if (isToken(email)) continue;
      if (!EMAIL_ADDRESS.test(email)) throw propError(scope, prop, `email '${email}' must be an email address (name@domain.tld)`);
      if (seen.has(email.toLowerCase())) throw propError(scope, prop, `email '${email}' appears twice`);
      seen.add(email.toLowerCase());
    }
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
