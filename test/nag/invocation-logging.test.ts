import { App, Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ENV, findingsOf, newStack } from './support';
import { ApplicationInferenceProfile, InferenceGeo, ModelInvocationLogging, ModelSource, SpendCap, SpendMeter } from '../../src';

const SOURCE = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');

describe('CostAttribution-ProfileInvocationLogging', () => {
  test('profiles with ModelInvocationLogging in the same account and Region comply (another stack of the app counts)', () => {
    const { app, stack } = newStack();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, tags: { dept: 'claims' } });
    new ModelInvocationLogging(new Stack(app, 'Logging', { env: ENV }), 'Logging');
    expect(findingsOf(app, 'ProfileInvocationLogging')).toEqual([]);
  });

  test('profiles (the library\'s and the L1) without logging, or with logging in another Region only, are warnings', () => {
    const { app, stack } = newStack();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, tags: { dept: 'claims' } });
    new bedrock.CfnApplicationInferenceProfile(stack, 'L1', {
      inferenceProfileName: 'l1', modelSource: { copyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0' },
    });
    new ModelInvocationLogging(new Stack(app, 'Elsewhere', { env: { ...ENV, region: 'eu-west-1' } }), 'Logging');
    expect(findingsOf(app, 'ProfileInvocationLogging')).toEqual([
      { findingId: 'CostAttribution-ProfileInvocationLogging', constructPath: 'Stack/Claims/Resource/Default', severity: 'warning' },
      { findingId: 'CostAttribution-ProfileInvocationLogging', constructPath: 'Stack/L1', severity: 'warning' },
    ]);
  });

  test('logging configured outside the app: one acknowledgement on the stack covers every profile', () => {
    const { stack } = newStack();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: SOURCE, tags: { dept: 'claims' } });
    new ApplicationInferenceProfile(stack, 'Underwriting', { modelSource: SOURCE, tags: { dept: 'underwriting' } });
    stack.node.addMetadata('aws:cdk:acknowledged-rules', {
      'CostAttribution-ProfileInvocationLogging': 'Invocation logging of this account is configured by the platform team\'s baseline',
    });
    expect(findingsOf(stack, 'ProfileInvocationLogging')).toEqual([]);
  });
});

describe('CostAttribution-SpendCapInvocationLogging', () => {
  test('a meter with caps given a ModelInvocationLogging, or the log group one writes to, complies; a meter without caps too', () => {
    const { stack } = newStack();
    const logging = new ModelInvocationLogging(stack, 'Logging');
    new SpendMeter(stack, 'Meter', { logging, tagKey: 'dept', caps: [SpendCap.costCenter('claims', { monthlyUsd: 100 })] });
    new SpendMeter(stack, 'ByGroup', { logGroup: logging.logGroup, tagKey: 'dept', caps: [SpendCap.costCenter('claims', { monthlyUsd: 100 })] });
    const other = newStack('Other');
    new SpendMeter(other.stack, 'Uncapped', { logGroup: new logs.LogGroup(other.stack, 'Group'), tagKey: 'dept' });
    expect(findingsOf(stack, 'SpendCapInvocationLogging')).toEqual([]);
    expect(findingsOf(other.stack, 'SpendCapInvocationLogging')).toEqual([]);
  });

  test('a meter with caps reading a log group no ModelInvocationLogging of the app writes to is a warning, on its subscription filter', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const group = logs.LogGroup.fromLogGroupName(stack, 'Group', 'bedrock-invocations');
    new SpendMeter(stack, 'Meter', { logGroup: group, tagKey: 'dept', caps: [SpendCap.costCenter('claims', { monthlyUsd: 100 })] });
    expect(findingsOf(stack, 'SpendCapInvocationLogging')).toEqual([
      { findingId: 'CostAttribution-SpendCapInvocationLogging', constructPath: 'Stack/Meter/Subscription/Resource', severity: 'warning' },
    ]);
  });
});
