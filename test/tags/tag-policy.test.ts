import { App, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { Construct } from 'constructs';
import { ApplicationInferenceProfile, CostAllocationTagSchema, ModelSource, TagPolicy } from '../../src';

const NOVA = ModelSource.foundationModel('amazon.nova-pro-v1:0');
const ARN = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123def456';

function stackWithPolicy(): { app: App; stack: Stack; policy: TagPolicy } {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { region: 'us-east-1', account: '111122223333' } });
  const policy = TagPolicy.enforce(app, CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting'] }));
  return { app, stack, policy };
}

describe('TagPolicy', () => {
  test('compliant profiles (own tags and Tags.of) pass', () => {
    const { app, stack, policy } = stackWithPolicy();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims' } });
    const uw = new ApplicationInferenceProfile(stack, 'Underwriting', { modelSource: NOVA });
    Tags.of(uw).add('dept', 'underwriting');
    Tags.of(stack).add('environment', 'prod');
    expect(() => app.synth()).not.toThrow();
    expect(policy.checkedPaths).toEqual(['Stack/Claims', 'Stack/Underwriting']);
  });

  test('one message lists every offending construct path and key', () => {
    const { stack } = stackWithPolicy();
    new ApplicationInferenceProfile(stack, 'Good', { modelSource: NOVA, tags: { dept: 'claims' } });
    new ApplicationInferenceProfile(stack, 'NoDept', { modelSource: NOVA, tags: { team: 'ml' } });
    new ApplicationInferenceProfile(stack, 'BadEnv', { modelSource: NOVA, tags: { dept: 'claims', environment: 'qa' } });
    ApplicationInferenceProfile.fromProfileAttributes(stack, 'Imported', { profileArn: ARN, tags: { dept: 'marketing' } });
    let message = '';
    try {
      Template.fromStack(stack);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('TagPolicy: 3 cost allocation tag problem(s):');
    expect(message).toContain("Stack/NoDept: missing required tag 'dept'");
    expect(message).toContain("Stack/BadEnv: tag 'environment' has value 'qa', allowed: dev, test, staging, prod");
    expect(message).toContain("Stack/Imported: tag 'dept' has value 'marketing', allowed: claims, underwriting");
    expect(message).not.toContain('Stack/Good');
  });

  test('profiles imported from the L1 are checked; a construct that merely has a costAllocationTags field is not a profile', () => {
    const { stack, policy } = stackWithPolicy();
    const l1 = new bedrock.CfnApplicationInferenceProfile(stack, 'L1', {
      inferenceProfileName: 'x',
      modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' },
      tags: [{ key: 'dept', value: 'marketing' }],
    });
    ApplicationInferenceProfile.fromCfnApplicationInferenceProfile(stack, 'FromL1', l1);
    // no duck typing across layers: only constructs that declare themselves are checked
    const lookalike = new Construct(stack, 'Lookalike');
    Object.assign(lookalike, { costAllocationTags: { dept: 'nope' } });
    expect(() => Template.fromStack(stack)).toThrow(/Stack\/FromL1: tag 'dept' has value 'marketing'/);
    expect(policy.checkedPaths).toEqual(['Stack/FromL1']);
  });

  test('Tags.of() applied later is taken into account (a wrong value set on the scope fails)', () => {
    const { stack } = stackWithPolicy();
    new ApplicationInferenceProfile(stack, 'P', { modelSource: NOVA, tags: { dept: 'claims' } });
    Tags.of(stack).add('environment', 'sandbox');
    expect(() => Template.fromStack(stack)).toThrow(/Stack\/P: tag 'environment' has value 'sandbox'/);
  });

  test('imported profiles without tags are skipped unless checkUntagged', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    TagPolicy.enforce(stack, CostAllocationTagSchema.standard(), { checkUntagged: true });
    ApplicationInferenceProfile.fromProfileArn(stack, 'Imported', ARN);
    expect(() => app.synth()).toThrow(/Stack\/Imported: missing required tag 'dept'/);

    const app2 = new App();
    const stack2 = new Stack(app2, 'Stack');
    TagPolicy.enforce(stack2, CostAllocationTagSchema.standard());
    ApplicationInferenceProfile.fromProfileArn(stack2, 'Imported', ARN);
    expect(() => app2.synth()).not.toThrow();
  });
});
