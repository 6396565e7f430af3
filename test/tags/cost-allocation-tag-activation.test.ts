import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { parseActivationProperties } from '../../lambda/tag-activator/properties';
import { TagActivationRetryEvent } from '../../src/contracts/tag-activation';
import { CostAllocationTagActivation } from '../../src/tags/cost-allocation-tag-activation';
import { CostAllocationTagSchema } from '../../src/tags/cost-allocation-tag-schema';
import { ManagementAccount } from '../../src/util/management-account';
import { acknowledgeNagFinding } from '../../src/util/nag-acknowledgement';
import { ProviderOptions } from '../../src/util/provider-options';
import { deliveredActivations } from '../lambda/tag-activator/synthesized';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

function newStack(app = new App()): Stack {
  return new Stack(app, 'Payer', { env: { region: 'us-east-1', account: '111122223333' } });
}

const ssmArn = (path: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:111122223333:parameter/${path}`]] });

describe('CostAllocationTagActivation', () => {
  test('activates the schema keys and their IAM-principal forms, with a daily retry', () => {
    const stack = newStack();
    const activation = new CostAllocationTagActivation(stack, 'Tags', {
      schema: CostAllocationTagSchema.standard(),
      includeIamPrincipalTags: true,
      backfillMonths: 3,
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('Custom::CostAllocationTagActivation', {
      SchemaVersion: '1',
      TagKeys: ['dept', 'project', 'environment', 'application', 'team',
        'iamPrincipal/dept', 'iamPrincipal/project', 'iamPrincipal/environment', 'iamPrincipal/application', 'iamPrincipal/team'],
      StateParameterName: activation.stateParameterName,
      BackfillMonths: 3,
      DeactivateOnDelete: false,
    });
    expect(activation.stateParameterName).toMatch(/^\/cdk-bedrock-cost-governance\/tag-activation\/Payer-Tags-[A-F0-9]{8}$/);
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      Target: {
        Input: JSON.stringify({ action: 'retry-pending', stateParameterName: activation.stateParameterName }),
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RetryRole'), 'Arn'] },
      },
    });
  });

  test('the handler may touch the state parameters below the prefix, not a list of the activations in the app', () => {
    const stack = newStack();
    new CostAllocationTagActivation(stack, 'A', { tagKeys: ['dept'] });
    new CostAllocationTagActivation(stack, 'B', { tagKeys: ['team'] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'KeepActivationState',
            Effect: 'Allow',
            Action: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
            // one resource, the prefix: an activation removed from the app may still delete its own parameter
            Resource: ssmArn('cdk-bedrock-cost-governance/tag-activation/*'),
          },
          {
            Sid: 'ReadOtherActivationStates',
            Effect: 'Allow',
            Action: 'ssm:GetParametersByPath',
            Resource: ssmArn('cdk-bedrock-cost-governance/tag-activation'),
          },
        ]),
      },
    });
  });

  test('the synthesized properties, as CloudFormation delivers them, parse in the handler to the expected spec', () => {
    const stack = newStack();
    const full = new CostAllocationTagActivation(stack, 'Full', {
      schema: CostAllocationTagSchema.standard(), tagKeys: ['team', 'cost-center'], includeIamPrincipalTags: true, backfillMonths: 12, deactivateOnDelete: true,
    });
    const plain = new CostAllocationTagActivation(stack, 'Plain', { tagKeys: ['dept'], backfillMonths: 1 });
    const bare = new CostAllocationTagActivation(stack, 'Bare', { tagKeys: ['dept'] });
    const delivered = Object.values(deliveredActivations(stack));
    expect(delivered).toHaveLength(3);
    const byName = Object.fromEntries(delivered.map((p) => [p.StateParameterName as string, p]));
    // every scalar arrives as a string, as CloudFormation passes custom resource properties
    expect(byName[full.stateParameterName]).toMatchObject({ SchemaVersion: '1', BackfillMonths: '12', DeactivateOnDelete: 'true' });
    expect(parseActivationProperties(byName[full.stateParameterName])).toEqual({
      tagKeys: full.tagKeys, stateParameterName: full.stateParameterName, backfillMonths: 12, deactivateOnDelete: true,
    });
    expect(full.tagKeys).toEqual(['dept', 'project', 'environment', 'application', 'team', 'cost-center',
      ...['dept', 'project', 'environment', 'application', 'team', 'cost-center'].map((k) => `iamPrincipal/${k}`)]);
    expect(parseActivationProperties(byName[plain.stateParameterName])).toEqual({
      tagKeys: ['dept'], stateParameterName: plain.stateParameterName, backfillMonths: 1, deactivateOnDelete: false,
    });
    expect(parseActivationProperties(byName[bare.stateParameterName])).toEqual({
      tagKeys: ['dept'], stateParameterName: bare.stateParameterName, backfillMonths: undefined, deactivateOnDelete: false,
    });
  });

  test('the retry schedule sends the contract\'s retry event', () => {
    const stack = newStack();
    const activation = new CostAllocationTagActivation(stack, 'Tags', { tagKeys: ['dept'] });
    const schedules = Object.values(Template.fromStack(stack).findResources('AWS::Scheduler::Schedule'));
    const event = JSON.parse(schedules[0].Properties.Target.Input) as TagActivationRetryEvent;
    expect(event).toEqual({ action: 'retry-pending', stateParameterName: activation.stateParameterName });
  });

  test('providerOptions: the same object (or none) on later activations shares the provider; other options fail', () => {
    const stack = newStack();
    const options: ProviderOptions = { logRetention: logs.RetentionDays.TWO_YEARS };
    new CostAllocationTagActivation(stack, 'A', { tagKeys: ['dept'], providerOptions: options });
    new CostAllocationTagActivation(stack, 'B', { tagKeys: ['team'], providerOptions: options });
    new CostAllocationTagActivation(stack, 'C', { tagKeys: ['app'] });
    expect(() => new CostAllocationTagActivation(stack, 'D', { tagKeys: ['env'], providerOptions: { logRetention: logs.RetentionDays.ONE_YEAR } }))
      .toThrow(/Payer\/D: providerOptions apply to the one provider of stack Payer, and Payer\/A gave other providerOptions/);
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 2);
  });

  test('providerOptions after a first activation without them fail instead of being ignored', () => {
    const stack = newStack();
    new CostAllocationTagActivation(stack, 'A', { tagKeys: ['dept'] });
    expect(() => new CostAllocationTagActivation(stack, 'B', { tagKeys: ['team'], providerOptions: { logRetention: logs.RetentionDays.TWO_YEARS } }))
      .toThrow(/Payer\/B: providerOptions .* Payer\/A created them with default settings/);
  });

  test('synth warns when the stack\'s account is known not to be the management account', () => {
    const app = new App();
    ManagementAccount.set(app, '999999999999');
    const stack = newStack(app);
    new CostAllocationTagActivation(stack, 'Tags', { tagKeys: ['dept'] });
    Annotations.fromStack(stack).hasWarning('/Payer/Tags', Match.stringLikeRegexp(
      'only in the management \\(payer\\) account of the organization \\(999999999999\\), but this stack deploys to account 111122223333.*'
      + 'activationOutsideManagementAccount'));
  });

  test.each([
    ['the management account itself', '111122223333', { region: 'us-east-1', account: '111122223333' }],
    ['no management account set', undefined, { region: 'us-east-1', account: '111122223333' }],
    ['an environment-agnostic stack', '999999999999', undefined],
  ])('no warning for %s', (_what, management, env) => {
    const app = new App();
    if (management) ManagementAccount.set(app, management);
    const stack = new Stack(app, 'Payer', { env });
    new CostAllocationTagActivation(stack, 'Tags', { tagKeys: ['dept'] });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('activationOutsideManagementAccount'))).toEqual([]);
  });

  test('one provider per stack for several activations', () => {
    const stack = newStack();
    new CostAllocationTagActivation(stack, 'A', { tagKeys: ['dept'] });
    new CostAllocationTagActivation(stack, 'B', { tagKeys: ['team'] });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 2);
  });

  test('templates validate against the schemas, cdk-nag is clean, Control Tower passes in a VPC', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
    acknowledgeNagFinding(vpc, 'AwsSolutions-VPC7', 'The VPC is the test\'s stand-in for the user\'s network; its flow logs are the user\'s choice.');
    new CostAllocationTagActivation(stack, 'Tags', { tagKeys: ['dept'], providerOptions: { vpc } });
    expectSchemaValid(stack);
    expectNagClean(stack);
    // the default VPC's public subnets map public IPs (CT.EC2.PR.11): the user's network, not the library's
    const failing = controlTowerFindings(stack, { exempt: ['CT.EC2.PR.11'] });
    expect(failing).toEqual([]);
  });

  test.each([
    [{}, /Payer\/Tags: tagKeys must name at least one key/],
    [{ tagKeys: ['aws:createdBy'] }, /Payer\/Tags: tagKeys tag key 'aws:createdBy' must not start with the reserved prefix/],
    [{ tagKeys: ['dept'], retrySchedule: 'every day' }, /Payer\/Tags: retrySchedule 'every day' must be an EventBridge Scheduler/],
    [{ tagKeys: ['dept'], backfillMonths: 13 }, /Payer\/Tags: backfillMonths 13 must be an integer from 1 to 12/],
    [{ tagKeys: ['dept'], backfillMonths: 0 }, /backfillMonths 0 must be an integer from 1 to 12/],
    [{ tagKeys: Array.from({ length: 50 }, (_, i) => `department-cost-center-key-${i}`), includeIamPrincipalTags: true }, /Payer\/Tags: tagKeys hold too many or too long keys for one activation/],
  ])('bad input %#', (props, message) => {
    expect(() => new CostAllocationTagActivation(newStack(), 'Tags', props)).toThrow(message);
  });
});
