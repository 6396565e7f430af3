import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CostCenterAccess } from '../../src';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

describe('CostCenterAccess.abacPolicy', () => {
  test('profiles whose tags equal the caller\'s; models only through application profiles', () => {
    const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '111122223333' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    CostCenterAccess.abacPolicy(stack, 'Abac', { tagKeys: ['dept', 'team'], roles: [role] });
    const t = Template.fromStack(stack);
    const profiles = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1:111122223333:application-inference-profile/*']] };
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: 'Role1ABCC5F0' }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'InvokeProfilesOfTheCallersCostCenter',
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Effect: 'Allow',
            Resource: profiles,
            Condition: {
              StringEquals: { 'aws:ResourceTag/dept': '${aws:PrincipalTag/dept}', 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' },
              Null: { 'aws:ResourceTag/dept': 'false', 'aws:ResourceTag/team': 'false' },
            },
          },
          {
            Sid: 'ModelsOnlyThroughApplicationProfiles',
            Effect: 'Allow',
            Condition: { ArnLike: { 'bedrock:InferenceProfileArn': profiles } },
            Resource: [
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*::foundation-model/*']] },
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*:111122223333:inference-profile/*']] },
            ],
          },
        ],
      },
    });
    expectSchemaValid(stack);
    expectNagClean(stack);
  });

  test.each([
    [{ tagKeys: [] }, /Stack\/Abac: tagKeys must hold at least one tag key/],
    [{ tagKeys: ['aws:dept'] }, /tagKeys tag key 'aws:dept' must not start with the reserved prefix/],
    [{ tagKeys: ['dept', 'dept'] }, /tagKeys must not repeat a key/],
    [{ tagKeys: ['dept'], managedPolicyName: 'bad name!' }, /managedPolicyName 'bad name!' must be 1–128 characters/],
  ])('bad input %#', (props, message) => {
    const stack = new Stack(new App(), 'Stack');
    expect(() => CostCenterAccess.abacPolicy(stack, 'Abac', props)).toThrow(message);
  });
});
