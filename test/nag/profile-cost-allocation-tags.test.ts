import { CfnParameter, Stack, Tags } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { findingsOf, newStack } from './support';
import { ApplicationInferenceProfile, CostAllocationTagSchema, CostCenter, InferenceGeo, ModelSource, ProfileBatch } from '../../src';

const SOURCE = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
const FM = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';

function l1Profile(stack: Stack, tags?: bedrock.CfnApplicationInferenceProfile['tags']): bedrock.CfnApplicationInferenceProfile {
  return new bedrock.CfnApplicationInferenceProfile(stack, 'L1', { inferenceProfileName: 'l1', modelSource: { copyFrom: FM }, tags });
}

describe('CostAttribution-ProfileCostAllocationTags', () => {
  test('the library\'s profile with the schema\'s required tag complies', () => {
    const { stack } = newStack();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, costCenter: CostCenter.of('claims', { dept: 'claims' }) });
    expect(findingsOf(stack, 'ProfileCostAllocationTags')).toEqual([]);
  });

  test('the library\'s profile without the required tag is found, on its custom resource', () => {
    const { stack } = newStack();
    new ApplicationInferenceProfile(stack, 'Untagged', { modelSource: SOURCE, tags: { project: 'x1' } });
    expect(findingsOf(stack, 'ProfileCostAllocationTags')).toEqual([{
      findingId: 'CostAttribution-ProfileCostAllocationTags[MissingTag::dept]',
      constructPath: 'Stack/Untagged/Resource/Default',
      severity: 'error',
    }]);
  });

  test('a value the schema refuses is found; the schema is the pack\'s prop', () => {
    const { stack } = newStack();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, tags: { dept: 'claims', environment: 'qa' } });
    expect(findingsOf(stack, 'ProfileCostAllocationTags').map((f) => f.findingId))
      .toEqual(['CostAttribution-ProfileCostAllocationTags[InvalidTag::environment]']);
    const schema = CostAllocationTagSchema.standard({ departments: ['underwriting'], environments: ['qa'] });
    expect(findingsOf(stack, 'ProfileCostAllocationTags', { tagSchema: schema }).map((f) => f.findingId))
      .toEqual(['CostAttribution-ProfileCostAllocationTags[InvalidTag::dept]']);
  });

  test('tags applied with Tags.of() count, as they are deployed', () => {
    const { stack } = newStack();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE });
    Tags.of(stack).add('dept', 'claims');
    expect(findingsOf(stack, 'ProfileCostAllocationTags')).toEqual([]);
  });

  test('a hand-written L1 profile without tags is found; with the tag it complies', () => {
    const { stack } = newStack();
    l1Profile(stack);
    expect(findingsOf(stack, 'ProfileCostAllocationTags')).toEqual([{
      findingId: 'CostAttribution-ProfileCostAllocationTags[MissingTag::dept]', constructPath: 'Stack/L1', severity: 'error',
    }]);
    const tagged = newStack();
    l1Profile(tagged.stack, [{ key: 'dept', value: 'claims' }]);
    expect(findingsOf(tagged.stack, 'ProfileCostAllocationTags')).toEqual([]);
  });

  test('a tag value that is a token is not judged (it cannot be at synth)', () => {
    const { stack } = newStack();
    const dept = new CfnParameter(stack, 'Dept');
    l1Profile(stack, [{ key: 'dept', value: dept.valueAsString }, { key: 'environment', value: dept.valueAsString }]);
    expect(findingsOf(stack, 'ProfileCostAllocationTags')).toEqual([]);
  });
});

describe('CostAttribution-ProfileBatchCostAllocationTags', () => {
  test('members with the required tag comply', () => {
    const { stack } = newStack();
    const batch = new ProfileBatch(stack, 'Tenants');
    batch.addProfile('Acme', { key: 'acme', modelSource: SOURCE, costCenter: CostCenter.of('acme', { dept: 'acme' }) });
    expect(findingsOf(stack, 'ProfileBatchCostAllocationTags')).toEqual([]);
  });

  test('each member without the required tag is found by its key, on the batch\'s custom resource', () => {
    const { stack } = newStack();
    const batch = new ProfileBatch(stack, 'Tenants');
    batch.addProfile('Acme', { key: 'acme', modelSource: SOURCE, tags: { dept: 'acme' } });
    batch.addProfile('Globex', { key: 'globex', modelSource: SOURCE, tags: { tenant: 'globex' } });
    batch.addProfile('Initech', { key: 'initech', modelSource: SOURCE, tags: { dept: 'Initech' } });
    expect(findingsOf(stack, 'ProfileBatchCostAllocationTags')).toEqual([
      { findingId: 'CostAttribution-ProfileBatchCostAllocationTags[Member::globex::MissingTag::dept]', constructPath: 'Stack/Tenants/Resource/Default', severity: 'error' },
      { findingId: 'CostAttribution-ProfileBatchCostAllocationTags[Member::initech::InvalidTag::dept]', constructPath: 'Stack/Tenants/Resource/Default', severity: 'error' },
    ]);
  });
});
