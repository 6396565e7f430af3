import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT_VENDING_ENV, parseAccountVendingSettings, vendedAccountOf } from '../../src/contracts/account-vending';
import {
  AccountVendingHook, AccountVendingHookProps, StackSetCallAs, StackSetConcurrencyMode,
} from '../../src/organization/account-vending-hook';
import { checkPreferences } from '../../src/organization/account-vending-validation';
import { ManagementAccount } from '../../src/util/management-account';
import { expectSchemaValid } from '../support/cfn-schema';
import { asUpdateManagedAccount, CREATE_MANAGED_ACCOUNT_SAMPLE, matchesEventPattern } from '../support/control-tower-events';
import { expectNagClean } from '../support/nag';

const MANAGEMENT = '999988887777';
const MEMBER = '111111111111';
const SAMPLE = CREATE_MANAGED_ACCOUNT_SAMPLE;

const BASE: AccountVendingHookProps = {
  stackSets: [{ stackSetName: 'bedrock-baseline', regions: ['us-east-1', 'eu-west-1'] }],
  parameters: { [MEMBER]: { CostCenter: 'claims', MonthlyBudget: '500' } },
};

function hookIn(props: AccountVendingHookProps = BASE, account: string = MANAGEMENT, region = 'us-east-1',
  management: string | null = MANAGEMENT): { stack: Stack; hook: AccountVendingHook } {
  const app = new App();
  if (management) ManagementAccount.set(app, management);
  const stack = new Stack(app, 'Vending', { env: { account, region } });
  return { stack, hook: new AccountVendingHook(stack, 'Hook', props) };
}

const matches = matchesEventPattern;
const asUpdate = asUpdateManagedAccount;

describe('rules', () => {
  const { stack } = hookIn();
  const template = Template.fromStack(stack);
  const rules = template.findResources('AWS::Events::Rule');
  const patternOf = (name: string) => Object.values(rules).map(r => r.Properties.EventPattern)
    .find(p => p.detail.eventName[0] === name) as Record<string, unknown>;

  test('one rule per lifecycle event, the research note\'s pattern (organization-rollout.md §4.1)', () => {
    expect(Object.keys(rules)).toHaveLength(2);
    expect(patternOf('CreateManagedAccount')).toEqual({
      'source': ['aws.controltower'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      'detail': {
        eventSource: ['controltower.amazonaws.com'],
        eventName: ['CreateManagedAccount'],
        serviceEventDetails: { createManagedAccountStatus: { state: ['SUCCEEDED'] } },
      },
    });
  });

  test('the CreateManagedAccount rule matches AWS\'s sample event, and the handler reads its account and OU', () => {
    expect(matches(patternOf('CreateManagedAccount'), SAMPLE)).toBe(true);
    expect(vendedAccountOf(SAMPLE)).toEqual({ accountId: MEMBER, organizationalUnitId: 'ou-abcd-l3zc8b3h' });
    expect(matches(patternOf('UpdateManagedAccount'), SAMPLE)).toBe(false);
  });

  test('the UpdateManagedAccount rule matches the update form; FAILED states match neither rule', () => {
    expect(matches(patternOf('UpdateManagedAccount'), asUpdate(SAMPLE))).toBe(true);
    expect(matches(patternOf('UpdateManagedAccount'), asUpdate(SAMPLE, 'FAILED'))).toBe(false);
    const failed = JSON.parse(JSON.stringify(SAMPLE));
    failed.detail.serviceEventDetails.createManagedAccountStatus.state = 'FAILED';
    expect(matches(patternOf('CreateManagedAccount'), failed)).toBe(false);
  });

  test('each rule targets the function with retries and the dead-letter queue', () => {
    template.resourcePropertiesCountIs('AWS::Events::Rule', {
      Targets: [Match.objectLike({
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('HookFailedEvents'), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
      })],
    }, 2);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('HookFailedEvents'), 'Arn'] } } },
    });
  });

  test('a daily reconcile by default, with the reconcile action', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      Target: Match.objectLike({ Input: JSON.stringify({ action: 'reconcile' }) }),
    });
  });
});

describe('settings (the contract)', () => {
  test('the synthesized environment parses with the handler\'s parser', () => {
    const { stack } = hookIn({
      ...BASE,
      parametersFromAccountTags: { 'cost-center': 'CostCenter' },
      operationPreferences: { maxConcurrentCount: 10, failureTolerancePercentage: 10 },
      reconcilePace: Duration.millis(500),
    });
    const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { [ACCOUNT_VENDING_ENV.settings]: Match.anyValue() } } },
    });
    const raw = Object.values(fns)[0].Properties.Environment.Variables[ACCOUNT_VENDING_ENV.settings];
    const settings = parseAccountVendingSettings(typeof raw === 'string' ? raw : JSON.stringify(raw));
    expect(settings).toEqual({
      schemaVersion: 2,
      stackSets: [{ stackSetName: 'bedrock-baseline', regions: ['us-east-1', 'eu-west-1'], callAs: 'SELF', region: 'us-east-1' }],
      parameters: BASE.parameters,
      parametersFromAccountTags: { 'cost-center': 'CostCenter' },
      operationPreferences: { ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE', MaxConcurrentCount: 10, FailureTolerancePercentage: 10 },
      reconcilePaceMs: 500,
      managementAccountId: MANAGEMENT,
    });
  });
});

describe('IAM', () => {
  const statements = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);

  test('StackSets actions on the named stack sets only; Organizations listing confined to this organization', () => {
    const { stack } = hookIn();
    const all = statements(stack);
    expect(all.find(s => s.Sid === 'ManageStackInstancesOfNamedStackSets')).toEqual({
      Sid: 'ManageStackInstancesOfNamedStackSets',
      Effect: 'Allow',
      Action: [
        'cloudformation:CreateStackInstances', 'cloudformation:UpdateStackInstances', 'cloudformation:DescribeStackInstance',
        'cloudformation:ListStackInstances', 'cloudformation:DescribeStackSet',
      ],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudformation:us-east-1:${MANAGEMENT}:stackset/bedrock-baseline:*`]] },
    });
    expect(all.find(s => s.Sid === 'ListAccountsAndOrganizationalUnitsOfParents')).toMatchObject({
      Action: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:organizations::${MANAGEMENT}:ou/o-*/ou-*`]] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:organizations::${MANAGEMENT}:root/o-*/r-*`]] },
      ],
    });
    expect(all.find(s => s.Sid === 'ListParentsOfOrganizationalUnits')).toMatchObject({
      Action: 'organizations:ListParents',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:organizations::${MANAGEMENT}:ou/o-*/ou-*`]] },
    });
    expect(all.some(s => s.Sid === 'ReadAccountTags')).toBe(false);
    expect(all.some(s => s.Sid === 'ListDelegatedAdministratorsForStackSets')).toBe(false);
    expect(all.every(s => s.Resource !== '*')).toBe(true);
  });

  test('account tags add ListTagsForResource on this organization\'s accounts', () => {
    const { stack } = hookIn({ ...BASE, parametersFromAccountTags: { 'cost-center': 'CostCenter' } });
    expect(statements(stack).find(s => s.Sid === 'ReadAccountTags')).toMatchObject({
      Action: 'organizations:ListTagsForResource',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:organizations::${MANAGEMENT}:account/o-*/*`]] },
    });
  });

  test('a delegated administrator\'s stack sets are the management account\'s; it may list delegated administrators', () => {
    const { stack } = hookIn({ stackSets: [{ stackSetName: 'baseline', regions: ['us-east-1'], callAs: StackSetCallAs.DELEGATED_ADMIN }] }, '555566667777');
    const all = statements(stack);
    expect(JSON.stringify(all.find(s => s.Sid === 'ManageStackInstancesOfNamedStackSets'))).toContain(`${MANAGEMENT}:stackset/baseline:*`);
    expect(all.find(s => s.Sid === 'ListDelegatedAdministratorsForStackSets')).toEqual({
      Sid: 'ListDelegatedAdministratorsForStackSets', Effect: 'Allow', Action: 'organizations:ListDelegatedAdministrators', Resource: '*',
    });
    expect(JSON.stringify(all)).toContain(`:organizations::${MANAGEMENT}:ou/o-*/ou-*`);
    expect(JSON.stringify(all)).not.toContain('555566667777');
  });

  test('a delegated administrator without a known management account: "*" for the account in Organizations and stack set ARNs, not its own', () => {
    const { stack } = hookIn({
      stackSets: [{ stackSetName: 'baseline', regions: ['us-east-1'], callAs: StackSetCallAs.DELEGATED_ADMIN }],
      parametersFromAccountTags: { 'cost-center': 'CostCenter' },
    }, '555566667777', 'us-east-1', null);
    const text = JSON.stringify(statements(stack));
    expect(text).not.toContain('555566667777');
    for (const arn of [':organizations::*:ou/o-*/ou-*', ':organizations::*:root/o-*/r-*', ':organizations::*:account/o-*/*', ':cloudformation:us-east-1:*:stackset/baseline:*']) {
      expect(text).toContain(arn);
    }
    expectNagClean(stack);
  });

  test('a stack set in another Region: its ARN names that Region', () => {
    const { stack } = hookIn({ ...BASE, stackSets: [{ stackSetName: 'bedrock-baseline', regions: ['us-east-1'], region: 'eu-central-1' }] });
    expect(JSON.stringify(statements(stack).find(s => s.Sid === 'ManageStackInstancesOfNamedStackSets')))
      .toContain(`:cloudformation:eu-central-1:${MANAGEMENT}:stackset/bedrock-baseline:*`);
    const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { [ACCOUNT_VENDING_ENV.settings]: Match.anyValue() } } },
    });
    const raw = Object.values(fns)[0].Properties.Environment.Variables[ACCOUNT_VENDING_ENV.settings];
    expect(parseAccountVendingSettings(typeof raw === 'string' ? raw : JSON.stringify(raw)).stackSets[0]).toMatchObject({ region: 'eu-central-1' });
  });
});

describe('checks', () => {
  test('schemas and cdk-nag (every wildcard acknowledged with its reason)', () => {
    const { stack } = hookIn({ ...BASE, parametersFromAccountTags: { 'cost-center': 'CostCenter' } });
    expectSchemaValid(stack);
    expectNagClean(stack);
  });

  test.each<[string, Partial<AccountVendingHookProps>, RegExp]>([
    ['stack set name', { stackSets: [{ stackSetName: '1-bad_name', regions: ['us-east-1'] }] }, /Vending\/Hook: stackSets\[0\]\.stackSetName '1-bad_name' must match/],
    ['no stack set', { stackSets: [] }, /stackSets must name at least one stack set/],
    ['Region', { stackSets: [{ stackSetName: 'ok', regions: ['us-east-one'] }] }, /stackSets\[0\]\.regions\[0\] 'us-east-one' is not a Region name/],
    ['no Region', { stackSets: [{ stackSetName: 'ok', regions: [] }] }, /stackSets\[0\]\.regions must name at least one Region/],
    ['account ID', { parameters: { 12345: { A: 'b' } } }, /parameters key '12345' must be a 12-digit account ID/],
    ['parameter key', { parameters: { [MEMBER]: { 'cost-center': 'x' } } }, /parameters\.111111111111 key 'cost-center' must be a template parameter name/],
    ['parameter value', { parameters: { [MEMBER]: { Big: 'x'.repeat(4097) } } }, /parameters\.111111111111\.Big is 4097 bytes/],
    ['tag key', { parametersFromAccountTags: { 'aws:x': 'X' } }, /parametersFromAccountTags tag key 'aws:x'/],
    ['count and percentage', { operationPreferences: { maxConcurrentCount: 2, maxConcurrentPercentage: 10 } }, /operationPreferences may set maxConcurrentCount or/],
    ['percentage range', { operationPreferences: { failureTolerancePercentage: 101 } }, /operationPreferences\.failureTolerancePercentage must be an integer from 0 to 100/],
    ['stack set Region', { stackSets: [{ stackSetName: 'ok', regions: ['us-east-1'], region: 'Frankfurt' }] }, /stackSets\[0\]\.region 'Frankfurt' is not a Region name/],
    ['target OU', { stackSets: [{ stackSetName: 'ok', regions: ['us-east-1'], organizationalUnits: ['ou-1'] }] },
      /stackSets\[0\]\.organizationalUnits\[0\] 'ou-1' must be an OU ID/],
    ['STRICT concurrency over tolerance + 1', {
      operationPreferences: { concurrencyMode: StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE, maxConcurrentCount: 5, failureToleranceCount: 3 },
    }, /operationPreferences\.maxConcurrentCount is 5; with STRICT_FAILURE_TOLERANCE it may be at most failureToleranceCount \+ 1 \(4\)/],
    ['schedule', { reconcileSchedule: 'daily' }, /reconcileSchedule 'daily' must be an EventBridge Scheduler/],
    ['home Region', { controlTowerHomeRegion: 'eu-west-1' }, /controlTowerHomeRegion is eu-west-1, but the stack deploys to us-east-1/],
  ])('refuses a bad %s, naming path, prop and rule', (_what, change, message) => {
    expect(() => hookIn({ ...BASE, ...change } as AccountVendingHookProps)).toThrow(message);
  });

  test('SELF outside the management account is refused', () => {
    expect(() => hookIn(BASE, '555566667777')).toThrow(/stackSets use callAs SELF only in the management account \(999988887777\)/);
  });

  test('STRICT allows a count of tolerance + 1; SOFT (the hook\'s default) any count', () => {
    const strict = StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE;
    const allowed = { concurrencyMode: strict, maxConcurrentCount: 4, failureToleranceCount: 3 };
    expect(() => hookIn({ ...BASE, operationPreferences: allowed })).not.toThrow();
    expect(() => hookIn({ ...BASE, operationPreferences: { maxConcurrentCount: 20, failureToleranceCount: 0 } })).not.toThrow();
  });

  test('checkPreferences applies the caller\'s default mode (STRICT when that is the default)', () => {
    const { stack } = hookIn();
    expect(() => checkPreferences(stack, { maxConcurrentCount: 3, failureToleranceCount: 0 }, 'STRICT_FAILURE_TOLERANCE'))
      .toThrow(/maxConcurrentCount is 3; with STRICT_FAILURE_TOLERANCE \(the default\) it may be at most failureToleranceCount \+ 1 \(1\)/);
    expect(() => checkPreferences(stack, { maxConcurrentCount: 3, failureToleranceCount: 0 })).not.toThrow();
  });

  test('concurrency mode defaults to SOFT and can be STRICT', () => {
    const { stack } = hookIn({ ...BASE, operationPreferences: { concurrencyMode: StackSetConcurrencyMode.STRICT_FAILURE_TOLERANCE } });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('STRICT_FAILURE_TOLERANCE');
  });
});
