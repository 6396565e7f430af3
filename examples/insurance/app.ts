import { App, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  AnomalyThreshold, BedrockCostGovernance, BudgetEnforcement, CostAlertTopic, CostAndUsageExport, CostAllocationTagSchema,
  ManagementAccount, ModelSource, TagPolicy,
} from '../../src';
import { serviceLogGroup } from '../shared/service-logs';

/**
 * Model IDs current on 2026-11-27 (Amazon Bedrock user guide, "Supported foundation models" and
 * "Supported cross-Region inference profiles"). Claude Sonnet 4.5 is invoked on demand through a
 * cross-Region (US) inference profile; Amazon Nova Pro is served in-Region in us-east-1. Both are
 * in the library's price table, so every dashboard and alarm shows an estimated cost.
 */
export const MODELS = {
  claudeSonnet: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  novaPro: 'amazon.nova-pro-v1:0',
} as const;

/** The company's tag design: every profile carries its department. */
export const TAG_SCHEMA = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting', 'customer-service'] });

/**
 * An insurance company gives each department its own tagged application inference profiles, a
 * budget, catalog entries, a dashboard section and alarms, meters every invocation within a
 * minute, and lets the claims service invoke only its department's profiles — all from one
 * table of departments.
 */
export class InsuranceBedrockStack extends Stack {
  public readonly governance: BedrockCostGovernance;
  public readonly claimsFunction: lambda.Function;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    Tags.of(this).add('company', 'example-insurance');
    TagPolicy.enforce(this, TAG_SCHEMA);
    // every budget alert, anomaly alert and alarm of the stack goes to this topic, and FinOps reads it by email
    CostAlertTopic.configure(this, { emailSubscriptions: ['finops@example.com'] });

    // the claims service's role: the budget's enforcement and the meter's cap deny it
    const role = new iam.Role(this, 'ClaimsRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    this.governance = new BedrockCostGovernance(this, 'Governance', {
      tagSchema: TAG_SCHEMA,
      costCenters: [
        {
          name: 'claims',
          tags: { dept: 'claims' },
          description: 'Claims department: first notice of loss triage',
          profiles: { chat: ModelSource.fromString(MODELS.claudeSonnet), triage: ModelSource.fromString(MODELS.novaPro) },
          // past 100 % of $5,000 AWS Budgets denies the claims service (hours after the fact); past $4,000 in a
          // month or $300 in a day the spend meter does, within about a minute
          monthlyBudget: 5000,
          enforcement: BudgetEnforcement.denyInvocation({ roles: [role] }),
          caps: { monthlyUsd: 4000, dailyUsd: 300, roles: [role] },
        },
        { name: 'underwriting', tags: { dept: 'underwriting' }, monthlyBudget: 2000, profiles: { summarize: ModelSource.fromString(MODELS.claudeSonnet) } },
        { name: 'customer-service', tags: { dept: 'customer-service' }, monthlyBudget: 1000, profiles: { chat: ModelSource.fromString(MODELS.novaPro) } },
      ],
      // a nested stack holds about a hundred departments with one profile each: this company's
      // table fits one for good (the count is fixed for the life of the construct)
      shards: 1,
      // services find their department's profiles by key (/example-insurance/profiles/<dept>/<key>),
      // or by tags through the resolver
      catalogPrefix: '/example-insurance/profiles',
      resolver: {},
      // every invocation metered within about a minute (metadata only: no prompt or completion text is logged)
      metering: {},
      // the management account's stack (InsuranceBillingStack) activates the tags and watches for anomalies
      activateTags: false,
      anomaly: { enabled: false },
    });

    // the claims service: may invoke the models through the claims profiles only
    const logGroup = serviceLogGroup(this, 'ClaimsLogs', 'claims service');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const claims = this.governance.costCenter('claims');
    this.claimsFunction = new lambda.Function(this, 'ClaimsService', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ profile: process.env.PROFILE_ARN });'),
      environment: { PROFILE_ARN: claims.profile('chat').profileArn },
      role,
      logGroup,
    });
    // the role is tagged dept=claims too, for Bedrock's IAM-principal cost attribution
    claims.profile('chat').grantInvoke(this.claimsFunction, { tagPrincipal: true });
    claims.profile('triage').grantInvoke(this.claimsFunction);
    this.governance.grantReadCatalog(this.claimsFunction);
    this.governance.resolver!.grantInvoke(this.claimsFunction);
  }
}

/**
 * The management (payer) account's part: activates the cost allocation tags (and their
 * IAM-principal forms), watches each department's spend for anomalies, sends finance a monthly
 * chargeback report by department and linked account, and exports line items (with the calling
 * IAM principal) for Athena.
 */
export class InsuranceBillingStack extends Stack {
  public readonly governance: BedrockCostGovernance;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.governance = new BedrockCostGovernance(this, 'Governance', {
      tagSchema: TAG_SCHEMA,
      // no cost centers here: their profiles and budgets live in the workload account
      activateTags: true,
      tagActivation: { includeIamPrincipalTags: true, backfillMonths: 3 },
      anomaly: { enabled: true, threshold: AnomalyThreshold.anyOf(AnomalyThreshold.absoluteUsd(200), AnomalyThreshold.percentage(40)) },
      // the previous month's report on the 2nd (rewritten until Cost Explorer finalizes it), and the month to date every morning
      report: { byLinkedAccount: true, includeIamPrincipalTags: true, monthToDateSchedule: 'cron(0 7 * * ? *)' },
    });
    new CostAndUsageExport(this, 'LineItems', { tagSchema: TAG_SCHEMA });
  }
}

/** The example app; `outdir` defaults to `cdk.out`. */
export function buildInsuranceApp(outdir = 'cdk.out'): { app: App; stack: InsuranceBedrockStack; billing: InsuranceBillingStack } {
  const app = new App({ outdir });
  // one app-wide setting: constructs that exist only in the management account check against it
  const managementAccount: string | undefined = app.node.tryGetContext('managementAccount');
  if (managementAccount) ManagementAccount.set(app, managementAccount);
  const stack = new InsuranceBedrockStack(app, 'InsuranceBedrock', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    description: 'cdk-bedrock-cost-governance example: an insurance company with a profile, a budget and a dashboard per department',
  });
  // Cost Explorer, cost allocation tags and tag-based anomaly monitors live in the management account
  const billing = new InsuranceBillingStack(app, 'InsuranceBilling', {
    env: { account: managementAccount, region: 'us-east-1' },
    description: 'cdk-bedrock-cost-governance example: cost allocation tags and anomaly detection in the management account',
  });
  return { app, stack, billing };
}
