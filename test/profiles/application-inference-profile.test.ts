import { App, Aws, Duration, Fn, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApplicationInferenceProfile, InferenceGeo, ModelPricing, ModelSource, ProfileProvider } from '../../src';


const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TYPE = 'Custom::BedrockApplicationInferenceProfile';

function newStack(env: { region?: string; account?: string } = { region: 'us-east-1', account: '111122223333' }): Stack {
  return new Stack(new App(), 'Test', { env });
}

describe('ApplicationInferenceProfile', () => {
  test('synthesizes a versioned custom resource with name, source and tags', () => {
    const stack = newStack();
    new ApplicationInferenceProfile(stack, 'Claims', {
      modelSource: ModelSource.crossRegion(InferenceGeo.US, SONNET),
      profileName: 'claims',
      description: 'Claims department',
      tags: { dept: 'claims' },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties(TYPE, {
      SchemaVersion: '1',
      ProfileName: 'claims',
      Description: 'Claims department',
      CopyFrom: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:us-east-1:111122223333:inference-profile/us.${SONNET}`]] },
      Tags: [{ Key: 'dept', Value: 'claims' }],
      AdoptExisting: false,
      DeleteAdoptedOnRemoval: false,
    });
    t.hasResource(TYPE, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('one provider per stack, whatever the number of profiles', () => {
    const stack = newStack();
    for (let i = 0; i < 5; i++) {
      new ApplicationInferenceProfile(stack, `P${i}`, { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'), tags: { dept: `d${i}` } });
    }
    const t = Template.fromStack(stack);
    t.resourceCountIs(TYPE, 5);
    // the onEvent function and the framework function
    t.resourceCountIs('AWS::Lambda::Function', 2);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 300,
    });
  });

  test('the provider logs to KMS-encrypted log groups kept one year', () => {
    const stack = newStack();
    new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Logs::LogGroup', 2);
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the provider role is limited to profiles of this account and Region and the copied sources', () => {
    const stack = newStack();
    new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.crossRegion(InferenceGeo.US, SONNET) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ManageApplicationInferenceProfiles',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1:111122223333:application-inference-profile/*']] },
          }),
          Match.objectLike({
            Sid: 'CopyModelSources',
            Action: 'bedrock:CreateInferenceProfile',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:us-east-1:111122223333:inference-profile/us.${SONNET}`]] },
          }),
        ]),
      },
    });
  });

  test('exposes ARN, ID, status and model ARNs as attributes of the custom resource', () => {
    const stack = newStack();
    const p = new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const logicalId = stack.getLogicalId(p.node.findChild('Resource').node.defaultChild as never);
    expect(stack.resolve(p.profileArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'ProfileArn'] });
    expect(stack.resolve(p.profileId)).toEqual({ 'Fn::GetAtt': [logicalId, 'ProfileId'] });
    expect(stack.resolve(p.modelArns)).toEqual({ 'Fn::GetAtt': [logicalId, 'ModelArns'] });
    expect(stack.resolve(p.status)).toEqual({ 'Fn::GetAtt': [logicalId, 'Status'] });
  });

  test('Tags.of(scope) reaches the profile; the profile\'s own tags win', () => {
    const stack = newStack();
    const p = new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'), tags: { dept: 'claims' } });
    Tags.of(stack).add('env', 'prod');
    Tags.of(stack).add('dept', 'overridden');
    const t = Template.fromStack(stack);
    t.hasResourceProperties(TYPE, { Tags: [{ Key: 'dept', Value: 'claims' }, { Key: 'env', Value: 'prod' }] });
    expect(p.costAllocationTags).toEqual({ dept: 'claims', env: 'prod' });
  });

  test('tags applied with Tags.of that break the rules fail synthesis with the path', () => {
    const stack = newStack();
    new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    Tags.of(stack).add('cost center', 'a#b');
    expect(() => Template.fromStack(stack)).toThrow(/Test\/P.*tag value 'a#b' of 'cost center' must match/s);
  });

  test('generated names fit the rules, differ between constructs and change with the model', () => {
    const stack = newStack();
    const a = new ApplicationInferenceProfile(stack, 'Very-Long_Construct Id With Spaces And More Words To Exceed The Limit', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const b = new ApplicationInferenceProfile(stack, 'B', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const stack2 = newStack();
    const b2 = new ApplicationInferenceProfile(stack2, 'B', { modelSource: ModelSource.foundationModel('amazon.nova-lite-v1:0') });
    const b3 = new ApplicationInferenceProfile(newStack(), 'B', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'), description: 'changed' });
    for (const p of [a, b, b2, b3]) {
      expect(p.profileName).toMatch(/^([0-9a-zA-Z][ _-]?)+$/);
      expect(p.profileName.length).toBeLessThanOrEqual(64);
    }
    expect(new Set([a.profileName, b.profileName, b2.profileName, b3.profileName]).size).toBe(4);
    // deterministic
    expect(new ApplicationInferenceProfile(newStack(), 'B', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') }).profileName).toBe(b.profileName);
  });

  test('generated names do not depend on the text of tokens (creation order)', () => {
    const name = (extraTokensFirst: number) => {
      const stack = newStack();
      for (let i = 0; i < extraTokensFirst; i++) Fn.ref(`Other${i}`);
      return new ApplicationInferenceProfile(stack, 'P', {
        modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0', { region: Fn.ref('ModelRegion') }),
        description: Fn.ref('Description'),
      }).profileName;
    };
    expect(name(0)).toBe(name(5));
  });

  test('a provider configured without any created profile has no empty statement', () => {
    const stack = newStack();
    ProfileProvider.configure(stack, {});
    ApplicationInferenceProfile.fromProfileArn(stack, 'I', 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123def456');
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Sid?: string; Resource: unknown }>);
    expect(statements.find((st) => st.Sid === 'CopyModelSources')).toBeUndefined();
    expect(statements.every((st) => !Array.isArray(st.Resource) || st.Resource.length > 0)).toBe(true);
  });

  test('works in an environment-agnostic stack (token Region and account)', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const p = new ApplicationInferenceProfile(stack, 'P', {
      modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'),
      tags: { dept: 'claims', region: Aws.REGION },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties(TYPE, {
      CopyFrom: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, '::foundation-model/amazon.nova-pro-v1:0']] },
      Tags: Match.arrayWith([{ Key: 'region', Value: { Ref: 'AWS::Region' } }]),
    });
    expect(p.profileName).toMatch(/^Agnostic-P-/);
  });

  test('removal policies: RETAIN keeps the profile; adopted profiles are deleted only with an explicit DESTROY', () => {
    const stack = newStack();
    new ApplicationInferenceProfile(stack, 'Kept', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'), removalPolicy: RemovalPolicy.RETAIN });
    new ApplicationInferenceProfile(stack, 'Adopted', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'), profileName: 'legacy', adoptExisting: true });
    new ApplicationInferenceProfile(stack, 'AdoptedDestroy', {
      modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'), profileName: 'legacy2', adoptExisting: true, removalPolicy: RemovalPolicy.DESTROY,
    });
    const t = Template.fromStack(stack);
    t.hasResource(TYPE, { DeletionPolicy: 'Retain', Properties: Match.objectLike({ ProfileName: Match.stringLikeRegexp('Kept') }) });
    t.hasResourceProperties(TYPE, { ProfileName: 'legacy', AdoptExisting: true, DeleteAdoptedOnRemoval: false });
    t.hasResourceProperties(TYPE, { ProfileName: 'legacy2', AdoptExisting: true, DeleteAdoptedOnRemoval: true });
  });

  test('ProfileProvider.configure places the functions in a VPC', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    ProfileProvider.configure(stack, { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
    new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const t = Template.fromStack(stack);
    const fns = t.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns)).toHaveLength(2);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.VpcConfig.SubnetIds.length).toBe(2);
    }
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AttachToVpc', Action: Match.arrayWith(['ec2:CreateNetworkInterface']) })]) },
    });
  });

  test('ProfileProvider.configure after the first profile is an error', () => {
    const stack = newStack();
    new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    expect(() => ProfileProvider.configure(stack, {})).toThrow(/ProfileProvider.configure must be called once per stack, before the first construct that uses it \(it was created with default settings by Test\/P\)/);
  });
});

describe('grants', () => {
  test('grantInvoke: the profile, and the model only through the profile', () => {
    const stack = newStack();
    const p = new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.crossRegion(InferenceGeo.US, SONNET) });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    p.grantInvoke(role);
    const t = Template.fromStack(stack);
    const arn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^P'), 'ProfileArn'] };
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Role') }],
      PolicyDocument: {
        Statement: [
          { Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Effect: 'Allow', Resource: arn },
          {
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Effect: 'Allow',
            Condition: { StringEquals: { 'bedrock:InferenceProfileArn': arn } },
            Resource: [
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:us-east-1:111122223333:inference-profile/us.${SONNET}`]] },
              { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:*::foundation-model/${SONNET}`]] },
            ],
          },
        ],
      },
    });
    // the wildcard Region is acknowledged for cdk-nag, with a reason, on the grantee's policy
    const acks = role.node.findChild('DefaultPolicy').node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(acks.length).toBeGreaterThan(0);
    expect(JSON.stringify(acks)).toContain('bedrock:InferenceProfileArn');
  });

  test('grantInvoke on a single-Region source names the exact model ARN', () => {
    const stack = newStack();
    const p = new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    p.grantInvoke(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': Match.anyValue() } },
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0']] },
        })]),
      },
    });
  });

  test('grantRead', () => {
    const stack = newStack();
    const p = ApplicationInferenceProfile.fromProfileArn(stack, 'I', 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123def456');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    p.grantRead(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['bedrock:GetInferenceProfile', 'bedrock:ListTagsForResource'],
          Resource: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123def456',
        }],
      },
    });
  });
});

describe('importers', () => {
  test('fromProfileArn parses the ID; metrics use it as ModelId', () => {
    const stack = newStack();
    const p = ApplicationInferenceProfile.fromProfileArn(stack, 'I', 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123def456');
    expect(p.profileId).toBe('abc123def456');
    expect(p.costAllocationTags).toEqual({});
    const m = p.metricInvocations();
    expect(m.namespace).toBe('AWS/Bedrock');
    expect(m.dimensions).toEqual({ ModelId: 'abc123def456' });
    expect(m.statistic).toBe('Sum');
  });

  test('fromProfileAttributes keeps tags and model source; a token ARN yields a token ID', () => {
    const stack = newStack();
    const arn = stack.resolve('x') ? stack.formatArn({ service: 'bedrock', resource: 'application-inference-profile', resourceName: 'abc' }) : '';
    const p = ApplicationInferenceProfile.fromProfileAttributes(stack, 'I', {
      profileArn: arn,
      tags: { dept: 'claims' },
      modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'),
    });
    expect(p.costAllocationTags).toEqual({ dept: 'claims' });
    expect(stack.resolve(p.profileId)).toEqual({ 'Fn::Select': [1, { 'Fn::Split': ['/', expect.anything()] }] });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    p.grantInvoke(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0']] } })]) },
    });
  });

  test('an imported profile without a model source allows any model, only through the profile', () => {
    const stack = newStack();
    const p = ApplicationInferenceProfile.fromProfileArn(stack, 'I', 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123def456');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    p.grantInvoke(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123def456' } },
          Resource: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*::foundation-model/*']] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*:*:inference-profile/*']] },
          ],
        })]),
      },
    });
  });
});

describe('metricEstimatedCost', () => {
  test('metric math over the token metrics with the model\'s prices; unknown model fails with the path', () => {
    const stack = newStack();
    const p = new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const pricing = ModelPricing.custom({ prices: [{ modelId: 'amazon.nova-pro-v1:0', inputPer1kTokens: 0.0008, outputPer1kTokens: 0.0032 }] });
    const cost = p.metricEstimatedCost(pricing, { period: Duration.hours(1) });
    const ids = Object.keys(cost.usingMetrics);
    expect(ids).toHaveLength(2);
    expect(cost.expression).toContain(ids[0]);
    expect(cost.expression).toContain(ids[1]);
    expect(cost.expression).toMatch(/0\.0008/);
    expect(cost.expression).toMatch(/0\.0032/);
    expect(cost.period.toHours()).toBe(1);
    const unknown = new ApplicationInferenceProfile(stack, 'Q', { modelSource: ModelSource.foundationModel('acme.unknown-v1:0') });
    expect(() => unknown.metricEstimatedCost(ModelPricing.empty())).toThrow(/Test\/Q: pricing has no price for the profile's model/);
  });
});

describe('metrics', () => {
  test('each metric has its name and statistic; total tokens is math over input and output', () => {
    const stack = newStack();
    const p = new ApplicationInferenceProfile(stack, 'P', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const cases: Array<[string, string, () => { metricName: string; statistic: string }]> = [
      ['Invocations', 'Sum', () => p.metricInvocations()],
      ['InvocationLatency', 'Average', () => p.metricInvocationLatency()],
      ['InputTokenCount', 'Sum', () => p.metricInputTokenCount()],
      ['OutputTokenCount', 'Sum', () => p.metricOutputTokenCount()],
      ['InvocationClientErrors', 'Sum', () => p.metricInvocationClientErrors()],
      ['InvocationServerErrors', 'Sum', () => p.metricInvocationServerErrors()],
      ['InvocationThrottles', 'Sum', () => p.metricInvocationThrottles()],
    ];
    for (const [name, statistic, make] of cases) {
      const m = make();
      expect(m.metricName).toBe(name);
      expect(m.statistic).toBe(statistic);
    }
    expect(p.metricInvocationLatency({ statistic: 'p99' }).statistic).toBe('p99');
    expect(stack.resolve((p.metricInvocations() as unknown as { dimensions: Record<string, string> }).dimensions)).toEqual({
      ModelId: { 'Fn::GetAtt': [expect.stringMatching(/^P/), 'ProfileId'] },
    });
    const total = p.metricTotalTokens();
    expect(total.expression).toBe('inputTokens + outputTokens');
    expect(Object.keys(total.usingMetrics)).toEqual(['inputTokens', 'outputTokens']);
  });
});
