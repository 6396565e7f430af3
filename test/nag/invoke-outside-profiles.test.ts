import { App, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sso from 'aws-cdk-lib/aws-sso';
import { findingsOf, newStack, ENV } from './support';
import { ApplicationInferenceProfile, CostCenterAccess, InferenceGeo, ModelSource, ProfileBatch } from '../../src';
import { INVOKE_ACTIONS } from '../../src/contracts/deny-invocation';
import {
  confinedToProfiles, iamPatternMatches, invokeActionsAllowed, requiresResourceTag, ResourceReach, resourceReach, statementFindings,
} from '../../src/nag/utils/iam-policy';

const SOURCE = ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
const FM_ALL = 'arn:aws:bedrock:*::foundation-model/*';
const SYSTEM_PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123def456';

function role(stack: Stack, id = 'Role'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
}

describe('IAM matching (AWS facts the rule relies on)', () => {
  test('action names match case-insensitively with * and ? (IAM Action element)', () => {
    expect(iamPatternMatches('BEDROCK:invokemodel', 'bedrock:InvokeModel', true)).toBe(true);
    expect(iamPatternMatches('bedrock:Invoke*', 'bedrock:InvokeModelWithResponseStream', true)).toBe(true);
    expect(iamPatternMatches('bedrock:InvokeMode?', 'bedrock:InvokeModel', true)).toBe(true);
    expect(iamPatternMatches('bedrock:Get*', 'bedrock:InvokeModel', true)).toBe(false);
  });

  test('Converse/ConverseStream are authorized by the two invoke actions: the rule looks for exactly these', () => {
    expect(INVOKE_ACTIONS).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    expect(invokeActionsAllowed({ Action: 'bedrock:InvokeModelWithResponseStream' })).toEqual(['bedrock:InvokeModelWithResponseStream']);
    expect(invokeActionsAllowed({ Action: ['bedrock:*'] })).toEqual([...INVOKE_ACTIONS]);
    expect(invokeActionsAllowed({ Action: '*' })).toEqual([...INVOKE_ACTIONS]);
    expect(invokeActionsAllowed({ Action: ['bedrock:GetInferenceProfile', 'bedrock:ListInferenceProfiles'] })).toEqual([]);
  });

  test('NotAction allows every action it does not list', () => {
    expect(invokeActionsAllowed({ NotAction: ['iam:*'] })).toEqual([...INVOKE_ACTIONS]);
    expect(invokeActionsAllowed({ NotAction: ['bedrock:InvokeModel'] })).toEqual(['bedrock:InvokeModelWithResponseStream']);
    expect(invokeActionsAllowed({ NotAction: ['bedrock:Invoke*'] })).toEqual([]);
  });

  test('resource ARNs: foundation models and system-defined profiles reach models, application profiles do not (case-sensitive)', () => {
    expect(resourceReach('*')).toBe(ResourceReach.MODEL);
    expect(resourceReach(FM_ALL)).toBe(ResourceReach.MODEL);
    expect(resourceReach(SYSTEM_PROFILE)).toBe(ResourceReach.MODEL);
    expect(resourceReach('arn:aws:bedrock:*:*:*')).toBe(ResourceReach.MODEL);
    expect(resourceReach('arn:aws:*:us-east-1::found*')).toBe(ResourceReach.MODEL);
    expect(resourceReach(APP_PROFILE)).toBe(ResourceReach.PROFILE);
    expect(resourceReach('arn:aws:bedrock:*:*:application-inference-profile/*')).toBe(ResourceReach.PROFILE);
    expect(resourceReach('arn:aws:bedrock:us-east-1::FOUNDATION-MODEL/x')).toBe(ResourceReach.OTHER);
    expect(resourceReach('arn:aws:s3:::bucket/*')).toBe(ResourceReach.OTHER);
    expect(resourceReach('arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/x')).toBe(ResourceReach.MODEL);
    expect(resourceReach('arn:<AWS::Partition>:bedrock:us-east-1:1:application-inference-profile/<Batch.Id1@profile>')).toBe(ResourceReach.PROFILE);
    expect(resourceReach('<Profile.ProfileArn@profile>')).toBe(ResourceReach.PROFILE);
    expect(resourceReach('<Bucket.Arn@other>')).toBe(ResourceReach.OTHER);
    expect(resourceReach('<ModelArn@unknown>')).toBe(ResourceReach.UNKNOWN);
    expect(resourceReach('<ImportValue Stack:ProfileArn>')).toBe(ResourceReach.UNKNOWN);
    expect(resourceReach('arn:aws:bedrock:us-east-1:1:<ResourcePart>')).toBe(ResourceReach.UNKNOWN);
  });

  test('only a non-negated, non-IfExists, non-ForAllValues condition on bedrock:InferenceProfileArn naming application profiles confines', () => {
    const key = 'bedrock:InferenceProfileArn';
    expect(confinedToProfiles({ StringEquals: { [key]: APP_PROFILE } })).toBe(true);
    expect(confinedToProfiles({ ArnLike: { 'BEDROCK:inferenceprofilearn': 'arn:aws:bedrock:*:*:application-inference-profile/*' } })).toBe(true);
    expect(confinedToProfiles({ StringEquals: { [key]: '<Profile.ProfileArn@profile>' } })).toBe(true);
    // absent key: IfExists and ForAllValues are true, so a direct call on the model passes
    expect(confinedToProfiles({ StringEqualsIfExists: { [key]: APP_PROFILE } })).toBe(false);
    expect(confinedToProfiles({ 'ForAllValues:StringEquals': { [key]: APP_PROFILE } })).toBe(false);
    expect(confinedToProfiles({ StringNotEquals: { [key]: APP_PROFILE } })).toBe(false);
    expect(confinedToProfiles({ Null: { [key]: 'false' } })).toBe(false);
    // a system-defined profile, or any profile, carries no cost allocation tags
    expect(confinedToProfiles({ StringEquals: { [key]: SYSTEM_PROFILE } })).toBe(false);
    expect(confinedToProfiles({ StringLike: { [key]: '*' } })).toBe(false);
    expect(confinedToProfiles({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } })).toBe(false);
  });

  test('NotResource allows every resource it does not exclude', () => {
    const allow = { Effect: 'Allow', Action: 'bedrock:InvokeModel' };
    expect(statementFindings({ ...allow, NotResource: 'arn:aws:s3:::*' }).model).toEqual(['NotResource::arn:aws:s3:::*']);
    expect(statementFindings({ ...allow, NotResource: ['arn:aws:bedrock:*::foundation-model/*', 'arn:aws:bedrock:*:*:inference-profile/*'] }).model).toEqual([]);
    expect(statementFindings({ Effect: 'Deny', Action: '*', Resource: '*' }).model).toEqual([]);
  });

  test('NotResource patterns are judged in the partition they name (aws-cn, aws-us-gov, aws-eusc, a placeholder)', () => {
    const allow = { Effect: 'Allow', Action: 'bedrock:InvokeModel' };
    for (const partition of ['aws-cn', 'aws-us-gov', 'aws-eusc', 'aws-iso-b', '<AWS::Partition>']) {
      const both = [`arn:${partition}:bedrock:*::foundation-model/*`, `arn:${partition}:bedrock:*:*:inference-profile/*`];
      expect(statementFindings({ ...allow, NotResource: both }).model).toEqual([]);
      expect(statementFindings({ ...allow, NotResource: both[0] }).model).toEqual([`NotResource::${both[0]}`]);
    }
  });

  test('a non-negated aws:ResourceTag condition confines the statement: foundation models carry no tags', () => {
    const tag = 'aws:ResourceTag/dept';
    expect(requiresResourceTag({ StringEquals: { [tag]: 'claims' } })).toBe(true);
    expect(requiresResourceTag({ StringLike: { 'AWS:resourcetag/team': '*' } })).toBe(true);
    expect(requiresResourceTag({ 'ForAnyValue:StringEquals': { [tag]: ['a', 'b'] } })).toBe(true);
    expect(requiresResourceTag({ StringEquals: { [tag]: '${aws:PrincipalTag/dept}' } })).toBe(true);
    // true when the tag is absent (IfExists, ForAllValues), negated, Null, another key: not confining
    expect(requiresResourceTag({ StringEqualsIfExists: { [tag]: 'claims' } })).toBe(false);
    expect(requiresResourceTag({ 'ForAllValues:StringEquals': { [tag]: 'claims' } })).toBe(false);
    expect(requiresResourceTag({ StringNotEquals: { [tag]: 'claims' } })).toBe(false);
    expect(requiresResourceTag({ Null: { [tag]: 'false' } })).toBe(false);
    expect(requiresResourceTag({ StringEquals: { 'aws:RequestTag/dept': 'claims' } })).toBe(false);
    const allow = { Effect: 'Allow', Action: 'bedrock:InvokeModel' };
    expect(statementFindings({ ...allow, Resource: '*', Condition: { StringEquals: { [tag]: 'claims' } } }).model).toEqual([]);
    expect(statementFindings({ ...allow, Resource: [FM_ALL, SYSTEM_PROFILE], Condition: { StringLike: { [tag]: '*' } } }).model).toEqual([]);
    expect(statementFindings({ ...allow, Resource: '*', Condition: { StringEqualsIfExists: { [tag]: 'claims' } } }).model).toEqual(['Resource::*']);
  });
});

describe('CostAttribution-InvokeOutsideProfiles', () => {
  test('a hand-written iam.PolicyStatement allowing bedrock:InvokeModel on * is found', () => {
    const { stack } = newStack();
    role(stack).addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['*'] }));
    expect(findingsOf(stack, 'InvokeOutsideProfiles')).toEqual([{
      findingId: 'CostAttribution-InvokeOutsideProfiles[Resource::*]', constructPath: 'Stack/Role/DefaultPolicy/Resource', severity: 'error',
    }]);
  });

  test('wildcard actions, foundation models and system-defined profiles are found in managed policies and role inline policies', () => {
    const { stack } = newStack();
    new iam.ManagedPolicy(stack, 'Managed', { statements: [new iam.PolicyStatement({ actions: ['Bedrock:Invoke*'], resources: [FM_ALL] })] });
    new iam.Role(stack, 'Inline', {
      assumedBy: new iam.AccountRootPrincipal(),
      inlinePolicies: { invoke: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['bedrock:*'], resources: [SYSTEM_PROFILE] })] }) },
    });
    expect(findingsOf(stack, 'InvokeOutsideProfiles')).toEqual([
      { findingId: `CostAttribution-InvokeOutsideProfiles[Resource::${FM_ALL}]`, constructPath: 'Stack/Managed/Resource', severity: 'error' },
      { findingId: `CostAttribution-InvokeOutsideProfiles[Resource::${SYSTEM_PROFILE}]`, constructPath: 'Stack/Inline/Resource', severity: 'error' },
    ]);
  });

  test('an ABAC statement on * (aws:ResourceTag condition) complies; the same with ...IfExists is found', () => {
    const { stack } = newStack();
    role(stack).addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'], resources: ['*'], conditions: { StringEquals: { 'aws:ResourceTag/dept': '${aws:PrincipalTag/dept}' } },
    }));
    role(stack, 'Loose').addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'], resources: ['*'], conditions: { StringEqualsIfExists: { 'aws:ResourceTag/dept': 'claims' } },
    }));
    expect(findingsOf(stack, 'InvokeOutsideProfiles').map((f) => f.constructPath)).toEqual(['Stack/Loose/DefaultPolicy/Resource']);
  });

  test('AWS managed policies that allow invocation on * are found by name (roles, users, groups, permission sets; Join or string ARNs)', () => {
    const { stack } = newStack();
    new iam.Role(stack, 'Admin', {
      assumedBy: new iam.AccountRootPrincipal(),
      managedPolicies: ['AdministratorAccess', 'PowerUserAccess', 'AmazonBedrockFullAccess', 'ReadOnlyAccess']
        .map((n) => iam.ManagedPolicy.fromAwsManagedPolicyName(n)),
    });
    new iam.CfnUser(stack, 'User', { managedPolicyArns: ['arn:aws:iam::aws:policy/PowerUserAccess'] });
    new iam.CfnGroup(stack, 'Group', { managedPolicyArns: ['arn:aws-us-gov:iam::aws:policy/AmazonBedrockFullAccess'] });
    new sso.CfnPermissionSet(stack, 'PermissionSet', {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
      name: 'admins',
      managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'],
    });
    expect(findingsOf(stack, 'InvokeOutsideProfiles')).toEqual([
      { findingId: 'CostAttribution-InvokeOutsideProfiles[ManagedPolicy::AdministratorAccess]', constructPath: 'Stack/Admin/Resource', severity: 'error' },
      {
        findingId: 'CostAttribution-InvokeOutsideProfiles[ManagedPolicy::AdministratorAccess]', constructPath: 'Stack/PermissionSet', severity: 'error',
      },
      { findingId: 'CostAttribution-InvokeOutsideProfiles[ManagedPolicy::PowerUserAccess]', constructPath: 'Stack/Admin/Resource', severity: 'error' },
      { findingId: 'CostAttribution-InvokeOutsideProfiles[ManagedPolicy::PowerUserAccess]', constructPath: 'Stack/User', severity: 'error' },
      { findingId: 'CostAttribution-InvokeOutsideProfiles[ManagedPolicy::AmazonBedrockFullAccess]', constructPath: 'Stack/Admin/Resource', severity: 'error' },
      { findingId: 'CostAttribution-InvokeOutsideProfiles[ManagedPolicy::AmazonBedrockFullAccess]', constructPath: 'Stack/Group', severity: 'error' },
    ]);
  });

  test('a customer managed policy ARN or an AWS managed policy the pack does not read is not a finding of the role', () => {
    const { stack } = newStack();
    new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: {},
      managedPolicyArns: ['arn:aws:iam::111122223333:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
    expect(findingsOf(stack, 'InvokeOutsideProfiles')).toEqual([]);
  });

  test('an ARN built with Fn::Join / pseudo parameters is judged by its literal parts', () => {
    const { stack } = newStack('Stack', {});
    role(stack).addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: [stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: 'amazon.nova-lite-v1:0' })],
    }));
    expect(findingsOf(stack, 'InvokeOutsideProfiles').map((f) => f.findingId))
      .toEqual(['CostAttribution-InvokeOutsideProfiles[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/amazon.nova-lite-v1:0]']);
  });

  test('statements on application inference profiles only, or confined by bedrock:InferenceProfileArn, comply', () => {
    const { stack } = newStack();
    const r = role(stack);
    r.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [APP_PROFILE] }));
    r.addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel*'], resources: [FM_ALL], conditions: { StringEquals: { 'bedrock:InferenceProfileArn': APP_PROFILE } },
    }));
    r.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:GetInferenceProfile'], resources: ['*'] }));
    expect(findingsOf(stack, 'InvokeOutsideProfiles')).toEqual([]);
  });

  test('a condition that does not confine (IfExists) is found', () => {
    const { stack } = newStack();
    role(stack).addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'], resources: [FM_ALL], conditions: { StringEqualsIfExists: { 'bedrock:InferenceProfileArn': APP_PROFILE } },
    }));
    expect(findingsOf(stack, 'InvokeOutsideProfiles').map((f) => f.findingId)).toEqual([`CostAttribution-InvokeOutsideProfiles[Resource::${FM_ALL}]`]);
  });

  test('what the library emits for grantInvoke complies: own profiles, batch members, L1 imports, profiles of another stack, the ABAC policy', () => {
    const app = new App();
    const producer = new Stack(app, 'Producer', { env: ENV });
    const consumer = new Stack(app, 'Consumer', { env: ENV });
    const own = new ApplicationInferenceProfile(producer, 'Own', { modelSource: SOURCE, tags: { dept: 'claims' } });
    const batch = new ProfileBatch(producer, 'Batch');
    const member = batch.addProfile('Acme', { key: 'acme', modelSource: ModelSource.foundationModel('amazon.nova-lite-v1:0'), tags: { dept: 'acme' } });
    const unknownSource = ApplicationInferenceProfile.fromProfileAttributes(producer, 'Imported', { profileArn: APP_PROFILE });
    const l1 = new bedrock.CfnApplicationInferenceProfile(producer, 'L1', {
      inferenceProfileName: 'l1', modelSource: { copyFrom: SYSTEM_PROFILE }, tags: [{ key: 'dept', value: 'claims' }],
    });
    const fromL1 = ApplicationInferenceProfile.fromCfnApplicationInferenceProfile(producer, 'FromL1', l1);
    const fn = role(producer, 'Fn');
    for (const p of [own, member, unknownSource, fromL1]) p.grantInvoke(fn);
    own.grantInvoke(role(consumer, 'Remote'));
    CostCenterAccess.abacPolicy(producer, 'Abac', { tagKeys: ['dept'] });
    expect(findingsOf(app, 'InvokeOutsideProfiles')).toEqual([]);
    expect(findingsOf(app, 'InvokeResourceUnresolved')).toEqual([]);
  });

  test('an acknowledgement of the finding (cdk-nag 3: aws:cdk:acknowledged-rules metadata) removes it', () => {
    const { stack } = newStack();
    const r = role(stack);
    r.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: ['*'] }));
    r.node.findChild('DefaultPolicy').node.addMetadata('aws:cdk:acknowledged-rules', {
      'CostAttribution-InvokeOutsideProfiles[Resource::*]': 'a sandbox role, outside cost attribution by design',
    });
    expect(findingsOf(stack, 'InvokeOutsideProfiles')).toEqual([]);
  });
});

describe('CostAttribution-InvokeResourceUnresolved', () => {
  test('a parameter or an imported value as the resource is a warning (it may be a foundation model)', () => {
    const { stack } = newStack();
    const model = new CfnParameter(stack, 'ModelArn');
    role(stack).addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [model.valueAsString, Fn.importValue('ModelExport')] }));
    expect(findingsOf(stack, 'InvokeResourceUnresolved')).toEqual([
      { findingId: 'CostAttribution-InvokeResourceUnresolved[Resource::<ModelArn>]', constructPath: 'Stack/Role/DefaultPolicy/Resource', severity: 'warning' },
      { findingId: 'CostAttribution-InvokeResourceUnresolved[Resource::<ImportValue ModelExport>]', constructPath: 'Stack/Role/DefaultPolicy/Resource', severity: 'warning' },
    ]);
    expect(findingsOf(stack, 'InvokeOutsideProfiles')).toEqual([]);
  });

  test('the same value confined by a bedrock:InferenceProfileArn condition complies', () => {
    const { stack } = newStack();
    const model = new CfnParameter(stack, 'ModelArn');
    role(stack).addToPolicy(new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'], resources: [model.valueAsString], conditions: { ArnEquals: { 'bedrock:InferenceProfileArn': APP_PROFILE } },
    }));
    expect(findingsOf(stack, 'InvokeResourceUnresolved')).toEqual([]);
  });
});
