import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ProfileProvider } from '../../src';
import { HandlerFunction } from '../../src/util/handler-function';

const ENV = { account: '111122223333', region: 'us-east-1' };

describe('HandlerFunction', () => {
  test('a plain function built like the providers\' onEvent functions: Node.js 24 ARM64, own role, encrypted logs kept a year', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const fn = new HandlerFunction(stack, 'Fn', {
      handlerName: 'profile-resolver', description: 'a test', timeout: Duration.seconds(30), memorySize: 1024, environment: { A: 'b' }, options: {},
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 30,
      MemorySize: 1024,
      Description: 'cdk-bedrock-cost-governance: a test',
      Environment: { Variables: { A: 'b' } },
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnRole'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: Match.anyValue() }] },
    });
    expect(fn.logEncryptionKey).toBeDefined();
  });
});

describe('HandlerProvider after the extraction of HandlerFunction', () => {
  test('keeps the logical IDs of deployed providers', () => {
    const stack = new Stack(new App(), 'S1', { env: ENV });
    ProfileProvider.of(stack);
    const ids = Object.keys(Template.fromStack(stack).toJSON().Resources).filter((id) => id.startsWith('BedrockCostGovernanceProfileProvider')).sort();
    // recorded from the template before the extraction
    expect(ids).toEqual([
      'BedrockCostGovernanceProfileProviderHandlerFrameworkLogsD7B921E9',
      'BedrockCostGovernanceProfileProviderHandlerFrameworkRole1A7B2897',
      'BedrockCostGovernanceProfileProviderHandlerFrameworkRoleDefaultPolicy168C5A05',
      'BedrockCostGovernanceProfileProviderHandlerLogKey0820EE81',
      'BedrockCostGovernanceProfileProviderHandlerOnEvent0833AB39',
      'BedrockCostGovernanceProfileProviderHandlerOnEventLogsE59AEAA4',
      'BedrockCostGovernanceProfileProviderHandlerOnEventRoleDefaultPolicyDBAB7246',
      'BedrockCostGovernanceProfileProviderHandlerOnEventRoleF3E33017',
      'BedrockCostGovernanceProfileProviderHandlerProviderframeworkonEventAA357674',
    ]);
  });
});
