import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CostAllocationTagActivation, CostAllocationTagSchema } from '../../src';
import { acknowledgeNagFinding } from '../../src/util/nag-acknowledgement';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

function newStack(): Stack {
  return new Stack(new App(), 'Payer', { env: { region: 'us-east-1', account: '111122223333' } });
}

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
    // the handler may only touch its own state parameter
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'KeepActivationState',
          Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:111122223333:parameter${activation.stateParameterName}`]] }],
        })]),
      },
    });
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
