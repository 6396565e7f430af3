import { App, Aws, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { CostAllocationTagSchema, CostGovernanceBaseline, ModelSource } from '../../src';
import { AccountFactoryBlueprint, AccountFactoryBlueprintProps } from '../../src/organization/account-factory-blueprint';
import { ControlTowerBlueprintAccessRole } from '../../src/organization/blueprint-access-role';
import { IStackSetTemplate } from '../../src/organization/stackset-template';
import { ManagementAccount } from '../../src/util/management-account';
import { expectSchemaValid } from '../support/cfn-schema';
import { expectNagClean } from '../support/nag';

const MANAGEMENT = '999988887777';
const HUB = '222222222222';
const HOME = 'eu-west-1';
const ASSETS = `cdk-hnb659fds-assets-${HUB}-${HOME}`;

/** A small literal template, as a stack of the hub account would publish it (content-hashed key). */
function baseline(hash = 'a'.repeat(64), assets = [`${'b'.repeat(64)}.zip`]): IStackSetTemplate {
  return {
    templateUrl: `https://s3.${HOME}.amazonaws.com/${ASSETS}/${hash}.json`,
    assets: assets.map(objectKey => ({ sourceBucketName: ASSETS, objectKey })),
    assetBucketPrefix: 'bedrock-governance-assets',
    parameterNames: ['CostCenter', 'MonthlyBudget'],
    requiredParameterNames: [],
  };
}

function hubStack(options: { management?: string; account?: string; region?: string; envAgnostic?: boolean } = {}): Stack {
  const app = new App();
  if (options.management !== undefined) ManagementAccount.set(app, options.management);
  return new Stack(app, 'Hub', options.envAgnostic ? {} : { env: { account: options.account ?? HUB, region: options.region ?? HOME } });
}

function blueprintIn(props: Partial<AccountFactoryBlueprintProps> = {}, stack = hubStack({ management: MANAGEMENT })): {
  stack: Stack; blueprint: AccountFactoryBlueprint;
} {
  return { stack, blueprint: new AccountFactoryBlueprint(stack, 'Blueprint', { template: baseline(), ...props }) };
}

function artifactOf(stack: Stack): Record<string, unknown> {
  const products = Template.fromStack(stack).findResources('AWS::ServiceCatalog::CloudFormationProduct');
  expect(Object.keys(products)).toHaveLength(1);
  const artifacts = Object.values(products)[0].Properties.ProvisioningArtifactParameters as Record<string, unknown>[];
  expect(artifacts).toHaveLength(1);
  return artifacts[0];
}

describe('blueprint product', () => {
  test('one CloudFormation product whose one artifact loads the template URL, named after its content', () => {
    const { stack } = blueprintIn();
    Template.fromStack(stack).hasResourceProperties('AWS::ServiceCatalog::CloudFormationProduct', {
      Name: 'Amazon Bedrock cost governance baseline',
      Owner: 'cdk-bedrock-cost-governance',
      Description: Match.stringLikeRegexp('CostCenter, MonthlyBudget'),
      ProvisioningArtifactParameters: [{
        Info: { LoadTemplateFromURL: baseline().templateUrl },
        Name: Match.stringLikeRegexp('^v-[0-9a-f]{12}$'),
        DisableTemplateValidation: false,
        Description: Match.stringLikeRegexp('bedrock-governance-assets-<Region>'),
      }],
    });
  });

  test('productName, owner, description and versionName are passed through', () => {
    const { stack, blueprint } = blueprintIn({ productName: 'Bedrock baseline', owner: 'Platform team', description: 'Ours', versionName: 'v2.1.0' });
    Template.fromStack(stack).hasResourceProperties('AWS::ServiceCatalog::CloudFormationProduct', {
      Name: 'Bedrock baseline',
      Owner: 'Platform team',
      Description: 'Ours',
      ProvisioningArtifactParameters: [Match.objectLike({ Name: 'v2.1.0' })],
    });
    expect(blueprint.versionName).toBe('v2.1.0');
  });

  test('productId and provisioningArtifactId are the product\'s Ref and its ProvisioningArtifactIds attribute', () => {
    const { stack, blueprint } = blueprintIn();
    const logicalId = Object.keys(Template.fromStack(stack).findResources('AWS::ServiceCatalog::CloudFormationProduct'))[0];
    expect(stack.resolve(blueprint.productId)).toEqual({ Ref: logicalId });
    expect(stack.resolve(blueprint.provisioningArtifactId)).toEqual({ 'Fn::GetAtt': [logicalId, 'ProvisioningArtifactIds'] });
    expect(blueprint.parameterNames).toEqual(['CostCenter', 'MonthlyBudget']);
    expect(blueprint.assetBucketPrefix).toBe('bedrock-governance-assets');
  });

  test('a changed template gives a new artifact name; the same template the same name, in another app too', () => {
    const nameOf = (template: IStackSetTemplate) => {
      const stack = hubStack();
      new AccountFactoryBlueprint(stack, 'Blueprint', { template });
      return artifactOf(stack).Name as string;
    };
    const first = nameOf(baseline());
    expect(nameOf(baseline())).toBe(first);
    expect(nameOf(baseline('c'.repeat(64)))).not.toBe(first);
    expect(nameOf(baseline(undefined, [`${'d'.repeat(64)}.zip`]))).not.toBe(first);
  });

  test('no portfolio by default (Control Tower makes its own); a given portfolio gets the product', () => {
    const { stack: bare } = blueprintIn();
    Template.fromStack(bare).resourceCountIs('AWS::ServiceCatalog::Portfolio', 0);
    Template.fromStack(bare).resourceCountIs('AWS::ServiceCatalog::PortfolioProductAssociation', 0);

    const stack = hubStack();
    const portfolio = new servicecatalog.Portfolio(stack, 'Portfolio', { displayName: 'Blueprints', providerName: 'Platform' });
    new AccountFactoryBlueprint(stack, 'Blueprint', { template: baseline(), portfolio });
    const template = Template.fromStack(stack);
    const productId = Object.keys(template.findResources('AWS::ServiceCatalog::CloudFormationProduct'))[0];
    const portfolioId = Object.keys(template.findResources('AWS::ServiceCatalog::Portfolio'))[0];
    template.hasResourceProperties('AWS::ServiceCatalog::PortfolioProductAssociation', {
      PortfolioId: { Ref: portfolioId },
      ProductId: { Ref: productId },
    });
  });

  test('requiredAssetRegions: the home Region, then the governed Regions, once each; none without file assets', () => {
    expect(blueprintIn().blueprint.requiredAssetRegions).toEqual([HOME]);
    expect(blueprintIn({ governedRegions: ['us-east-1', HOME, 'eu-central-1'] }).blueprint.requiredAssetRegions)
      .toEqual([HOME, 'us-east-1', 'eu-central-1']);
    expect(blueprintIn({ template: baseline(undefined, []) }).blueprint.requiredAssetRegions).toEqual([]);
  });
});

describe('validation', () => {
  const build = (props: Partial<AccountFactoryBlueprintProps>, stack?: Stack) => () => blueprintIn(props, stack);

  test('product name: 1–100 characters, the error names the path, the prop and the rule', () => {
    expect(build({ productName: 'x'.repeat(101) })).toThrow(/^Hub\/Blueprint: productName must be 1–100 characters long \(got 101; Service Catalog/);
    expect(build({ productName: '' })).toThrow(/Hub\/Blueprint: productName must be 1–100/);
    expect(build({ productName: 'x'.repeat(100) })).not.toThrow();
  });

  test('owner, description and versionName limits', () => {
    expect(build({ owner: '' })).toThrow(/Hub\/Blueprint: owner must be 1–8191/);
    expect(build({ description: 'x'.repeat(8192) })).toThrow(/Hub\/Blueprint: description must be 0–8191/);
    expect(build({ versionName: 'v 2' })).toThrow(/Hub\/Blueprint: versionName 'v 2' must not contain whitespace/);
    expect(build({ versionName: 'v'.repeat(101) })).toThrow(/Hub\/Blueprint: versionName must be 1–100/);
  });

  test('the template URL must be https', () => {
    expect(build({ template: { ...baseline(), templateUrl: 's3://bucket/key.json' } }))
      .toThrow(/Hub\/Blueprint: template.templateUrl 's3:\/\/bucket\/key.json' must be an https URL/);
  });

  test('controlTowerHomeRegion must be the stack\'s Region, and a Region name', () => {
    expect(build({ controlTowerHomeRegion: 'us-east-1' }))
      .toThrow(/Hub\/Blueprint: controlTowerHomeRegion is us-east-1, but the stack deploys to eu-west-1: AFC blueprint products must be in the hub account/);
    expect(build({ controlTowerHomeRegion: 'Ireland' })).toThrow(/controlTowerHomeRegion 'Ireland' is not a Region name/);
    expect(build({ controlTowerHomeRegion: HOME })).not.toThrow();
    expect(build({ governedRegions: ['eu-west-1', 'mars-1'] })).toThrow(/Hub\/Blueprint: governedRegions\[1\] 'mars-1' is not a Region name/);
  });

  test('tokens are not judged: product name, version name, template URL, home Region of an environment-agnostic stack', () => {
    const longLazy = Lazy.string({ produce: () => 'x'.repeat(200) });
    expect(build({ productName: longLazy, versionName: Lazy.string({ produce: () => 'a b' }) })).not.toThrow();
    const stack = hubStack({ envAgnostic: true });
    const template = { ...baseline(), templateUrl: Fn.join('', ['https://s3.', Aws.REGION, '.', Aws.URL_SUFFIX, '/bucket/key.json']) };
    const { blueprint } = blueprintIn({ template, controlTowerHomeRegion: HOME }, stack);
    // copying the assets needs literal Regions: an environment-agnostic stack without a home Region cannot
    expect(() => blueprintIn({ template }, hubStack({ envAgnostic: true })))
      .toThrow(/^Hub\/Blueprint: replicateAssets needs literal Regions to copy the assets to/);
    expect(blueprint.requiredAssetRegions).toEqual([HOME]);
    expect(artifactOf(stack).Name).toMatch(/^v-[0-9a-f]{12}$/);
    expect(artifactOf(stack).Name).toBe(stack.resolve(blueprint.versionName));
    const agnostic = blueprintIn({ template, replicateAssets: false }, hubStack({ envAgnostic: true })).blueprint;
    expect(agnostic.requiredAssetRegions).toHaveLength(1);
    expect(Stack.of(agnostic).resolve(agnostic.requiredAssetRegions[0])).toEqual({ Ref: 'AWS::Region' });
  });

  test('a hub in the management account is warned about', () => {
    const { stack } = blueprintIn({}, hubStack({ management: MANAGEMENT, account: MANAGEMENT }));
    Annotations.fromStack(stack).hasWarning('/Hub/Blueprint', Match.stringLikeRegexp('strongly recommend'));
  });
});

describe('ControlTowerBlueprintAccessRole', () => {
  const roleIn = (stack: Stack, props = {}) => new ControlTowerBlueprintAccessRole(stack, 'BlueprintAccess', props);

  test('the exact name, trust to AWSControlTowerAdmin and the extra principals, the two managed policies with the partition', () => {
    const stack = hubStack({ management: MANAGEMENT });
    const role = roleIn(stack, { additionalTrustedPrincipalArns: [`arn:aws:iam::${MANAGEMENT}:role/ControlTowerAdmins`] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    const props = Object.values(template.findResources('AWS::IAM::Role'))[0].Properties;
    expect(props.RoleName).toBe('AWSControlTowerBlueprintAccess');
    expect(props.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: {
          AWS: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${MANAGEMENT}:role/service-role/AWSControlTowerAdmin`]] },
            `arn:aws:iam::${MANAGEMENT}:role/ControlTowerAdmins`,
          ],
        },
      }],
    });
    expect(props.ManagedPolicyArns).toEqual(['AWSServiceCatalogAdminFullAccess', 'AmazonS3ReadOnlyAccess'].map(name => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]],
    })));
    expect(props.Policies).toBeUndefined();
    expect(stack.resolve(role.roleName)).toEqual({ Ref: Object.keys(template.findResources('AWS::IAM::Role'))[0] });
    expect(role.managementAccountId).toBe(MANAGEMENT);
    expect(ControlTowerBlueprintAccessRole.ROLE_NAME).toBe('AWSControlTowerBlueprintAccess');
  });

  test('managementAccountId wins over the app-wide setting; a token is accepted', () => {
    const stack = hubStack({ management: MANAGEMENT });
    roleIn(stack, { managementAccountId: '123456789012' });
    const trust = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0].Properties.AssumeRolePolicyDocument;
    expect(JSON.stringify(trust)).toContain(':iam::123456789012:role/service-role/AWSControlTowerAdmin');
    expect(() => roleIn(hubStack(), { managementAccountId: Lazy.string({ produce: () => '123456789012' }) })).not.toThrow();
  });

  test('errors name the path, the prop and the rule', () => {
    expect(() => roleIn(hubStack())).toThrow(/^Hub\/BlueprintAccess: managementAccountId is required: Control Tower assumes the role/);
    expect(() => roleIn(hubStack(), { managementAccountId: '1234' })).toThrow(/Hub\/BlueprintAccess: managementAccountId '1234' must be a 12-digit/);
    expect(() => roleIn(hubStack({ management: MANAGEMENT }), { additionalTrustedPrincipalArns: ['admins'] }))
      .toThrow(/Hub\/BlueprintAccess: additionalTrustedPrincipalArns\[0\] 'admins' must be an IAM role, user/);
  });

  test('one per account: the name is fixed', () => {
    const stack = hubStack({ management: MANAGEMENT });
    roleIn(stack);
    expect(() => new ControlTowerBlueprintAccessRole(stack, 'Again')).toThrow(/Hub\/Again: the account already has a ControlTowerBlueprintAccessRole \(Hub\/BlueprintAccess\)/);
    const other = new Stack(stack.node.root as App, 'OtherHub', { env: { account: '333333333333', region: HOME } });
    expect(() => new ControlTowerBlueprintAccessRole(other, 'BlueprintAccess')).not.toThrow();
    const sameAccount = new Stack(stack.node.root as App, 'SameHub', { env: { account: HUB, region: 'us-east-1' } });
    expect(() => new ControlTowerBlueprintAccessRole(sameAccount, 'BlueprintAccess')).toThrow(/already has a ControlTowerBlueprintAccessRole/);
  });

  test('a hub in the management account is warned about', () => {
    const stack = hubStack({ management: MANAGEMENT, account: MANAGEMENT });
    roleIn(stack);
    Annotations.fromStack(stack).hasWarning('/Hub/BlueprintAccess', Match.stringLikeRegexp('strongly recommend'));
  });
});

describe('the hub stack', () => {
  test('no unacknowledged cdk-nag AwsSolutions finding, and every resource matches its CloudFormation schema', () => {
    const stack = hubStack({ management: MANAGEMENT });
    new ControlTowerBlueprintAccessRole(stack, 'BlueprintAccess', { additionalTrustedPrincipalArns: [`arn:aws:iam::${MANAGEMENT}:role/Admins`] });
    const portfolio = new servicecatalog.Portfolio(stack, 'Portfolio', { displayName: 'Blueprints', providerName: 'Platform' });
    new AccountFactoryBlueprint(stack, 'Blueprint', { template: baseline(), portfolio, controlTowerHomeRegion: HOME });
    expectSchemaValid(stack);
    expectNagClean(stack);
  });
});

describe('blueprint of a CostGovernanceBaseline', () => {
  function hubWithBaseline(budget: number) {
    const stack = hubStack({ management: MANAGEMENT });
    const template = new CostGovernanceBaseline(stack, 'Baseline', {
      tagSchema: CostAllocationTagSchema.standard({ departments: ['platform'] }),
      homeRegion: HOME,
      assetBucketPrefix: 'bedrock-governance-assets',
      costCenters: [{
        name: 'platform',
        tags: { dept: 'platform' },
        monthlyBudget: budget,
        profiles: { chat: ModelSource.fromString('eu.anthropic.claude-sonnet-4-5-20250929-v1:0') },
      }],
    });
    const blueprint = new AccountFactoryBlueprint(stack, 'Blueprint', { template, controlTowerHomeRegion: HOME });
    return { stack, template, blueprint };
  }

  test('the product loads the baseline template published with the hub stack; its version follows the template\'s content', () => {
    const first = hubWithBaseline(500);
    const artifact = artifactOf(first.stack);
    expect((artifact.Info as any).LoadTemplateFromURL).toEqual(first.stack.resolve(first.template.templateUrl));
    expect(JSON.stringify((artifact.Info as any).LoadTemplateFromURL)).toMatch(new RegExp(`${ASSETS}/[0-9a-f]{64}\\.json`));
    expect(first.blueprint.requiredAssetRegions).toEqual([HOME]);
    // the assets are copied to the hub's bucket of the home Region before the product is made
    const hub = Template.fromStack(first.stack);
    const [replicationId, replication] = Object.entries(hub.findResources('Custom::StackSetAssetReplication'))[0];
    expect(replication.Properties.Regions).toEqual([HOME]);
    expect(replication.Properties.Assets.map((a: { ObjectKey: string }) => a.ObjectKey).sort())
      .toEqual(first.template.assets.map((a) => a.objectKey).sort());
    expect(Object.values(hub.findResources('AWS::ServiceCatalog::CloudFormationProduct'))[0].DependsOn).toEqual(expect.arrayContaining([replicationId]));
    const same = artifactOf(hubWithBaseline(500).stack);
    const changed = artifactOf(hubWithBaseline(900).stack);
    expect(same.Name).toBe(artifact.Name);
    expect(changed.Name).not.toBe(artifact.Name);
    expect(changed.Name).toMatch(/^v-[0-9a-f]{12}$/);
  });
});
