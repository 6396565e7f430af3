import { Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { importedProfile, newStack } from './support';
import { CostCenter } from '../../src';
import {
  BudgetAlert, BudgetAutoAdjust, BudgetEnforcement, BudgetPeriod, BudgetScope, BudgetSubscribers, BudgetThreshold,
  CostCenterBudget, CostCenterBudgetProps, DenyInvocationOptions, DenyInvocationScpOptions,
} from '../../src/budgets';

const CLAIMS = CostCenter.of('claims', { dept: 'claims' });
const emails = (n: number) => Array.from({ length: n }, (_, i) => `person${i}@example.com`);

/** Builds a budget in a fresh stack; `props` may be a function of the stack (for profiles and roles). */
function make(props: Partial<CostCenterBudgetProps> | ((scope: Construct) => Partial<CostCenterBudgetProps>)): CostCenterBudget {
  const { stack } = newStack();
  const extra = typeof props === 'function' ? props(stack) : props;
  return new CostCenterBudget(stack, 'Budget', { costCenter: CLAIMS, limit: 100, ...extra } as CostCenterBudgetProps);
}

const role = (scope: Construct, id = 'Role') => new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
const deny = (scope: Construct, options: Partial<DenyInvocationOptions> = {}) => ({
  costCenter: undefined,
  profiles: [importedProfile(scope, 'P', { dept: 'claims' })],
  enforcement: BudgetEnforcement.denyInvocation({ roles: [role(scope)], ...options } as DenyInvocationOptions),
});
const scp = (scope: Construct, options: Partial<DenyInvocationScpOptions>) => ({
  costCenter: undefined,
  profiles: [importedProfile(scope, 'P', { dept: 'claims' })],
  enforcement: BudgetEnforcement.denyInvocationScp({ targetIds: ['444455556666'], ...options } as DenyInvocationScpOptions),
});

// [case, props, expected message]: every message names the construct path, the prop and the rule
const cases: Array<[string, Partial<CostCenterBudgetProps> | ((scope: Construct) => Partial<CostCenterBudgetProps>), RegExp]> = [
  // what the budget counts
  ['neither costCenter, tags nor profiles', { costCenter: undefined }, /^Stack\/Budget: costCenter\/tags\/profiles exactly one must be given \(got none\)$/],
  ['costCenter and tags', { tags: { dept: 'claims' } }, /^Stack\/Budget: costCenter\/tags\/profiles exactly one must be given \(got costCenter, tags\)$/],
  ['empty tags', { costCenter: undefined, tags: {} }, /^Stack\/Budget: tags must hold at least one tag/],
  ['a tag key with the aws: prefix', { costCenter: undefined, tags: { 'aws:dept': 'x' } }, /^Stack\/Budget: tags tag key 'aws:dept' must not start with the reserved prefix 'aws:'/],
  ['a tag value with a comma', { costCenter: undefined, tags: { dept: 'a,b' } }, /^Stack\/Budget: tags tag value 'a,b' of 'dept' must match/],
  ['empty profiles', { costCenter: undefined, profiles: [] }, /^Stack\/Budget: profiles must hold at least one application inference profile$/],
  ['profileTagKeys without profiles', { profileTagKeys: ['dept'] }, /^Stack\/Budget: profileTagKeys applies only with profiles$/],
  ['empty profileTagKeys', (s) => ({ costCenter: undefined, profiles: [importedProfile(s, 'P', { dept: 'x' })], profileTagKeys: [] }),
    /^Stack\/Budget: profileTagKeys must name at least one tag key$/],
  ['BudgetScope.services([])', { budgetScope: BudgetScope.services([]) }, /^Stack\/Budget: budgetScope services must name at least one service$/],
  ['a service name over 1,024 characters', { budgetScope: BudgetScope.services(['s'.repeat(1025)]) },
    /^Stack\/Budget: budgetScope services name of 1025 characters must be at most 1024 characters long$/],
  // limit, plan, auto-adjust
  ['zero limit', { limit: 0 }, /^Stack\/Budget: limit 0 must be a positive number of USD$/],
  ['negative limit', { limit: -5 }, /^Stack\/Budget: limit -5 must be a positive number of USD$/],
  ['non-numeric limit', { limit: '100' as unknown as number }, /^Stack\/Budget: limit "100" must be a positive number of USD$/],
  ['NaN limit', { limit: NaN }, /^Stack\/Budget: limit NaN must be a positive number of USD$/],
  ['infinite limit', { limit: Infinity }, /^Stack\/Budget: limit Infinity must be a positive number of USD$/],
  ['a limit JavaScript writes with an exponent', { limit: 1e-7 }, /^Stack\/Budget: limit 1e-7 must be written without an exponent \(AWS Budgets amounts match/],
  ['a huge limit written with an exponent', { limit: 1e21 }, /^Stack\/Budget: limit 1e\+21 must be written without an exponent/],
  ['no limit and no autoAdjust', { limit: undefined }, /^Stack\/Budget: limit is required \(the budget amount per period, in USD\) unless autoAdjust is set$/],
  ['limit with autoAdjust', { autoAdjust: BudgetAutoAdjust.fromForecast() }, /^Stack\/Budget: limit must not be set with autoAdjust/],
  ['13 months of history for a monthly budget', { limit: undefined, autoAdjust: BudgetAutoAdjust.fromHistory(13) },
    /^Stack\/Budget: autoAdjust periods 13 must be an integer from 1 to 12 for a MONTHLY budget$/],
  ['2 years of history for an annual budget', { limit: undefined, period: BudgetPeriod.ANNUALLY, autoAdjust: BudgetAutoAdjust.fromHistory(2) },
    /autoAdjust periods 2 must be an integer from 1 to 1 for a ANNUALLY budget/],
  ['planned limits of a daily budget', { period: BudgetPeriod.DAILY, plannedLimits: [{ start: '2027-01-01', amount: 5 }] },
    /^Stack\/Budget: plannedLimits apply only to MONTHLY and QUARTERLY budgets \(period is DAILY\)$/],
  ['planned limit not on the first of a month', { plannedLimits: [{ start: '2027-01-15', amount: 5 }] },
    /^Stack\/Budget: plannedLimits\[0\] start '2027-01-15' must be the first day of a month \(YYYY-MM-01\)$/],
  ['quarterly plan not on a quarter', { period: BudgetPeriod.QUARTERLY, plannedLimits: [{ start: '2027-02-01', amount: 5 }] },
    /plannedLimits\[0\] start '2027-02-01' must be the first day of a calendar quarter/],
  ['planned limit of zero', { plannedLimits: [{ start: '2027-01-01', amount: 0 }] }, /^Stack\/Budget: plannedLimits\[0\] amount 0 must be a positive number of USD$/],
  ['planned limit written with an exponent', { plannedLimits: [{ start: '2027-01-01', amount: 5e-7 }] },
    /^Stack\/Budget: plannedLimits\[0\] amount 5e-7 must be written without an exponent/],
  ['the same month planned twice', { plannedLimits: [{ start: '2027-01-01', amount: 5 }, { start: '2027-01-01', amount: 6 }] },
    /plannedLimits\[1\] start '2027-01-01' appears twice/],
  ['a plan over 12 months', { plannedLimits: [{ start: '2027-01-01', amount: 5 }, { start: '2028-01-01', amount: 6 }] },
    /^Stack\/Budget: plannedLimits must fall within 12 months of the first planned period$/],
  ['a plan with gaps and no limit', { limit: undefined, plannedLimits: [{ start: '2027-01-01', amount: 5 }] },
    /^Stack\/Budget: limit is required: plannedLimits leaves 2027-02-01 without a limit/],
  // alerts and subscribers
  ['11 alerts', { alerts: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110].map((p) => BudgetAlert.at(BudgetThreshold.actual(p))) },
    /^Stack\/Budget: alerts must hold at most 10 alerts \(got 11\): a budget has at most 10 notifications$/],
  ['a forecasted alert on a DAILY budget', { period: BudgetPeriod.DAILY, alerts: [BudgetAlert.at(BudgetThreshold.actual(80)), BudgetAlert.at(BudgetThreshold.forecasted(100))] },
    /^Stack\/Budget: alerts\[1\] \(FORECASTED > 100 %\) cannot be on forecasted spend of a DAILY budget: AWS Budgets does not forecast daily budgets/],
  ['a forecasted amount alert on a DAILY budget', { period: BudgetPeriod.DAILY, alerts: [BudgetAlert.at(BudgetThreshold.forecastedAmount(50))] },
    /^Stack\/Budget: alerts\[0\] \(FORECASTED > 50 USD\) cannot be on forecasted spend of a DAILY budget/],
  ['percent 0', { alerts: [BudgetAlert.at(BudgetThreshold.actual(0))] }, /^Stack\/Budget: alerts\[0\] percent 0 must be a number from 0\.1 to 1000000 \(% of the limit\)$/],
  ['negative percent', { alerts: [BudgetAlert.at(BudgetThreshold.actual(80)), BudgetAlert.at(BudgetThreshold.forecasted(-1))] }, /^Stack\/Budget: alerts\[1\] percent -1 must be a number from 0\.1/],
  ['percent above 1,000,000', { alerts: [BudgetAlert.at(BudgetThreshold.actual(2_000_000))] }, /alerts\[0\] percent 2000000 must be a number from 0\.1 to 1000000/],
  ['absolute amount of 0', { alerts: [BudgetAlert.at(BudgetThreshold.actualAmount(0))] }, /^Stack\/Budget: alerts\[0\] amount 0 must be a number from 0\.1 to 1000000000 \(USD\)$/],
  ['two identical alerts', { alerts: [BudgetAlert.at(BudgetThreshold.actual(80)), BudgetAlert.at(BudgetThreshold.actual(80))] },
    /^Stack\/Budget: alerts\[1\] \(ACTUAL > 80 %\) repeats alerts\[0\]: AWS Budgets rejects duplicate notifications$/],
  ['11 email addresses for an alert', { alerts: [BudgetAlert.at(BudgetThreshold.actual(80), { notify: BudgetSubscribers.emails(emails(11)) })] },
    /^Stack\/Budget: alerts\[0\]\.notify must hold at most 10 email addresses per alert \(got 11\)$/],
  ['11 email addresses for the budget', { notify: BudgetSubscribers.costAlertTopic(emails(11)) }, /^Stack\/Budget: notify must hold at most 10 email addresses per alert \(got 11\)$/],
  ['a malformed email address', { notify: BudgetSubscribers.emails(['finops.example.com']) },
    /^Stack\/Budget: notify 'finops\.example\.com' must be an email address \(name@domain\.tld, no spaces\)$/],
  ['an email address with a space', { notify: BudgetSubscribers.emails(['fin ops@example.com']) }, /notify 'fin ops@example\.com' must be an email address/],
  ['an email address with a line break (Subscriber.Address cannot hold one)', { notify: BudgetSubscribers.emails(['finops@example.com\ncc@example.com']) },
    /^Stack\/Budget: notify 'finops@example\.com\ncc@example\.com' must be an email address/],
  ['an email address twice', { notify: BudgetSubscribers.emails(['a@example.com', 'A@example.com']) },
    /^Stack\/Budget: notify 'A@example\.com' appears twice \(addresses are compared case-insensitively\)$/],
  ['no subscriber', { notify: BudgetSubscribers.emails([]) }, /^Stack\/Budget: notify must have at least one subscriber \(a topic or an email address\)$/],
  // name
  ['a name with a colon', { budgetName: 'claims:bedrock' }, /^Stack\/Budget: budgetName 'claims:bedrock' must not contain ':' or '\\'$/],
  ['a name of 101 characters', { budgetName: 'b'.repeat(101) }, /^Stack\/Budget: budgetName 'b+' must be 1–100 characters long \(got 101\)$/],
  ['a name with /action/', { budgetName: 'team/action/claims' }, /budgetName 'team\/action\/claims' must not contain '\/action\/'/],
  // enforcement
  ['enforcement without roles', (s) => deny(s, { roles: [] }),
    /^Stack\/Budget: enforcement\.roles must hold 1–100 IAM roles \(got 0\): the roles whose invocations are denied$/],
  ['enforcement with 101 roles', (s) => deny(s, { roles: Array.from({ length: 101 }, (_, i) => role(s, `R${i}`)) }), /enforcement\.roles must hold 1–100 IAM roles \(got 101\)/],
  ['enforcement of a cost center without profiles', (s) => ({ enforcement: BudgetEnforcement.denyInvocation({ roles: [role(s)] }) }),
    /^Stack\/Budget: enforcement\.profiles must name at least one application inference profile/],
  ['enforcement threshold out of range', (s) => deny(s, { threshold: BudgetThreshold.actual(0.01) }),
    /^Stack\/Budget: enforcement\.threshold percent 0\.01 must be a number from 0\.1/],
  ['a forecasted enforcement threshold on a DAILY budget', (s) => ({
    ...deny(s, { threshold: BudgetThreshold.forecasted(100) }), period: BudgetPeriod.DAILY,
  }), /^Stack\/Budget: enforcement\.threshold \(FORECASTED > 100 %\) cannot be on forecasted spend of a DAILY budget/],
  ['a forecasted SCP enforcement threshold on a DAILY budget', (s) => ({
    ...scp(s, { threshold: BudgetThreshold.forecastedAmount(10) }), period: BudgetPeriod.DAILY,
  }), /^Stack\/Budget: enforcement\.threshold \(FORECASTED > 10 USD\) cannot be on forecasted spend of a DAILY budget/],
  ['an enforcement role of another account', (s) => deny(s, {
    roles: [iam.Role.fromRoleArn(s, 'Other', 'arn:aws:iam::444455556666:role/claims-app')],
  }), /^Stack\/Budget: enforcement\.roles\[0\] \(Stack\/Other\) is in account 444455556666, but a budget action can only attach its policy to roles of the budget's account 111122223333/],
  ['enforcement of a budget without alerts', (s) => ({ ...deny(s), alerts: [] }),
    /^Stack\/Budget: enforcement needs 1–11 subscribers, which are the budget's alert subscribers \(got 0\): add an alert$/],
  ['enforcement with 12 distinct subscribers', (s) => ({
    ...deny(s),
    alerts: [BudgetAlert.at(BudgetThreshold.actual(80), { notify: BudgetSubscribers.costAlertTopic(emails(10)) }), BudgetAlert.at(BudgetThreshold.actual(100), { notify: BudgetSubscribers.emails(['x@example.com']) })],
  }), /enforcement needs 1–11 subscribers, which are the budget's alert subscribers \(got 12\): use fewer distinct topics and email addresses/],
  ['SCP enforcement without targets', (s) => scp(s, { targetIds: [] }),
    /^Stack\/Budget: enforcement\.targetIds must hold 1–100 account IDs or organizational unit IDs \(got 0\)$/],
  ['SCP target that is neither an account nor an OU', (s) => scp(s, { targetIds: ['r-ab12'] }),
    /^Stack\/Budget: enforcement\.targetIds 'r-ab12' must be an account ID \(12 digits\) or an organizational unit ID \(ou-…\)$/],
  ['SCP target twice', (s) => scp(s, { targetIds: ['444455556666', '444455556666'] }), /enforcement\.targetIds '444455556666' appears twice/],
  ['malformed organization ID', (s) => scp(s, { organizationId: 'org-1' }), /^Stack\/Budget: enforcement\.organizationId 'org-1' must match/],
];

describe('bad inputs fail at construction with the path, the prop and the rule', () => {
  test('there are at least 15 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  test.each(cases)('%s', (_name, props, message) => {
    expect(() => make(props)).toThrow(message);
  });
});

describe('tokens are not judged', () => {
  test('a limit, a threshold, an email address and a name that are tokens pass', () => {
    const { stack } = newStack();
    const budget = new CostCenterBudget(stack, 'Budget', {
      costCenter: CLAIMS,
      limit: Token.asNumber({ Ref: 'Limit' }),
      alerts: [BudgetAlert.at(BudgetThreshold.actual(Token.asNumber({ Ref: 'Percent' })), { notify: BudgetSubscribers.emails([Token.asString({ Ref: 'Email' })]) })],
      budgetName: Token.asString({ Ref: 'Name' }),
    });
    expect(Token.isUnresolved(budget.budgetName)).toBe(true);
  });
});

describe('what AWS accepts passes', () => {
  test('10 alerts, the most a budget has (NotificationWithSubscribersList max 10)', () => {
    const budget = make({ alerts: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => BudgetAlert.at(BudgetThreshold.actual(p))) });
    expect(budget.alerts).toHaveLength(10);
  });

  test('a DAILY budget with actual-spend alerts and an actual-spend enforcement', () => {
    expect(() => make((s) => ({
      ...deny(s, { threshold: BudgetThreshold.actualAmount(20) }),
      period: BudgetPeriod.DAILY,
      alerts: [BudgetAlert.at(BudgetThreshold.actual(90)), BudgetAlert.at(BudgetThreshold.actualAmount(20))],
    }))).not.toThrow();
  });

  test('limits with decimals, and a role of the budget\'s own account given by ARN', () => {
    expect(() => make({ limit: 0.5 })).not.toThrow();
    expect(() => make((s) => deny(s, { roles: [iam.Role.fromRoleArn(s, 'Own', 'arn:aws:iam::111122223333:role/claims-app')] }))).not.toThrow();
  });

  test('the deprecated BudgetAlert factories still make the same alerts as BudgetAlert.at', () => {
    const pairs: Array<[BudgetAlert, BudgetAlert]> = [
      [BudgetAlert.actual(80), BudgetAlert.at(BudgetThreshold.actual(80))],
      [BudgetAlert.forecasted(100), BudgetAlert.at(BudgetThreshold.forecasted(100))],
      [BudgetAlert.actualAmount(5), BudgetAlert.at(BudgetThreshold.actualAmount(5))],
      [BudgetAlert.forecastedAmount(7), BudgetAlert.at(BudgetThreshold.forecastedAmount(7))],
    ];
    for (const [deprecated, current] of pairs) expect(deprecated.threshold.description).toBe(current.threshold.description);
  });
});

describe('plannedLimits that start before the current period', () => {
  test('warn (AWS Budgets requires the plan to start with the current period; synth cannot know the deploy date)', () => {
    const budget = make({ plannedLimits: [{ start: '2020-01-01', amount: 5 }] });
    Annotations.fromStack(Stack.of(budget)).hasWarning('/Stack/Budget',
      Match.stringLikeRegexp('plannedLimits start 2020-01-01, before the current month .*AWS Budgets requires a plan that starts with the current period'));
  });

  test('a plan that starts next year does not warn', () => {
    const next = new Date().getUTCFullYear() + 1;
    const budget = make({ plannedLimits: [{ start: `${next}-01-01`, amount: 5 }] });
    Annotations.fromStack(Stack.of(budget)).hasNoWarning('/Stack/Budget', Match.anyValue());
  });
});
