import { App, CfnParameter, Stack, Tags, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import {
  AnomalyAlertSubscription, AnomalyMonitorDimension, AnomalyMonitorScope, AnomalyMonitorType, AnomalyThreshold,
  CostAnomalyMonitor, CostAnomalyMonitorProps,
} from '../../src/anomaly';
import { CostCenter } from '../../src/tags/cost-center';
import { ManagementAccount } from '../../src/util/management-account';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

const MONITOR = 'AWS::CE::AnomalyMonitor';
const ACCOUNT = '111122223333';
const MANAGEMENT = '999988887777';
const CONTEXT_KEY = 'cdk-bedrock-cost-governance:managementAccountId';

/** A us-east-1 stack (where AWS::CE::* exist); `''` for an account that is not known at synth. */
function newStack(account: string | undefined = ACCOUNT, context?: Record<string, unknown>): Stack {
  return new Stack(new App({ context }), 'Test', { env: { account: account || undefined, region: 'us-east-1' } });
}

function monitorProps(stack: Stack): Record<string, any> {
  const resources = Template.fromStack(stack).findResources(MONITOR);
  const [only] = Object.values(resources);
  return only.Properties;
}

describe('CostAnomalyMonitor: one template per scope', () => {
  // [factory, MonitorType, MonitorDimension, MonitorSpecification (parsed)]
  const cases: Array<[string, () => AnomalyMonitorScope, string, string | undefined, unknown]> = [
    ['services()', () => AnomalyMonitorScope.services(), 'DIMENSIONAL', 'SERVICE', undefined],
    ['costAllocationTag(key)', () => AnomalyMonitorScope.costAllocationTag('dept'), 'DIMENSIONAL', 'TAG', { Tags: { Key: 'dept' } }],
    ['costAllocationTagValues(key, values)', () => AnomalyMonitorScope.costAllocationTagValues('dept', ['claims', 'underwriting']),
      'CUSTOM', undefined, { Tags: { Key: 'dept', Values: ['claims', 'underwriting'] } }],
    ['linkedAccounts(ids)', () => AnomalyMonitorScope.linkedAccounts(['000011112222', ACCOUNT]),
      'CUSTOM', undefined, { Dimensions: { Key: 'LINKED_ACCOUNT', Values: ['000011112222', ACCOUNT] } }],
    ['eachLinkedAccount()', () => AnomalyMonitorScope.eachLinkedAccount(), 'DIMENSIONAL', 'LINKED_ACCOUNT', undefined],
    ['costCategory(name, value)', () => AnomalyMonitorScope.costCategory('Business Unit', 'Claims-EU'),
      'CUSTOM', undefined, { CostCategories: { Key: 'Business Unit', Values: ['Claims-EU'] } }],
    ['eachCostCategoryValue(name)', () => AnomalyMonitorScope.eachCostCategoryValue('Business Unit'),
      'DIMENSIONAL', 'COST_CATEGORY', { CostCategories: { Key: 'Business Unit' } }],
    ['costCenter(costCenter)', () => AnomalyMonitorScope.costCenter(new CostCenter({ name: 'claims', tags: { dept: 'claims' } })),
      'CUSTOM', undefined, { Tags: { Key: 'dept', Values: ['claims'] } }],
    ['costCenter(costCenter, tagKey)', () => AnomalyMonitorScope.costCenter(new CostCenter({ name: 'claims', tags: { dept: 'claims', team: 'fraud' } }), 'team'),
      'CUSTOM', undefined, { Tags: { Key: 'team', Values: ['fraud'] } }],
    ['fromSpecification(options)', () => AnomalyMonitorScope.fromSpecification({
      monitorType: AnomalyMonitorType.CUSTOM, monitorSpecification: '{"Tags":{"Key":"app","Values":["chat"]}}',
    }), 'CUSTOM', undefined, { Tags: { Key: 'app', Values: ['chat'] } }],
  ];

  test.each(cases)('%s', (_name, scope, type, dimension, specification) => {
    const stack = newStack();
    new CostAnomalyMonitor(stack, 'Monitor', { monitorScope: scope() });
    const props = monitorProps(stack);
    expect(props.MonitorType).toBe(type);
    expect(props.MonitorDimension).toBe(dimension);
    // MonitorSpecification is a JSON string in CloudFormation
    if (specification === undefined) {
      expect(props.MonitorSpecification).toBeUndefined();
    } else {
      expect(typeof props.MonitorSpecification).toBe('string');
      expect(JSON.parse(props.MonitorSpecification)).toEqual(specification);
    }
    expect(props.MonitorName).toMatch(/^Test-Monitor-[A-Z0-9]{8}-[0-9a-f]{8}$/);
    expectSchemaValid(stack);
  });

  test('every scope in one stack validates against the schema and is cdk-nag clean', () => {
    const stack = newStack();
    cases.forEach(([, scope], i) => {
      if (i === 8 || i === 9) return; // a second CUSTOM tag monitor and the escape hatch add nothing
      new CostAnomalyMonitor(stack, `M${i}`, { monitorScope: scope() });
    });
    Template.fromStack(stack).resourceCountIs(MONITOR, 8);
    expectSchemaValid(stack);
    expectNagClean(stack);
  });
});

describe('CostAnomalyMonitor names', () => {
  test('used twice, the generated names differ', () => {
    const stack = newStack();
    const a = new CostAnomalyMonitor(stack, 'A', { monitorScope: AnomalyMonitorScope.costAllocationTagValues('dept', ['claims']) });
    const b = new CostAnomalyMonitor(stack, 'B', { monitorScope: AnomalyMonitorScope.costAllocationTagValues('dept', ['claims']) });
    expect(a.monitorName).not.toBe(b.monitorName);
  });

  test('the same construct in two stacks gets two names', () => {
    const app = new App();
    const env = { region: 'us-east-1' };
    const names = ['One', 'Two'].map((s) => new CostAnomalyMonitor(new Stack(app, s, { env }), 'M', { monitorScope: AnomalyMonitorScope.services() }).monitorName);
    expect(names[0]).not.toBe(names[1]);
  });

  test('a change of scope (which replaces the monitor) changes the name; the same scope keeps it', () => {
    const name = (scope: AnomalyMonitorScope) => new CostAnomalyMonitor(newStack(), 'M', { monitorScope: scope }).monitorName;
    const claims = name(AnomalyMonitorScope.costAllocationTagValues('dept', ['claims']));
    expect(name(AnomalyMonitorScope.costAllocationTagValues('dept', ['claims']))).toBe(claims);
    expect(name(AnomalyMonitorScope.costAllocationTagValues('dept', ['claims', 'pricing']))).not.toBe(claims);
  });

  test('generated names are byte-identical to those of the previous name scheme (deployed monitors and subscriptions keep their names)', () => {
    const stack = newStack();
    const monitor = new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.services() });
    expect(monitor.monitorName).toBe('Test-M-F290BE35-f8efe3d2');
    expect(new AnomalyAlertSubscription(stack, 'Alerts', { monitors: [monitor], threshold: AnomalyThreshold.absoluteUsd(1) }).subscriptionName)
      .toBe('Test-Alerts-3787637A-0b269177');
  });

  test('a given name is used as is', () => {
    const stack = newStack();
    new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.services(), monitorName: 'Bedrock spend by service' });
    expect(monitorProps(stack).MonitorName).toBe('Bedrock spend by service');
  });

  test('a very deep construct path still gives a name far below 1,024 characters', () => {
    let scope: Construct = newStack();
    for (let i = 0; i < 40; i++) scope = new Construct(scope, `Level${i}WithALongName`);
    const monitor = new CostAnomalyMonitor(scope, 'M', { monitorScope: AnomalyMonitorScope.services() });
    expect(monitor.monitorName.length).toBeLessThanOrEqual(209);
  });
});

describe('management account (tag, cost category and linked account monitors)', () => {
  const warning = Match.stringLikeRegexp('can be created only in the management account \\(999988887777\\), but this stack deploys to account 111122223333');

  test('warns when the stack account is not managementAccountId', () => {
    const stack = newStack();
    new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.costAllocationTag('dept'), managementAccountId: MANAGEMENT });
    Annotations.fromStack(stack).hasWarning('/Test/M', warning);
  });

  test('reads the management account from context when the prop is absent', () => {
    const stack = newStack(ACCOUNT, { [CONTEXT_KEY]: MANAGEMENT });
    const monitor = new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.linkedAccounts(['000011112222']) });
    expect(monitor.managementAccountId).toBe(MANAGEMENT);
    Annotations.fromStack(stack).hasWarning('/Test/M', warning);
  });

  test('the prop wins over context', () => {
    const stack = newStack(ACCOUNT, { [CONTEXT_KEY]: MANAGEMENT });
    new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.eachCostCategoryValue('BU'), managementAccountId: ACCOUNT });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test.each([
    ['in the management account', ACCOUNT, AnomalyMonitorScope.costAllocationTag('dept'), ACCOUNT],
    ['services monitor anywhere', ACCOUNT, AnomalyMonitorScope.services(), MANAGEMENT],
    ['unknown stack account', '', AnomalyMonitorScope.costAllocationTag('dept'), MANAGEMENT],
    ['unknown management account', ACCOUNT, AnomalyMonitorScope.costAllocationTag('dept'), undefined],
  ])('no warning: %s', (_name, account, scope, management) => {
    const stack = newStack(account);
    new CostAnomalyMonitor(stack, 'M', { monitorScope: scope as AnomalyMonitorScope, managementAccountId: management });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('requiresManagementAccount is false only for services monitors', () => {
    expect(AnomalyMonitorScope.services().requiresManagementAccount).toBe(false);
    for (const scope of [AnomalyMonitorScope.costAllocationTag('k'), AnomalyMonitorScope.costAllocationTagValues('k', ['v']),
      AnomalyMonitorScope.linkedAccounts([ACCOUNT]), AnomalyMonitorScope.eachLinkedAccount(), AnomalyMonitorScope.costCategory('c', 'v'),
      AnomalyMonitorScope.eachCostCategoryValue('c')]) {
      expect(scope.requiresManagementAccount).toBe(true);
    }
  });
});

describe('account limits, counted in the stack', () => {
  test('a second AWS managed monitor of the same dimension fails synth', () => {
    const stack = newStack();
    new CostAnomalyMonitor(stack, 'ByTag', { monitorScope: AnomalyMonitorScope.costAllocationTag('dept') });
    new CostAnomalyMonitor(stack, 'ByTeam', { monitorScope: AnomalyMonitorScope.costAllocationTag('team') });
    expect(() => Template.fromStack(stack)).toThrow(
      /Test\/ByTeam: monitorScope is a second AWS managed TAG monitor in the stack \(the first is Test\/ByTag\): an account can have only 1 AWS managed monitor per dimension/);
  });

  test('AWS managed monitors of different dimensions, and customer managed ones, coexist', () => {
    const stack = newStack();
    new CostAnomalyMonitor(stack, 'Services', { monitorScope: AnomalyMonitorScope.services() });
    new CostAnomalyMonitor(stack, 'Tag', { monitorScope: AnomalyMonitorScope.costAllocationTag('dept') });
    new CostAnomalyMonitor(stack, 'Accounts', { monitorScope: AnomalyMonitorScope.eachLinkedAccount() });
    new CostAnomalyMonitor(stack, 'Claims', { monitorScope: AnomalyMonitorScope.costAllocationTagValues('dept', ['claims']) });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('the 501st customer managed monitor fails synth, and only it', () => {
    const stack = newStack();
    for (let i = 0; i < 501; i++) {
      new CostAnomalyMonitor(stack, `M${i}`, { monitorScope: AnomalyMonitorScope.costAllocationTagValues('tenant', [`t${i}`]) });
    }
    const errors = stack.node.findAll().flatMap((c) => c.node.validate());
    expect(errors).toEqual(['Test/M500: monitorScope makes customer managed monitor number 501 of stack Test: an account can have at most 500']);
  });
});

describe('CostAnomalyMonitor.fromMonitorArn', () => {
  test('imports a monitor with its account', () => {
    const stack = newStack();
    const monitor = CostAnomalyMonitor.fromMonitorArn(stack, 'Imported', 'arn:aws:ce::123456789012:anomalymonitor/0a1b2c3d-4e5f-6789-abcd-ef0123456789');
    expect(monitor.monitorArn).toBe('arn:aws:ce::123456789012:anomalymonitor/0a1b2c3d-4e5f-6789-abcd-ef0123456789');
    expect(monitor.env.account).toBe('123456789012');
  });

  test('accepts a token', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'Arn').valueAsString;
    expect(CostAnomalyMonitor.fromMonitorArn(stack, 'Imported', arn).monitorArn).toBe(arn);
  });

  test('isCostAnomalyMonitor tells monitors apart', () => {
    const stack = newStack();
    const monitor = new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.services() });
    expect(CostAnomalyMonitor.isCostAnomalyMonitor(monitor)).toBe(true);
    expect(CostAnomalyMonitor.isCostAnomalyMonitor(stack)).toBe(false);
    expect(CostAnomalyMonitor.isCostAnomalyMonitor(undefined)).toBe(false);
  });
});

describe('tokens and tags', () => {
  test('values that are tokens are not judged, and become Fn::Join in the specification', () => {
    const stack = newStack();
    const account = new CfnParameter(stack, 'Account').valueAsString;
    const key = new CfnParameter(stack, 'Key').valueAsString;
    const props: CostAnomalyMonitorProps = {
      monitorScope: AnomalyMonitorScope.linkedAccounts([account]),
      monitorName: Token.asString({ Ref: 'AWS::StackName' }),
      managementAccountId: new CfnParameter(stack, 'Management').valueAsString,
    };
    new CostAnomalyMonitor(stack, 'Accounts', props);
    new CostAnomalyMonitor(stack, 'Tag', { monitorScope: AnomalyMonitorScope.costAllocationTag(key) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties(MONITOR, {
      MonitorType: 'CUSTOM',
      MonitorSpecification: { 'Fn::Join': ['', ['{"Dimensions":{"Key":"LINKED_ACCOUNT","Values":["', { Ref: 'Account' }, '"]}}']] },
    });
    t.hasResourceProperties(MONITOR, {
      MonitorDimension: 'TAG',
      MonitorSpecification: { 'Fn::Join': ['', ['{"Tags":{"Key":"', { Ref: 'Key' }, '"}}']] },
    });
    expectSchemaValid(stack);
  });

  test('identities do not carry token text', () => {
    const stack = newStack();
    const key = new CfnParameter(stack, 'Key').valueAsString;
    expect(AnomalyMonitorScope.costAllocationTagValues(key, ['a']).identity).toBe('CUSTOM/TAG:<token>=a');
  });

  test('Tags.of() reaches the monitor as ResourceTags (create-only: a change replaces the monitor)', () => {
    const stack = newStack();
    new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.services() });
    Tags.of(stack).add('env', 'prod');
    Template.fromStack(stack).hasResourceProperties(MONITOR, { ResourceTags: [{ Key: 'env', Value: 'prod' }] });
    expectSchemaValid(stack);
  });

  test('scope properties describe the monitor', () => {
    const scope = AnomalyMonitorScope.eachCostCategoryValue('BU');
    expect(scope.monitorType).toBe(AnomalyMonitorType.DIMENSIONAL);
    expect(scope.monitorDimension).toBe(AnomalyMonitorDimension.COST_CATEGORY);
    expect(AnomalyMonitorScope.costCategory('BU', 'x').monitorDimension).toBeUndefined();
  });
});

describe('Region: AWS::CE::* exist in some Regions only (guardRegion)', () => {
  const inRegion = (region?: string) => new Stack(new App(), 'Billing', region ? { env: { account: ACCOUNT, region } } : {});

  test('a monitor and a subscription in a Region whose CloudFormation lacks AWS::CE::* fail at synth, saying to use us-east-1', () => {
    const stack = inRegion('mx-central-1');
    expect(() => new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.services() }))
      .toThrow(/^Billing\/M\/Resource: AWS::CE::AnomalyMonitor exists only in us-east-1, .*this stack deploys to mx-central-1.*env: \{ region: 'us-east-1' \}/);
    const other = inRegion('mx-central-1');
    const imported = CostAnomalyMonitor.fromMonitorArn(other, 'Imported', `arn:aws:ce::${ACCOUNT}:anomalymonitor/abc`);
    expect(() => new AnomalyAlertSubscription(other, 'Alerts', { monitors: [imported], threshold: AnomalyThreshold.absoluteUsd(10) }))
      .toThrow(/^Billing\/Alerts\/Resource: AWS::CE::AnomalySubscription exists only in us-east-1, .*region: 'us-east-1'/);
  });

  test('eu-west-1 has AWS::CE::AnomalyMonitor (regional since December 2023): no error', () => {
    expect(() => new CostAnomalyMonitor(inRegion('eu-west-1'), 'M', { monitorScope: AnomalyMonitorScope.services() })).not.toThrow();
  });

  test('a stack whose Region is a token gets a warning, not an error', () => {
    const stack = inRegion();
    new CostAnomalyMonitor(stack, 'M', { monitorScope: AnomalyMonitorScope.services() });
    Annotations.fromStack(stack).hasWarning('/Billing/M/Resource',
      Match.stringLikeRegexp('AWS::CE::AnomalyMonitor exists only in us-east-1, .*not known at synth.*region: \'us-east-1\''));
  });
});

describe('management account read through ManagementAccount', () => {
  test('ManagementAccount.set(app) is read when the prop is absent; the prop wins', () => {
    const app = new App();
    ManagementAccount.set(app, MANAGEMENT);
    const stack = new Stack(app, 'Test', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const fromApp = new CostAnomalyMonitor(stack, 'FromApp', { monitorScope: AnomalyMonitorScope.costAllocationTag('dept') });
    const fromProp = new CostAnomalyMonitor(stack, 'FromProp', { monitorScope: AnomalyMonitorScope.eachLinkedAccount(), managementAccountId: ACCOUNT });
    expect(fromApp.managementAccountId).toBe(MANAGEMENT);
    expect(fromProp.managementAccountId).toBe(ACCOUNT);
    Annotations.fromStack(stack).hasWarning('/Test/FromApp', Match.stringLikeRegexp('management account \\(999988887777\\)'));
    Annotations.fromStack(stack).hasNoWarning('/Test/FromProp', Match.anyValue());
  });

  test('the context key is ManagementAccount.CONTEXT_KEY', () => {
    expect(ManagementAccount.CONTEXT_KEY).toBe(CONTEXT_KEY);
  });
});
