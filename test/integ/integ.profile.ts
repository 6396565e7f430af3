/**
 * Integration test: an application inference profile for a cost center, deployed for real by
 * `integ-runner` (with AWS credentials), whose assertions read the profile back through the
 * Bedrock API. Offline, the build verifies the recorded snapshot (templates and assertions).
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { ApplicationInferenceProfile, CostCenter, InferenceGeo, ModelSource } from '../../src';

const app = new App();
const stack = new Stack(app, 'BedrockCostGovernanceProfileInteg');
const profile = new ApplicationInferenceProfile(stack, 'Claims', {
  modelSource: ModelSource.crossRegion(InferenceGeo.US, 'amazon.nova-pro-v1:0'),
  costCenter: CostCenter.of('claims', { dept: 'claims' }),
  description: 'integ test profile',
});

const integ = new IntegTest(app, 'ProfileInteg', { testCases: [stack], regions: ['us-east-1'] });
integ.assertions
  .awsApiCall('Bedrock', 'getInferenceProfile', { inferenceProfileIdentifier: profile.profileArn })
  .expect(ExpectedResult.objectLike({ status: 'ACTIVE', type: 'APPLICATION' }));
integ.assertions
  .awsApiCall('Bedrock', 'listTagsForResource', { resourceARN: profile.profileArn })
  .expect(ExpectedResult.objectLike({ tags: [{ key: 'dept', value: 'claims' }] }));

app.synth();
