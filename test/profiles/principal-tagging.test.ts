import { App, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApplicationInferenceProfile, ModelSource } from '../../src';

const NOVA = ModelSource.foundationModel('amazon.nova-pro-v1:0');

function setup() {
  const stack = new Stack(new App(), 'Stack', { env: { region: 'us-east-1', account: '111122223333' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, role };
}

describe('grantInvoke with tagPrincipal', () => {
  test('tags the role with the profile\'s tags, including those applied with Tags.of', () => {
    const { stack, role } = setup();
    const p = new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims' } });
    Tags.of(p).add('project', 'fnol');
    p.grantInvoke(role, { tagPrincipal: true });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.anyValue(),
      Tags: Match.arrayWith([{ Key: 'dept', Value: 'claims' }, { Key: 'project', Value: 'fnol' }]),
    });
  });

  test('works for a Lambda function (its role)', () => {
    const { stack } = setup();
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('x') });
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims' } }).grantInvoke(fn, { tagPrincipal: true });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { Tags: [{ Key: 'dept', Value: 'claims' }] });
  });

  test('two profiles of different cost centers on one role is a synth error', () => {
    const { stack, role } = setup();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims' } }).grantInvoke(role, { tagPrincipal: true });
    new ApplicationInferenceProfile(stack, 'Uw', { modelSource: NOVA, tags: { dept: 'underwriting' } }).grantInvoke(role, { tagPrincipal: true });
    expect(() => Template.fromStack(stack)).toThrow(/tag 'dept' would be 'claims' \(from Stack\/Claims\) and 'underwriting' \(from Stack\/Uw\)/);
  });

  test('a conflicting value already on the role is reported, not overwritten', () => {
    const { stack, role } = setup();
    Tags.of(role).add('dept', 'finance');
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims' } }).grantInvoke(role, { tagPrincipal: true });
    expect(() => Template.fromStack(stack)).toThrow(/Stack\/Role.*tag 'dept' is already 'finance' on Stack\/Role, but Stack\/Claims needs 'claims'/s);
  });

  describe('IAM\'s tag rules for roles (aws-iam-role.json: at most 50, [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@], keys case-insensitive)', () => {
    test('more than 50 tags on the role is a synth error naming the count', () => {
      const { stack, role } = setup();
      for (let i = 0; i < 45; i++) Tags.of(role).add(`own${i}`, 'x');
      const tags: Record<string, string> = {};
      for (let i = 0; i < 6; i++) tags[`cc${i}`] = 'x';
      new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags }).grantInvoke(role, { tagPrincipal: true });
      expect(() => Template.fromStack(stack)).toThrow(/the role would carry 51 tags; IAM allows at most 50 per role/);
    });

    test('50 tags are accepted', () => {
      const { stack, role } = setup();
      for (let i = 0; i < 44; i++) Tags.of(role).add(`own${i}`, 'x');
      const tags: Record<string, string> = {};
      for (let i = 0; i < 6; i++) tags[`cc${i}`] = 'x';
      new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags }).grantInvoke(role, { tagPrincipal: true });
      expect(() => Template.fromStack(stack)).not.toThrow();
    });

    test('a tab or newline, which Bedrock allows in tags, is refused for the role', () => {
      const { stack, role } = setup();
      new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims\tteam' } }).grantInvoke(role, { tagPrincipal: true });
      expect(() => Template.fromStack(stack)).toThrow(/tag value "claims\\tteam" of 'dept' \(from Stack\/Claims\) must be 0–256 characters of .* for an IAM role/);
    });

    test('keys that differ only in case are refused (IAM tag keys are case-insensitive)', () => {
      const { stack, role } = setup();
      Tags.of(role).add('Dept', 'claims');
      new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims' } }).grantInvoke(role, { tagPrincipal: true });
      expect(() => Template.fromStack(stack)).toThrow(/tag keys 'Dept' \(already on Stack\/Role\) and 'dept' \(from Stack\/Claims\) differ only in case/);
    });

    test('Unicode letters, which IAM allows, pass', () => {
      const { stack, role } = setup();
      Tags.of(role).add('équipe', 'sinistres');
      new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims' } }).grantInvoke(role, { tagPrincipal: true });
      expect(() => Template.fromStack(stack)).not.toThrow();
    });
  });

  test('an imported role or a user is a clear synth error', () => {
    const { stack } = setup();
    const p = new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims' } });
    const imported = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/app');
    expect(() => p.grantInvoke(imported, { tagPrincipal: true })).toThrow(/Stack\/Claims: grantInvoke with tagPrincipal needs a grantee whose principal is an iam.Role created in this app/);
    const user = new iam.User(stack, 'User');
    expect(() => p.grantInvoke(user, { tagPrincipal: true })).toThrow(/imported roles, users and service principals cannot be tagged/);
  });

  test('without tagPrincipal the role is not tagged', () => {
    const { stack, role } = setup();
    new ApplicationInferenceProfile(stack, 'Claims', { modelSource: NOVA, tags: { dept: 'claims' } }).grantInvoke(role);
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role', { Properties: { Tags: Match.anyValue() } });
    expect(Object.keys(roles)).toHaveLength(0);
  });
});
