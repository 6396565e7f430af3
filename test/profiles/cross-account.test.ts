import { App, Aws, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { parseProperties } from '../../lambda/profile-provider/properties';
import { InferenceGeo } from '../../src/models/inference-geo';
import { ModelSource } from '../../src/models/model-source';
import { ApplicationInferenceProfile } from '../../src/profiles/application-inference-profile';
import { ProfileManagementRole } from '../../src/profiles/profile-management-role';
import { ProfileProvider } from '../../src/profiles/profile-provider';
import { deliveredProperties } from '../support/cfn-delivery';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectControlTowerCompliant } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TYPE = 'Custom::BedrockApplicationInferenceProfile';
const MEMBER_ROLE = 'arn:aws:iam::222233334444:role/cost-governance/BedrockProfileManagement';
const PROVIDER_ROLE = 'arn:aws:iam::111122223333:role/governance-ProfileProvider';

function managementStack(app = new App()): Stack {
  return new Stack(app, 'Management', { env: { account: '111122223333', region: 'us-east-1' } });
}

function memberProfile(stack: Stack, id = 'Claims', extra: Partial<ConstructorParameters<typeof ApplicationInferenceProfile>[2]> = {}) {
  return new ApplicationInferenceProfile(stack, id, {
    modelSource: ModelSource.crossRegion(InferenceGeo.US, SONNET),
    profileName: 'claims',
    tags: { dept: 'claims' },
    targetAccount: { roleArn: MEMBER_ROLE, externalId: 'bedrock-cost-governance' },
    ...extra,
  });
}

function statementsOf(t: Template, policyMatch: (logicalId: string) => boolean): Array<Record<string, unknown>> {
  return Object.entries(t.findResources('AWS::IAM::Policy'))
    .filter(([id]) => policyMatch(id))
    .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
}

describe('ApplicationInferenceProfile with a target account', () => {
  test('the custom resource carries the target role and external id (schema version 2); the handler parses them', () => {
    const stack = managementStack();
    memberProfile(stack);
    const t = Template.fromStack(stack);
    t.hasResourceProperties(TYPE, {
      SchemaVersion: '2',
      ProfileName: 'claims',
      TargetRoleArn: MEMBER_ROLE,
      TargetExternalId: 'bedrock-cost-governance',
    });
    const [resource] = Object.values(t.findResources(TYPE));
    const spec = parseProperties(deliveredProperties(resource, { region: 'us-east-1' }));
    expect(spec.target).toEqual({ roleArn: MEMBER_ROLE, externalId: 'bedrock-cost-governance', accountId: '222233334444' });
    // a system-defined source names the account that uses it: the handler moves it to the target's
    expect(spec.copyFrom).toBe(`arn:aws:bedrock:us-east-1:222233334444:inference-profile/us.${SONNET}`);
  });

  test('a profile in its own account keeps schema version 1 and no target properties', () => {
    const stack = managementStack();
    new ApplicationInferenceProfile(stack, 'Own', { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0') });
    const [resource] = Object.values(Template.fromStack(stack).findResources(TYPE));
    expect(resource.Properties.SchemaVersion).toBe('1');
    expect(resource.Properties).not.toHaveProperty('TargetRoleArn');
    expect(resource.Properties).not.toHaveProperty('TargetExternalId');
  });

  test('the provider role may sts:AssumeRole exactly the target roles, and gets no model-source permission for them', () => {
    const stack = managementStack();
    memberProfile(stack);
    memberProfile(stack, 'Claims2', { profileName: 'claims2' });
    memberProfile(stack, 'Uw', { profileName: 'uw', targetAccount: { roleArn: 'arn:aws:iam::333344445555:role/BedrockProfileManagement' } });
    const t = Template.fromStack(stack);
    const statements = statementsOf(t, (id) => id.startsWith('BedrockCostGovernanceProfileProvider'));
    const assume = statements.filter((s) => JSON.stringify(s.Action).includes('sts:'));
    expect(assume).toEqual([{
      Sid: 'AssumeProfileManagementRoles',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: [MEMBER_ROLE, 'arn:aws:iam::333344445555:role/BedrockProfileManagement'],
    }]);
    expect(statements.map((s) => s.Sid)).not.toContain('CopyModelSources');
    expect(statements.map((s) => s.Sid)).not.toContain('ReadCopiedSystemProfiles');
    expectSchemaValid(stack);
    expectNagClean(stack);
  });

  test('the profile\'s environment is the target account; its ARN and ID are the handler\'s answer', () => {
    const stack = managementStack();
    const p = memberProfile(stack);
    expect(p.env.account).toBe('222233334444');
    expect(stack.resolve(p.profileArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Claims/), 'ProfileArn'] });
  });

  test('grantInvoke and grantRead refuse: Bedrock has no resource-based policies', () => {
    const stack = managementStack();
    const p = memberProfile(stack);
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => p.grantInvoke(role)).toThrow(/Management\/Claims: grantInvoke is not supported for a profile in another account .*no resource-based policies.*Grant in the target account/);
    expect(() => p.grantRead(role)).toThrow(/grantRead is not supported/);
  });

  test('the quota counts the profile in the target account, not the stack\'s', () => {
    const app = new App();
    const stack = managementStack(app);
    ProfileProvider.of(stack);
    // 1,000 profiles in this account is the quota; one more in the member account is not over it
    for (let s = 0; s < 3; s++) {
      // three stacks of the same environment (CloudFormation's 500 resources per stack)
      const own = new Stack(app, `Own${s}`, { env: { account: '111122223333', region: 'us-east-1' } });
      for (let i = 0; i < (s < 2 ? 400 : 200); i++) {
        new ApplicationInferenceProfile(own, `P${i}`, { modelSource: ModelSource.foundationModel('amazon.nova-pro-v1:0'), profileName: `p${s}x${i}` });
      }
    }
    memberProfile(stack);
    expect(() => app.synth()).not.toThrow();
  });

  test('the quota names the target account when its profiles exceed it', () => {
    const app = new App();
    const stack = managementStack(app);
    for (let i = 0; i < 1001; i++) memberProfile(stack, `M${i}`, { profileName: `m${i}` });
    expect(() => app.synth()).toThrow(/1,001 application inference profiles in account 222233334444, Region us-east-1/);
  });

  test.each([
    ['a user ARN', { roleArn: 'arn:aws:iam::222233334444:user/alice' }, /targetAccount.roleArn 'arn:aws:iam::222233334444:user\/alice' must be an IAM role ARN/],
    ['a short account', { roleArn: 'arn:aws:iam::2222:role/x' }, /targetAccount.roleArn .* must be an IAM role ARN/],
    ['an external id with a space', { roleArn: MEMBER_ROLE, externalId: 'a b' }, /targetAccount.externalId 'a b' must match/],
    ['a one-character external id', { roleArn: MEMBER_ROLE, externalId: 'a' }, /targetAccount.externalId must be 2–1224 characters long/],
  ])('validation: %s', (_label, targetAccount, message) => {
    const stack = managementStack();
    expect(() => memberProfile(stack, 'Bad', { targetAccount })).toThrow(message);
    expect(() => memberProfile(managementStack(), 'Bad', { targetAccount })).toThrow(/^Management\/Bad: /);
  });

  test('tokens are not judged; an account joined with the partition token is still known', () => {
    const stack = managementStack();
    const p = memberProfile(stack, 'Tok', { targetAccount: { roleArn: Fn.importValue('MemberRoleArn'), externalId: Fn.importValue('ExternalId') } });
    expect(stack.resolve(p.env.account)).toEqual({ 'Fn::Select': [4, { 'Fn::Split': [':', { 'Fn::ImportValue': 'MemberRoleArn' }] }] });
    const target = ProfileManagementRole.targetAccountFor({ account: '222233334444', roleName: 'BedrockProfileManagement' });
    const q = memberProfile(stack, 'Joined', { profileName: 'joined', targetAccount: target });
    expect(q.env.account).toBe('222233334444');
  });

  test('a target account equal to the stack\'s own is allowed, with a warning', () => {
    const stack = managementStack();
    memberProfile(stack, 'Own', { targetAccount: { roleArn: 'arn:aws:iam::111122223333:role/x' } });
    Annotations.fromStack(stack).hasWarning('/Management/Own', Match.stringLikeRegexp("stack's own account \\(111122223333\\)"));
  });
});

describe('ProfileManagementRole', () => {
  function member(props: Partial<ConstructorParameters<typeof ProfileManagementRole>[2]> = {}) {
    const stack = new Stack(new App(), 'Member');
    const role = new ProfileManagementRole(stack, 'ProfileManagement', {
      trustedPrincipalArns: [PROVIDER_ROLE],
      organizationId: 'o-a1b2c3d4e5',
      externalId: 'bedrock-cost-governance',
      roleName: 'BedrockProfileManagement',
      ...props,
    });
    return { stack, role, t: Template.fromStack(stack) };
  }

  test('trusts only the named principals, from the organization, with the external id', () => {
    const { t } = member();
    t.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'BedrockProfileManagement',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: PROVIDER_ROLE },
          Condition: { StringEquals: { 'sts:ExternalId': 'bedrock-cost-governance', 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
        }],
      },
    });
    t.resourceCountIs('AWS::IAM::Role', 1);
  });

  test('without organization and external id: the principals alone', () => {
    const { t } = member({ organizationId: undefined, externalId: undefined });
    const [role] = Object.values(t.findResources('AWS::IAM::Role'));
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: PROVIDER_ROLE } }]);
  });

  test('several principals: each trusted with the same conditions', () => {
    const { t } = member({ trustedPrincipalArns: [PROVIDER_ROLE, 'arn:aws:iam::111122223333:root'] });
    const [role] = Object.values(t.findResources('AWS::IAM::Role'));
    const conditions = { StringEquals: { 'sts:ExternalId': 'bedrock-cost-governance', 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } };
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: PROVIDER_ROLE }, Condition: conditions },
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Condition: conditions },
    ]);
  });

  test('allows exactly the inference-profile, tagging and model-source actions, scoped to its own account', () => {
    const { t, stack } = member();
    const statements = statementsOf(t, () => true);
    const arn = (region: string, account: string, resource: string) =>
      ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${region}:`, ...account === '' ? [] : [{ Ref: 'AWS::AccountId' }], `:${resource}/*`]] });
    expect(statements).toEqual([
      {
        Sid: 'ManageApplicationInferenceProfiles',
        Effect: 'Allow',
        Action: ['bedrock:CreateInferenceProfile', 'bedrock:GetInferenceProfile', 'bedrock:DeleteInferenceProfile', 'bedrock:TagResource',
          'bedrock:UntagResource', 'bedrock:ListTagsForResource'],
        Resource: arn('*', 'own', 'application-inference-profile'),
      },
      {
        Sid: 'CopyModelSources',
        Effect: 'Allow',
        Action: 'bedrock:CreateInferenceProfile',
        Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*::foundation-model/*']] }, arn('*', 'own', 'inference-profile')],
      },
      { Sid: 'ReadCopiedSystemProfiles', Effect: 'Allow', Action: 'bedrock:GetInferenceProfile', Resource: arn('*', 'own', 'inference-profile') },
      { Sid: 'FindProfilesByName', Effect: 'Allow', Action: 'bedrock:ListInferenceProfiles', Resource: '*' },
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/InvokeModel|iam:|sts:/);
    expectSchemaValid(stack);
    expectNagClean(stack);
    // member accounts are often governed by AWS Control Tower
    expectControlTowerCompliant(stack);
  });

  test('regions narrow the profile and system-profile ARNs (foundation models stay in any Region)', () => {
    const { t, stack } = member({ regions: ['us-east-1', 'eu-west-1'] });
    const statements = statementsOf(t, () => true);
    const manage = statements.find((s) => s.Sid === 'ManageApplicationInferenceProfiles')!;
    expect(JSON.stringify(manage.Resource)).toMatch(/:bedrock:us-east-1:.*:bedrock:eu-west-1:/);
    expect(JSON.stringify(statements.find((s) => s.Sid === 'CopyModelSources')!.Resource)).toContain(':bedrock:*::foundation-model/*');
    expectNagClean(stack);
  });

  test('roleArn and targetAccount() give the struct an ApplicationInferenceProfile takes', () => {
    const { stack, role } = member();
    expect(stack.resolve(role.roleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ProfileManagement/), 'Arn'] });
    expect(role.targetAccount()).toEqual({ roleArn: role.roleArn, externalId: 'bedrock-cost-governance' });
    expect(role.targetAccount('other-id')).toEqual({ roleArn: role.roleArn, externalId: 'other-id' });
    expect(ProfileManagementRole.targetAccountFor({ account: '222233334444', roleName: 'BedrockProfileManagement', externalId: 'x1', rolePath: '/cost/' }))
      .toEqual({ roleArn: `arn:${Aws.PARTITION}:iam::222233334444:role/cost/BedrockProfileManagement`, externalId: 'x1' });
    expect(() => ProfileManagementRole.targetAccountFor({ account: '2222', roleName: 'x' })).toThrow(/targetAccountFor: account '2222' must be 12 digits/);
  });

  test.each([
    ['no principal', { trustedPrincipalArns: [] }, /Member\/ProfileManagement: trustedPrincipalArns must name at least one principal/],
    ['a wildcard principal', { trustedPrincipalArns: ['*'] }, /trustedPrincipalArns '\*' must be an IAM role, user or account-root ARN/],
    ['a service principal', { trustedPrincipalArns: ['lambda.amazonaws.com'] }, /trustedPrincipalArns 'lambda.amazonaws.com' must be/],
    ['a bad organization id', { organizationId: 'org-1' }, /organizationId 'org-1' must match/],
    ['a bad external id', { externalId: 'has space' }, /externalId 'has space' must match/],
    ['a bad role name', { roleName: 'a/b' }, /roleName 'a\/b' must match/],
    ['a bad Region', { regions: ['mars-1'] }, /regions 'mars-1' must be a Region name/],
  ])('validation: %s', (_label, props, message) => {
    expect(() => member(props as Partial<ConstructorParameters<typeof ProfileManagementRole>[2]>)).toThrow(message);
  });

  test('tokens are not judged', () => {
    expect(() => member({ trustedPrincipalArns: [Fn.importValue('ProviderRoleArn')], externalId: Fn.importValue('X'), organizationId: Fn.importValue('O') }))
      .not.toThrow();
  });
});
