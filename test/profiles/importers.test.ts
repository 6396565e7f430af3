import { App, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ApplicationInferenceProfile, CostCenter, CostCenterBudget } from '../../src';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

function setup() {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  const l1 = new bedrock.CfnApplicationInferenceProfile(stack, 'L1', {
    inferenceProfileName: 'claims',
    modelSource: { copyFrom: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${SONNET}` },
    tags: [{ key: 'dept', value: 'claims' }],
  });
  return { stack, l1 };
}

/** What @aws-cdk/aws-bedrock-alpha's ApplicationInferenceProfile does: an L2 whose defaultChild is the L1. */
class AlphaLike extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new bedrock.CfnApplicationInferenceProfile(this, 'Resource', {
      inferenceProfileName: 'uw',
      modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' },
      tags: [{ key: 'dept', value: 'underwriting' }],
    });
  }
}

describe('profiles made with the L1 (and by constructs built on it) get every feature', () => {
  test('tags, including those applied with Tags.of, the model source, ID and ARN come from the L1', () => {
    const { stack, l1 } = setup();
    Tags.of(l1).add('environment', 'prod');
    const profile = ApplicationInferenceProfile.fromCfnApplicationInferenceProfile(stack, 'Claims', l1);
    expect(stack.resolve(profile.profileArn)).toEqual({ 'Fn::GetAtt': ['L1', 'InferenceProfileArn'] });
    expect(stack.resolve(profile.profileId)).toEqual({ 'Fn::GetAtt': ['L1', 'InferenceProfileId'] });
    expect(profile.modelSource?.modelId).toBe(SONNET);
    expect(profile.modelSource?.geo?.prefix).toBe('us');
    Template.fromStack(stack); // aspects run: Tags.of reaches the L1
    expect(profile.costAllocationTags).toEqual({ dept: 'claims', environment: 'prod' });
  });

  test('grantInvoke names the model (only through the profile), as for the library\'s own profiles', () => {
    const { stack, l1 } = setup();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    ApplicationInferenceProfile.fromCfnApplicationInferenceProfile(stack, 'Claims', l1).grantInvoke(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Resource: { 'Fn::GetAtt': ['L1', 'InferenceProfileArn'] } }),
          Match.objectLike({
            Resource: Match.arrayWith([Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`foundation-model/${SONNET}`)])] })]),
            Condition: { StringEquals: { 'bedrock:InferenceProfileArn': { 'Fn::GetAtt': ['L1', 'InferenceProfileArn'] } } },
          }),
        ]),
      },
    });
  });

  test('a budget defined by the imported profile filters by the L1\'s tags', () => {
    const { stack, l1 } = setup();
    const costCenter = CostCenter.of('claims', { dept: 'claims' });
    const profile = ApplicationInferenceProfile.fromCfnApplicationInferenceProfile(stack, 'Claims', l1, { costCenter });
    expect(profile.costCenter?.name).toBe('claims');
    new CostCenterBudget(stack, 'Budget', { profiles: [profile], limit: 100 });
    const budget = Object.values(Template.fromStack(stack).findResources('AWS::Budgets::Budget'))[0];
    expect(JSON.stringify(budget.Properties.Budget.FilterExpression)).toContain('"Key":"dept","Values":["claims"]');
  });

  test('fromConstruct finds the L1 of an L2 built on it (e.g. @aws-cdk/aws-bedrock-alpha)', () => {
    const { stack } = setup();
    const alpha = new AlphaLike(stack, 'Alpha');
    const profile = ApplicationInferenceProfile.fromConstruct(stack, 'Uw', alpha);
    expect(profile.modelSource?.modelId).toBe('amazon.nova-pro-v1:0');
    expect(profile.costAllocationTags).toEqual({ dept: 'underwriting' });
    const l1 = alpha.node.defaultChild as bedrock.CfnApplicationInferenceProfile;
    expect(stack.resolve(profile.profileId)).toEqual(stack.resolve(l1.attrInferenceProfileId));
  });

  test('fromConstruct refuses a construct that holds no L1 profile', () => {
    const { stack } = setup();
    expect(() => ApplicationInferenceProfile.fromConstruct(stack, 'X', new Construct(stack, 'Other')))
      .toThrow(/Stack\/X: Stack\/Other is not an application inference profile made with CfnApplicationInferenceProfile/);
  });

  test('a copyFrom token leaves the model unknown (grants fall back to any model through the profile)', () => {
    const stack = new Stack(new App(), 'Stack');
    const l1 = new bedrock.CfnApplicationInferenceProfile(stack, 'L1', {
      inferenceProfileName: 'x', modelSource: { copyFrom: stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: `us.${SONNET}` }) },
    });
    const profile = ApplicationInferenceProfile.fromCfnApplicationInferenceProfile(stack, 'X', l1);
    expect(profile.modelSource?.modelId).toBeUndefined();
  });
});
