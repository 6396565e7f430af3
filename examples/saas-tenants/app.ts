import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  BedrockCostGovernance, CostAllocationTagSchema, CostAlertTopic, CostCenterAccess, CostCenterTable, TagPolicy,
} from '../../src';
import { serviceLogGroup } from '../shared/service-logs';

/** The tenants' tag design: `tenant` names the cost center, `tier` the plan. */
export const TAG_SCHEMA = new CostAllocationTagSchema({
  keys: [
    { key: 'tenant', required: true, pattern: '[a-z0-9][a-z0-9-]{0,62}', description: 'the tenant (cost center) that pays' },
    { key: 'tier', required: true, allowedValues: ['standard', 'premium'], description: 'the tenant\'s plan' },
  ],
});

/** The table of tenants, kept next to the app and reviewed like code. */
export const TENANTS_FILE = path.join(__dirname, 'tenants.yaml');

/**
 * A SaaS that gives each of its 100 tenants a tagged application inference profile, a budget and
 * a catalog entry from one table file, meters every invocation (caps on premium tenants), and
 * lets its chat API find a tenant's profile through the resolver and invoke it only with that
 * tenant's session tags.
 */
export class SaasTenantsStack extends Stack {
  public readonly governance: BedrockCostGovernance;
  public readonly chatApi: lambda.Function;
  public readonly tenantRole: iam.Role;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    TagPolicy.enforce(this, TAG_SCHEMA);
    CostAlertTopic.configure(this, { emailSubscriptions: ['billing-ops@example.com'] });

    this.governance = new BedrockCostGovernance(this, 'Tenants', {
      tagSchema: TAG_SCHEMA,
      table: CostCenterTable.fromFile(TENANTS_FILE),
      // chosen once for the largest table expected: 8 nested stacks hold about 800 tenants with one profile each
      shards: 8,
      resolver: {},
      metering: {},
      report: {},
      // tag activation and anomaly detection: the management account's part (BedrockCostGovernance there, or
      // CostAllocationTagActivation); here left out explicitly rather than by the app's missing setting
      activateTags: false,
      anomaly: { enabled: false },
    });

    // the chat API assumes the tenant role with the tenant's session tag; the role may invoke only
    // the profiles whose tenant tag equals the session's (one policy for every tenant)
    const logGroup = serviceLogGroup(this, 'ChatApiLogs', 'chat API');
    const apiRole = new iam.Role(this, 'ChatApiRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    apiRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.chatApi = new lambda.Function(this, 'ChatApi', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ ok: true });'),
      role: apiRole,
      logGroup,
    });
    this.tenantRole = new iam.Role(this, 'TenantRole', {
      description: 'Assumed by the chat API with the tenant\'s session tag; invokes only that tenant\'s profiles',
      // the session must name a tenant: without it the ABAC conditions match nothing
      assumedBy: new iam.ArnPrincipal(apiRole.roleArn).withConditions({ Null: { 'aws:RequestTag/tenant': 'false' } }).withSessionTags(),
    });
    this.tenantRole.grantAssumeRole(apiRole);
    apiRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:TagSession'], resources: [this.tenantRole.roleArn] }));
    CostCenterAccess.abacPolicy(this, 'TenantAccess', { tagKeys: ['tenant'], roles: [this.tenantRole] });

    // the API finds a tenant's profile by its tags ({ tags: { tenant } }) or catalog key
    this.governance.resolver!.grantInvoke(this.chatApi);
  }
}

/** The example app; `outdir` defaults to `cdk.out`. */
export function buildSaasApp(outdir = 'cdk.out'): { app: App; stack: SaasTenantsStack } {
  const app = new App({ outdir });
  const stack = new SaasTenantsStack(app, 'SaasTenants', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    description: 'cdk-bedrock-cost-governance example: 100 SaaS tenants from a table file, found through the resolver',
  });
  return { app, stack };
}
