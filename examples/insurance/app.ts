import { App, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  AnomalyAlertSubscription, AnomalyMonitorScope, AnomalyThreshold, ApplicationInferenceProfile, BudgetAlert, BudgetEnforcement,
  BudgetThreshold, ChargebackReport, CostAlertTopic, CostAndUsageExport, CostAllocationTagActivation, CostAllocationTagSchema,
  CostAnomalyMonitor, CostCenter, CostCenterBudget,
  InferenceGeo, ManagementAccount, ModelInvocationLogging, ModelSource, ProfileCatalog, ProfileResolver,
  SpendCap, SpendMeter, TagPolicy, UsageAlarms, UsageDashboard,
} from '../../src';

/**
 * Model IDs current on 2026-11-27 (Amazon Bedrock user guide, "Supported foundation models" and
 * "Supported cross-Region inference profiles"). Claude Sonnet 4.5 and Llama 3.3 70B are invoked
 * on demand through cross-Region (US) inference profiles; Amazon Nova Pro is served in-Region in
 * us-east-1.
 */
export const MODELS = {
  claudeSonnet: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  llama70b: 'meta.llama3-3-70b-instruct-v1:0',
  novaPro: 'amazon.nova-pro-v1:0',
} as const;

/** The company's tag design: every profile carries its department. */
export const TAG_SCHEMA = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting', 'customer-service'] });

/**
 * An insurance company gives each department its own tagged application inference profile, so
 * that Bedrock spend shows up per department in billing, and lets the claims service invoke only
 * its department's profile.
 */
export class InsuranceBedrockStack extends Stack {
  public readonly claims: ApplicationInferenceProfile;
  public readonly underwriting: ApplicationInferenceProfile;
  public readonly customerService: ApplicationInferenceProfile;
  public readonly claimsFunction: lambda.Function;
  public readonly meter: SpendMeter;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    Tags.of(this).add('company', 'example-insurance');
    TagPolicy.enforce(this, TAG_SCHEMA);
    // every budget alert, anomaly alert and alarm of the stack goes to this topic, and FinOps reads it by email
    CostAlertTopic.configure(this, { emailSubscriptions: ['finops@example.com'] });

    const claims = new CostCenter({ name: 'claims', tags: { dept: 'claims' }, schema: TAG_SCHEMA });
    const underwriting = new CostCenter({ name: 'underwriting', tags: { dept: 'underwriting' }, schema: TAG_SCHEMA });
    const customerService = new CostCenter({ name: 'customer-service', tags: { dept: 'customer-service' }, schema: TAG_SCHEMA });

    this.claims = new ApplicationInferenceProfile(this, 'Claims', {
      modelSource: ModelSource.crossRegion(InferenceGeo.US, MODELS.claudeSonnet),
      description: 'Claims department: first notice of loss triage',
      costCenter: claims,
    });
    this.underwriting = new ApplicationInferenceProfile(this, 'Underwriting', {
      modelSource: ModelSource.crossRegion(InferenceGeo.US, MODELS.llama70b),
      description: 'Underwriting department: risk summaries',
      costCenter: underwriting,
    });
    this.customerService = new ApplicationInferenceProfile(this, 'CustomerService', {
      modelSource: ModelSource.foundationModel(MODELS.novaPro),
      costCenter: customerService,
    });

    // the claims service: may invoke the model through the claims profile only
    const logKey = new kms.Key(this, 'ClaimsLogKey', { enableKeyRotation: true, description: 'Encrypts the claims service logs' });
    // AWS Control Tower CT.KMS.PR.3: only AWS services may create grants on the key
    logKey.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
    logKey.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` } },
    }));
    const logGroup = new logs.LogGroup(this, 'ClaimsLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: logKey });
    const role = new iam.Role(this, 'ClaimsRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.claimsFunction = new lambda.Function(this, 'ClaimsService', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ profile: process.env.PROFILE_ARN });'),
      environment: { PROFILE_ARN: this.claims.profileArn },
      role,
      logGroup,
    });
    // the role is tagged dept=claims too, for Bedrock's IAM-principal cost attribution
    this.claims.grantInvoke(this.claimsFunction, { tagPrincipal: true });

    // a monthly budget per department; past 100 % the claims service may no longer invoke
    new CostCenterBudget(this, 'ClaimsBudget', {
      costCenter: claims,
      limit: 5000,
      alerts: [
        BudgetAlert.at(BudgetThreshold.actual(80)),
        BudgetAlert.at(BudgetThreshold.actual(100)),
        BudgetAlert.at(BudgetThreshold.forecasted(100)),
      ],
      enforcement: BudgetEnforcement.denyInvocation({ profiles: [this.claims], roles: [role] }),
    });
    new CostCenterBudget(this, 'UnderwritingBudget', { costCenter: underwriting, limit: 2000 });
    new CostCenterBudget(this, 'CustomerServiceBudget', { costCenter: customerService, limit: 1000 });

    // usage and estimated cost per department (built-in prices: Claude Sonnet 4.5, Nova Pro)
    new UsageDashboard(this, 'Usage', {
      costCenters: [{ costCenter: claims, profiles: [this.claims] }, { costCenter: customerService, profiles: [this.customerService] }],
    });
    // no on-demand price for Llama 3.3 70B was found in AWS's sources: add yours with ModelPricing.custom() to show its cost
    new UsageDashboard(this, 'UnderwritingUsage', {
      costCenters: [{ costCenter: underwriting, profiles: [this.underwriting] }],
      showEstimatedCost: false,
    });
    // the profile catalog: services find their department's profile by key
    // (/example-insurance/profiles/<dept>), or by tags through the resolver
    const catalog = new ProfileCatalog(this, 'ProfileCatalog', { prefix: '/example-insurance/profiles' });
    for (const profile of [this.claims, this.underwriting, this.customerService]) catalog.addCostCenterProfile(profile);
    catalog.grantRead(this.claimsFunction);
    new ProfileResolver(this, 'ProfileResolver', { tagSchema: TAG_SCHEMA, catalog }).grantInvoke(this.claimsFunction);

    new UsageAlarms(this, 'ClaimsAlarms', { profiles: [this.claims], costCenter: claims, hourlyCostThresholdUsd: 25 });
    new UsageAlarms(this, 'OtherAlarms', { profiles: [this.underwriting, this.customerService] });

    // every invocation metered within about a minute (metadata only: no prompt or completion text is logged);
    // past $4,000 in a month or $300 in a day, the claims service may no longer invoke until the period
    // rolls over or FinOps raises the cap in the meter's table
    const logging = new ModelInvocationLogging(this, 'InvocationLogging');
    this.meter = new SpendMeter(this, 'SpendMeter', {
      logging,
      tagSchema: TAG_SCHEMA,
      caps: [SpendCap.costCenter(claims, { monthlyUsd: 4000, dailyUsd: 300, roles: [role] })],
    });
  }
}

/**
 * The management (payer) account's part: activates the cost allocation tags (and their
 * IAM-principal forms), watches each department's spend for anomalies, sends finance a monthly
 * chargeback report by department and linked account, and exports line items (with the calling
 * IAM principal) for Athena.
 */
export class InsuranceBillingStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new CostAllocationTagActivation(this, 'CostAllocationTags', { schema: TAG_SCHEMA, includeIamPrincipalTags: true, backfillMonths: 3 });
    const byDepartment = new CostAnomalyMonitor(this, 'SpendByDepartment', { monitorScope: AnomalyMonitorScope.costAllocationTag('dept') });
    new AnomalyAlertSubscription(this, 'AnomalyAlerts', {
      monitors: [byDepartment],
      threshold: AnomalyThreshold.anyOf(AnomalyThreshold.absoluteUsd(200), AnomalyThreshold.percentage(40)),
    });
    // the previous month's report on the 2nd (rewritten until Cost Explorer finalizes it), and the month to date every morning
    new ChargebackReport(this, 'Chargeback', {
      tagSchema: TAG_SCHEMA,
      byLinkedAccount: true,
      includeIamPrincipalTags: true,
      monthToDateSchedule: 'cron(0 7 * * ? *)',
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
