import { App, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  AccountVendingHook, BaselineParameter, CentralCostControls, CostAlertTopic, CostAllocationTagSchema, CostCenterTableRow,
  CostGovernanceBaseline, ManagementAccount, ModelSource, OrganizationAssetBucket, OrganizationRollout,
} from '../../src';

/** The organization's management (payer) account: the only account that deploys this app. */
export const MANAGEMENT_ACCOUNT = '999988887777';
/** The organization (its ID is part of the asset buckets' read policy). */
export const ORGANIZATION_ID = 'o-exampleorg01';
/** Prod and staging workload accounts, and the sandbox accounts: both get the baseline. */
export const ORGANIZATIONAL_UNITS = ['ou-ab12-workloads1', 'ou-ab12-sandbox01'];
/** us-east-1 is the Control Tower home Region (and the baseline's home Region); eu-west-1 is a second workload Region. */
export const REGIONS = ['us-east-1', 'eu-west-1'];
export const HOME_REGION = 'us-east-1';
/** The asset buckets are `<prefix>-<Region>`; S3 names are global, so the prefix carries the company's name. */
export const ASSET_BUCKET_PREFIX = 'example-bedrock-gov-assets';
/** Two member accounts of the workloads OU with a central budget each (their Bedrock spend, whatever the tags). */
export const MEMBER_ACCOUNTS = { claimsProd: '111111111111', claimsStaging: '222222222222' } as const;

/**
 * The model every profile copies: the global cross-Region inference profile of Claude Sonnet 4.5
 * (model ID as in examples/insurance). The baseline's template is the same in every Region, so
 * the source must work in both us-east-1 and eu-west-1: a `us.` profile does not exist in
 * eu-west-1, whereas `global.` routes to any commercial Region (InferenceGeo.GLOBAL).
 * `ModelSource.fromString` reads the `global.` prefix (docs/cost-center-table.md), and the
 * library's price table has a `global.` price for this model, so dashboards and alarms estimate cost.
 */
export const MODEL = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';

/** The company's tag design: every profile carries its department (and, in member accounts, its team). */
export const TAG_SCHEMA = CostAllocationTagSchema.standard({ departments: ['platform', 'claims', 'underwriting'] });

/**
 * The cost centers as the management account sees them: the central budgets count each
 * department's Bedrock spend over the whole organization, and the claims department's spend per
 * account. Only `name`, `tags`, `monthlyBudget` and `accounts` matter here (docs/organization.md).
 */
export const CENTRAL_COST_CENTERS: CostCenterTableRow[] = [
  { name: 'platform', tags: { dept: 'platform' }, monthlyBudget: 20000 },
  { name: 'claims', tags: { dept: 'claims' }, monthlyBudget: 5000, accounts: [MEMBER_ACCOUNTS.claimsProd, MEMBER_ACCOUNTS.claimsStaging] },
  { name: 'underwriting', tags: { dept: 'underwriting' }, monthlyBudget: 8000 },
];

/**
 * One per Region of the management account: the bucket the member accounts' stack instances of
 * that Region read the baseline's Lambda code from. Lambda reads a function's code only from a
 * bucket of the function's own Region, hence one bucket (and one stack) per Region.
 */
export class OrganizationAssetsStack extends Stack {
  public readonly assetBucket: OrganizationAssetBucket;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.assetBucket = new OrganizationAssetBucket(this, 'Assets', { bucketPrefix: ASSET_BUCKET_PREFIX, organizationId: ORGANIZATION_ID });
  }
}

/**
 * The management account's stack, in us-east-1 (the Control Tower home Region, and the only
 * Region of the CUR 2.0 export): its own central cost controls, the baseline that every member
 * account gets, the stack set that rolls it out, and the hook that gives vended accounts their
 * own parameter values.
 */
export class OrganizationManagementStack extends Stack {
  public readonly central: CentralCostControls;
  public readonly team: BaselineParameter;
  public readonly baseline: CostGovernanceBaseline;
  public readonly rollout: OrganizationRollout;
  public readonly vending: AccountVendingHook;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    Tags.of(this).add('company', 'example-org');
    // budget alerts, anomaly alerts and report summaries of this stack go to FinOps by email
    CostAlertTopic.configure(this, { emailSubscriptions: ['finops@example.com'] });

    // Service-managed stack sets never deploy to the management account, so it gets its part from
    // this ordinary stack: tags are activated, tag and linked-account anomaly monitors made, and
    // budgets and reports see every member account's spend only in the management account.
    this.central = new CentralCostControls(this, 'Central', {
      tagSchema: TAG_SCHEMA,
      costCenters: CENTRAL_COST_CENTERS,
      accountBudgets: { [MEMBER_ACCOUNTS.claimsProd]: 6000, [MEMBER_ACCOUNTS.claimsStaging]: 1000 },
      tagActivation: { includeIamPrincipalTags: true },
      anomaly: { eachLinkedAccount: true },
      // chargeback report by cost center and linked account, and the CUR 2.0 export: both on by default
    });

    // what differs between member accounts: their team, read from the account's Organizations tag `team`
    this.team = new BaselineParameter('Team', { default: 'shared', description: 'the team that owns the account (its `team` tag)' });

    // Every account of the two OUs gets this one template, in both Regions: profiles, catalog,
    // resolver, dashboards and alarms in each Region; the budgets once per account, in the home Region.
    this.baseline = new CostGovernanceBaseline(this, 'Baseline', {
      tagSchema: TAG_SCHEMA,
      homeRegion: HOME_REGION,
      assetBucketPrefix: ASSET_BUCKET_PREFIX,
      parameters: [this.team],
      costCenters: [
        { name: 'platform', tags: { dept: 'platform', team: this.team.valueAsString }, monthlyBudget: 500, profiles: { chat: ModelSource.fromString(MODEL) } },
        {
          name: 'claims',
          tags: { dept: 'claims', team: this.team.valueAsString },
          monthlyBudget: 1000,
          profiles: { chat: ModelSource.fromString(MODEL), triage: ModelSource.fromString(MODEL) },
        },
        { name: 'underwriting', tags: { dept: 'underwriting', team: this.team.valueAsString }, monthlyBudget: 750, profiles: { summarize: ModelSource.fromString(MODEL) } },
      ],
      // services find their department's profiles by tags through each Region's own resolver
      resolver: {},
      // a spend meter in every account and Region, with that Region's model invocation logging (a
      // per-Region setting of Amazon Bedrock; metadata only, no prompt or completion text). An
      // account whose Region already has a logging configuration fails that stack instance unless
      // the meter's `logging` adopts it (ModelInvocationLogging's `adoptExisting`).
      metering: {},
    });

    // A service-managed stack set with auto-deployment: accounts that join the OUs get the
    // baseline; defined after everything of the baseline, so every asset is copied first.
    this.rollout = new OrganizationRollout(this, 'Rollout', {
      template: this.baseline,
      organizationalUnits: ORGANIZATIONAL_UNITS,
      regions: REGIONS,
      // checked at synth against 100,000 stack instances per stack set (200 × 2 Regions)
      expectedAccounts: 200,
    });

    // Auto-deployment gives every account the stack set's own values; the hook gives each account
    // Control Tower vends its own `Team`: its Organizations tag, read here in the management account
    // (a member account cannot read its own account's tags). Control Tower's lifecycle events
    // arrive in the home Region only.
    this.vending = new AccountVendingHook(this, 'Vending', {
      stackSets: [this.rollout.vendingStackSet],
      parametersFromAccountTags: { team: this.team.name },
      controlTowerHomeRegion: HOME_REGION,
    });
  }
}

/** What the example builds. */
export interface OrganizationApp {
  readonly app: App;
  readonly management: OrganizationManagementStack;
  /** The asset stacks by Region. */
  readonly assetStacks: Record<string, OrganizationAssetsStack>;
}

/** The example app; `outdir` defaults to `cdk.out`. */
export function buildOrganizationApp(outdir = 'cdk.out'): OrganizationApp {
  const app = new App({ outdir });
  // constructs that exist only in the management account (central controls, stack set, hook) check against it
  ManagementAccount.set(app, MANAGEMENT_ACCOUNT);
  const assetStacks: Record<string, OrganizationAssetsStack> = {};
  for (const region of REGIONS) {
    assetStacks[region] = new OrganizationAssetsStack(app, `OrganizationAssets-${region}`, {
      env: { account: MANAGEMENT_ACCOUNT, region },
      description: `cdk-bedrock-cost-governance example: the organization-readable asset bucket of ${region}`,
    });
  }
  const management = new OrganizationManagementStack(app, 'OrganizationManagement', {
    env: { account: MANAGEMENT_ACCOUNT, region: HOME_REGION },
    description: 'cdk-bedrock-cost-governance example: central cost controls and the member-account baseline on StackSets',
  });
  // the asset replication writes into every Region's bucket before the stack set is created
  for (const stack of Object.values(assetStacks)) management.addDependency(stack);
  return { app, management, assetStacks };
}
