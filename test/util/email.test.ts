import { App, Stack, Token } from 'aws-cdk-lib';
import { checkEmails, EMAIL_RULES } from '../../src/util/email';

const scope = () => new Stack(new App(), 'Stack');
const check = (emails: string[], rules = EMAIL_RULES.SNS_EMAIL_SUBSCRIPTION, context?: string) => () => checkEmails(scope(), 'emails', emails, rules, context);

describe('checkEmails: one email check for the topic, budget subscribers and anomaly subscribers', () => {
  test.each([
    ['no @', ['finops.example.com'], /^Stack: emails 'finops\.example\.com' must be an email address \(name@domain\.tld, no spaces\)$/],
    ['a line break', ['a@example.com\nb@example.com'], /must be an email address/],
    ['a duplicate, case-insensitively', ['a@example.com', 'A@EXAMPLE.com'], /^Stack: emails 'A@EXAMPLE\.com' appears twice \(addresses are compared case-insensitively\)$/],
  ])('%s fails for every service', (_name, emails, message) => {
    for (const rules of Object.values(EMAIL_RULES)) expect(check(emails, rules)).toThrow(message);
  });

  test('counts: budgets at most 10, anomaly subscriptions 1–10, SNS no limit', () => {
    const n = (count: number) => Array.from({ length: count }, (_, i) => `p${i}@example.com`);
    expect(check(n(11), EMAIL_RULES.BUDGETS_SUBSCRIBER, ' per alert')).toThrow(/^Stack: emails must hold at most 10 email addresses per alert \(got 11\)$/);
    expect(check([], EMAIL_RULES.BUDGETS_SUBSCRIBER)).not.toThrow();
    expect(check([], EMAIL_RULES.COST_ANOMALY_SUBSCRIBER)).toThrow(/must hold 1–10 email addresses \(got 0\)/);
    expect(check(n(11), EMAIL_RULES.COST_ANOMALY_SUBSCRIBER)).toThrow(/must hold 1–10 email addresses \(got 11\)/);
    expect(check(n(50))).not.toThrow();
  });

  test('service rules: Cost Explorer SubscriberAddress is 6–302 characters of its pattern; Budgets and SNS are not', () => {
    expect(check(['a@b.co'], EMAIL_RULES.COST_ANOMALY_SUBSCRIBER)).not.toThrow();
    expect(check(['a@b.c'], EMAIL_RULES.COST_ANOMALY_SUBSCRIBER)).toThrow(/must be 6–302 characters long for a Cost Anomaly Detection subscriber \(got 5\)/);
    expect(check(['a@b.c'], EMAIL_RULES.BUDGETS_SUBSCRIBER)).not.toThrow();
    expect(check(['o"brien@example.com'], EMAIL_RULES.COST_ANOMALY_SUBSCRIBER)).toThrow(/must match .* \(the Cost Anomaly Detection subscriber address pattern\)/);
    expect(check(['o"brien@example.com'], EMAIL_RULES.SNS_EMAIL_SUBSCRIPTION)).not.toThrow();
  });

  test('tokens are counted but not judged', () => {
    const token = Token.asString({ Ref: 'Email' });
    expect(check([token, token])).not.toThrow();
    expect(check([token], EMAIL_RULES.COST_ANOMALY_SUBSCRIBER)).not.toThrow();
    expect(check(Array.from({ length: 11 }, () => token), EMAIL_RULES.BUDGETS_SUBSCRIBER)).toThrow(/at most 10/);
  });
});
