import { App, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { ApplicationInferenceProfile, CostCenter, InferenceGeo, ModelSource, ProfileCatalog } from '../../src';
import { STANDARD_PARAMETER_QUOTA } from '../../src/contracts/parameter-store';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const ENV = { account: '111122223333', region: 'us-east-1' };
const profileArn = (id: string) => `arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/${id}`;

function newStack(env: { account?: string; region?: string } | 'agnostic' = ENV, app = new App()): Stack {
  return new Stack(app, 'Stack', env === 'agnostic' ? {} : { env });
}

const ssmArn = (path: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:us-east-1:111122223333:parameter/${path}`]] });

describe('ProfileCatalog', () => {
  test('one String parameter of the standard tier per entry, the profile ARN as value; schema-valid', () => {
    const stack = newStack();
    const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/bedrock/profiles' });
    const claims = new ApplicationInferenceProfile(stack, 'Claims', {
      modelSource: ModelSource.crossRegion(InferenceGeo.US, SONNET),
      costCenter: CostCenter.of('claims', { dept: 'claims' }),
    });
    const imported = ApplicationInferenceProfile.fromProfileArn(stack, 'Uw', profileArn('uw1234'));
    catalog.addCostCenterProfile(claims);
    const entry = catalog.addProfile('underwriting/eu', imported);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SSM::Parameter', 2);
    t.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/bedrock/profiles/claims',
      Type: 'String',
      Tier: 'Standard',
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Claims'), 'ProfileArn'] },
      Description: Match.stringLikeRegexp('tenant key claims'),
    });
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/bedrock/profiles/underwriting/eu', Value: profileArn('uw1234'), Tier: 'Standard' });
    expect(catalog.tenantKeys).toEqual(['claims', 'underwriting/eu']);
    expect(catalog.parameterName('x/y')).toBe('/bedrock/profiles/x/y');
    expect(stack.resolve(entry.parameterName)).toEqual({ Ref: expect.stringMatching(/^CatalogEntryunderwritingeu/) });
    expectSchemaValid(stack);
  });

  test('the default prefix is unique to the catalog, so that two catalogs never collide', () => {
    const stack = newStack();
    const a = new ProfileCatalog(stack, 'A');
    const b = new ProfileCatalog(stack, 'B');
    expect(a.prefix).toMatch(/^\/cdk-bedrock-cost-governance\/catalog\/Stack-A-[0-9A-F]{8}$/);
    expect(b.prefix).not.toBe(a.prefix);
  });

  test('entry construct IDs (and so logical IDs) depend on the tenant key only', () => {
    const ids = (keys: string[]) => {
      const stack = newStack();
      const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/p' });
      const p = ApplicationInferenceProfile.fromProfileArn(stack, 'P', profileArn('abc'));
      for (const key of keys) catalog.addProfile(key, p);
      return Object.entries(Template.fromStack(stack).findResources('AWS::SSM::Parameter'))
        .map(([id, r]): [string, string] => [(r.Properties as { Name: string }).Name, id]);
    };
    const forward = new Map(ids(['a', 'a/b', 'a_b']));
    const backward = new Map(ids(['a_b', 'a/b', 'a']));
    expect(forward.size).toBe(3);
    expect(forward).toEqual(backward);
  });

  test('grantRead allows GetParameter(s) and GetParametersByPath on the prefix and below, nothing else; nag-clean', () => {
    const stack = newStack();
    const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/bedrock/profiles' });
    catalog.addProfile('claims', ApplicationInferenceProfile.fromProfileArn(stack, 'P', profileArn('abc')));
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    catalog.grantRead(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
          Resource: [ssmArn('bedrock/profiles'), ssmArn('bedrock/profiles/*')],
        }],
      },
    });
    expectNagClean(stack);
    expectSchemaValid(stack);
  });

  test.each<[string, string, RegExp]>([
    ['no leading slash', 'bedrock/profiles', /must begin with a slash/],
    ['a trailing slash', '/bedrock/', /must not end with a slash/],
    ['a space', '/bedrock profiles', /may hold only levels of \[a-zA-Z0-9_.-\]\+/],
    ['an aws prefix (any case)', '/AWS/profiles', /must not begin with 'aws' or 'ssm' \(case-insensitive/],
    ['an ssm prefix', '/ssmcatalog', /must not begin with 'aws' or 'ssm'/],
    ['15 levels (an entry would be the 16th)', `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`, /has 15 levels; at most 14/],
  ])('prefix with %s is refused, naming the path, the prop and the rule', (_label, prefix, message) => {
    const stack = newStack();
    expect(() => new ProfileCatalog(stack, 'Catalog', { prefix })).toThrow(new RegExp(`^Stack/Catalog: prefix '.*'.*${message.source}`));
  });

  test.each<[string, string, RegExp]>([
    ['a character a parameter name cannot hold', 'claims team', /tenantKey 'claims team' may hold only levels/],
    ['an empty level', 'claims//team', /tenantKey 'claims\/\/team' may hold only levels/],
    ['a leading slash', '/claims', /tenantKey '\/claims' may hold only levels/],
    ['too many levels with the prefix', Array.from({ length: 15 }, (_, i) => `k${i}`).join('/'), /tenantKey '\/p\/k0\/.*' has 16 hierarchy levels; Parameter Store allows at most 15/],
  ])('a tenant key with %s is refused', (_label, key, message) => {
    const stack = newStack();
    const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/p' });
    expect(() => catalog.addProfile(key, ApplicationInferenceProfile.fromProfileArn(stack, 'P', profileArn('abc'))))
      .toThrow(new RegExp(`^Stack/Catalog: ${message.source}`));
  });

  test('the 1011-character limit counts the ARN before the name (its length depends on the Region)', () => {
    // us-east-1: arn:aws:ssm:us-east-1:111122223333:parameter/ is 45 characters; '/p/' adds 2 (the leading slash is not counted)
    const longest = 1011 - 45 - 2;
    const stack = newStack();
    const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/p' });
    const p = ApplicationInferenceProfile.fromProfileArn(stack, 'P', profileArn('abc'));
    expect(() => catalog.addProfile('k'.repeat(longest), p)).not.toThrow();
    expect(() => catalog.addProfile('j'.repeat(longest + 1), p)).toThrow(/is 1012 characters long with its ARN; Parameter Store allows at most 1011/);
    // us-gov-east-1 in aws-us-gov: arn:aws-us-gov:ssm:us-gov-east-1:111122223333:parameter/ is 11 characters longer
    const gov = newStack({ account: '111122223333', region: 'us-gov-east-1' });
    const govCatalog = new ProfileCatalog(gov, 'Catalog', { prefix: '/p' });
    expect(() => govCatalog.addProfile('k'.repeat(longest), ApplicationInferenceProfile.fromProfileArn(gov, 'P', profileArn('abc'))))
      .toThrow(/is 1022 characters long with its ARN/);
  });

  test('with the Region unknown, too long anywhere is an error, too long in some Regions a warning', () => {
    const stack = newStack('agnostic');
    const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/p' });
    const p = ApplicationInferenceProfile.fromProfileArn(stack, 'P', profileArn('abc'));
    expect(() => catalog.addProfile('k'.repeat(1011 - 45 - 2 + 1), p)).toThrow(/in any Region/);
    catalog.addProfile('m'.repeat(1011 - 45 - 2), p);
    Annotations.fromStack(stack).hasWarning('/Stack/Catalog', Match.stringLikeRegexp('Regions with the longest ARNs'));
  });

  test('duplicate tenant keys, token keys, and addCostCenterProfile without a cost center are refused', () => {
    const stack = newStack();
    const catalog = new ProfileCatalog(stack, 'Catalog', { prefix: '/p' });
    const p = ApplicationInferenceProfile.fromProfileArn(stack, 'P', profileArn('abc'));
    catalog.addProfile('claims', p);
    expect(() => catalog.addProfile('claims', p)).toThrow(/^Stack\/Catalog: tenantKey 'claims' is in the catalog already \(Stack\/Catalog\/Entry-claims-[0-9a-f]{8}\)/);
    expect(() => catalog.addCostCenterProfile(p)).toThrow(/^Stack\/Catalog: profile Stack\/P has no costCenter/);
    const token = new ssm.StringParameter(stack, 'Key', { stringValue: 'x' }).stringValue;
    expect(() => catalog.addProfile(token, p)).toThrow(/tenantKey must be known at synth/);
  });

  describe('the standard-tier quota (10,000 parameters per account and Region), counted over the app', () => {
    /** `count` standard parameters in stacks of 500 (CloudFormation's limit) named `<name>0`, `<name>1`, ... */
    function fill(scope: App | Stage, name: string, env: { account?: string; region?: string } | undefined, count: number): Stack[] {
      const stacks: Stack[] = [];
      for (let i = 0; i < count; i++) {
        if (i % 500 === 0) stacks.push(new Stack(scope, `${name}${stacks.length}`, env ? { env } : {}));
        new ssm.CfnParameter(stacks[stacks.length - 1], `P${i}`, { type: 'String', value: 'v' });
      }
      return stacks;
    }

    test('stacks of one account and Region add up, across stages; the first catalog of the group reports it', () => {
      const app = new App();
      fill(app, 'A', ENV, STANDARD_PARAMETER_QUOTA / 2);
      fill(new Stage(app, 'Stage'), 'B', ENV, STANDARD_PARAMETER_QUOTA / 2 - 1);
      const catalogs = new Stack(app, 'Catalogs', { env: ENV });
      new ProfileCatalog(catalogs, 'First', { prefix: '/a' }).addProfile('x', ApplicationInferenceProfile.fromProfileArn(catalogs, 'P', profileArn('abc')));
      new ProfileCatalog(catalogs, 'Second', { prefix: '/b' }).addProfile('y', ApplicationInferenceProfile.fromProfileArn(catalogs, 'Q', profileArn('abc')));
      let error = '';
      try {
        app.synth();
      } catch (e) {
        error = (e as Error).message;
      }
      expect(error).toMatch(/Catalogs\/First: entries: the app declares 10,001 standard SSM parameters for account 111122223333 \/ Region us-east-1; Parameter Store allows 10,000/);
      expect(error).not.toMatch(/Second: entries/);
    });

    test('Advanced parameters and other accounts or Regions do not count', () => {
      const app = new App();
      fill(app, 'A', ENV, STANDARD_PARAMETER_QUOTA);
      fill(app, 'Other', { ...ENV, region: 'eu-west-1' }, 5);
      new ProfileCatalog(new Stack(app, 'Catalogs', { env: ENV }), 'Catalog', { prefix: '/a' });
      new ssm.CfnParameter(new Stack(app, 'Advanced', { env: ENV }), 'Advanced', { type: 'String', value: 'v', tier: 'Advanced' });
      expect(() => app.synth()).not.toThrow();
    });

    test('a warning, not an error, when the account or Region is a token', () => {
      const app = new App();
      fill(app, 'Agnostic', undefined, STANDARD_PARAMETER_QUOTA);
      const stack = new Stack(app, 'Catalogs');
      new ProfileCatalog(stack, 'Catalog', { prefix: '/a' }).addProfile('x', ApplicationInferenceProfile.fromProfileArn(stack, 'P', profileArn('abc')));
      Annotations.fromStack(stack).hasWarning('/Catalogs/Catalog', Match.stringLikeRegexp('10,001 standard SSM parameters.*not known at synth'));
    });
  });
});
