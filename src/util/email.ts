import { IConstruct } from 'constructs';
import { isToken, propError } from './validation';

/**
 * What a service accepts as a list of email addresses: how many, and (optionally) its own length
 * and pattern rules from its API model. Internal to the library.
 */
export interface EmailListRules {
  /** The service and field, for messages, e.g. `AWS Budgets subscriber`. */
  readonly service: string;
  /** The fewest addresses (0 when the list may be empty). */
  readonly minCount: number;
  /** The most addresses, or undefined when the service sets no practical limit. */
  readonly maxCount?: number;
  /** The shortest address the service accepts. */
  readonly minLength?: number;
  /** The longest address the service accepts. */
  readonly maxLength?: number;
  /** The service's own pattern for an email address (anchored). */
  readonly pattern?: RegExp;
}

/**
 * A plausible email address: something@domain.tld, no white space (so no line breaks either).
 * What the services accept is wider or narrower (see the rules below); this catches typos, and
 * every list is checked with it.
 */
export const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The email rules of each place the library sends mail to, each with its source.
 */
export const EMAIL_RULES = {
  /**
   * Direct email subscribers of an AWS Budgets notification: up to 10 per notification
   * (NotificationWithSubscribers: "one SNS subscriber and up to 10 email subscribers"), an Address
   * of at least 1 character that "can't contain line breaks" (Subscriber.Address, SubscriberAddress
   * min 1, in the Budgets API model — its pattern accepts anything else).
   */
  BUDGETS_SUBSCRIBER: {
    service: 'AWS Budgets notification',
    minCount: 0,
    maxCount: 10,
    minLength: 1,
  } as EmailListRules,

  /**
   * Email subscriptions of an Amazon SNS topic (Subscribe, protocol `email`): the SNS API model
   * gives the Endpoint no length or pattern ("For the email protocol, the endpoint is an email
   * address"), and a topic takes millions of subscriptions, so only the plausibility check applies.
   */
  SNS_EMAIL_SUBSCRIPTION: {
    service: 'Amazon SNS email subscription',
    minCount: 0,
  } as EmailListRules,

  /**
   * Email subscribers of a Cost Anomaly Detection alert subscription: 1–10 ("For each alert
   * subscription, you can have up to 10 email recipients or 1 SNS topic",
   * https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/faqs/), each a
   * SubscriberAddress of 6–302 characters matching the email branch of its pattern (Cost
   * Explorer API model).
   */
  COST_ANOMALY_SUBSCRIBER: {
    service: 'Cost Anomaly Detection subscriber',
    minCount: 1,
    maxCount: 10,
    minLength: 6,
    maxLength: 302,
    pattern: /^[a-zA-Z0-9.!#$%&'*+=?^_\u2018{|}~-]+@[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)+$/,
  } as EmailListRules,
} as const;

/**
 * Checks a list of email addresses against a service's rules, and throws (naming the construct
 * path, the prop and the rule) at the first one broken:
 * - the count (`minCount`–`maxCount`);
 * - each address: plausible (name@domain.tld, no white space), then the service's length and pattern;
 * - no address twice, compared case-insensitively (mail domains and, in practice, mailboxes
 *   ignore case, so `A@example.com` and `a@example.com` would get every alert twice).
 *
 * Addresses that are unresolved tokens are counted but not judged.
 *
 * @param context how the count is meant, e.g. ` per alert` or ` for DAILY summaries`
 */
export function checkEmails(scope: IConstruct, prop: string, emails: string[], rules: EmailListRules, context = ''): void {
  const count = emails.length;
  const { minCount, maxCount } = rules;
  if (count < minCount || (maxCount !== undefined && count > maxCount)) {
    const range = maxCount === undefined ? `at least ${minCount}`
      : minCount === 0 ? `at most ${maxCount}` : `${minCount}–${maxCount}`;
    throw propError(scope, prop, `must hold ${range} email addresses${context} (got ${count})`);
  }
  const seen = new Set<string>();
  for (const email of emails) {
    if (isToken(email)) continue;
    const problem = emailProblem(email, rules);
    if (problem) throw propError(scope, prop, problem);
    const key = email.toLowerCase();
    if (seen.has(key)) throw propError(scope, prop, `'${email}' appears twice (addresses are compared case-insensitively)`);
    seen.add(key);
  }
}

/** The rule one (literal) address breaks, or undefined. */
function emailProblem(email: string, rules: EmailListRules): string | undefined {
  if (typeof email !== 'string' || !PLAUSIBLE_EMAIL.test(email)) {
    return `'${String(email)}' must be an email address (name@domain.tld, no spaces)`;
  }
  const { minLength = 1, maxLength } = rules;
  if (email.length < minLength || (maxLength !== undefined && email.length > maxLength)) {
    const range = maxLength === undefined ? `at least ${minLength}` : `${minLength}–${maxLength}`;
    return `'${email}' must be ${range} characters long for a ${rules.service} (got ${email.length})`;
  }
  if (rules.pattern && !rules.pattern.test(email)) {
    return `'${email}' must match ${rules.pattern.source} (the ${rules.service} address pattern)`;
  }
  return undefined;
}
