import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError, REGION_NAME } from './validation';

/**
 * Synth-time guard for CloudFormation resource types that are registered in some Regions only.
 *
 * A template with a type that its Region's CloudFormation registry does not have fails at deploy
 * with "Template format error: Unrecognized resource types: [...]" — after the synth, the diff and
 * the upload. The guard fails the synth instead, naming the construct, the type, where the type
 * exists and how to fix it.
 *
 * Where the Regions come from: CloudFormation publishes, per Region, a zip of the resource provider
 * schemas of every type available in that Region ("Resource availability may vary by Region. To
 * check the availability of a resource in a given Region, refer to the resource provider schemas
 * for that Region": {@link CFN_REGIONAL_SCHEMAS_DOC}), at
 * `https://schema.cloudformation.<region>.amazonaws.com[.cn]/CloudformationSchema.zip`. cfn-lint
 * commits the type list of each Region's zip; the lists below were read from its snapshot of
 * 2026-06-15 ({@link CFN_LINT_REGION_LISTS}). cfn-lint copies us-east-1's list for the isolated
 * partitions (ISO, EUSC), which therefore were not verified and are not in {@link SURVEYED_REGIONS}.
 *
 * Every other type the library synthesizes (Lambda, IAM, KMS, Logs, SNS, Scheduler, CloudWatch,
 * Organizations, CloudFormation::Stack, SSM, custom resources) is in all of the surveyed Regions
 * and is not listed. See docs/region-availability.md for the whole survey.
 */

/** The AWS page that says resource availability varies by Region and links each Region's schema zip. */
export const CFN_REGIONAL_SCHEMAS_DOC = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html';

/** cfn-lint's committed copy of each Region's schema zip type list (one file per Region), 2026-06-15. */
export const CFN_LINT_REGION_LISTS = 'https://github.com/aws-cloudformation/cfn-lint/tree/602229535a34035f5b31c8d280e6c3773657e0f0/src/cfnlint/data/schemas/providers';

/** The date of the regional type lists the table was read from. */
export const SURVEY_DATE = '2026-06-15';

/**
 * Regions whose CloudFormation type lists were read ({@link SURVEY_DATE}): the `aws` partition's
 * 34 Regions, `aws-cn` and `aws-us-gov`. In a literal Region outside this list (a newer Region, an
 * isolated partition) a restricted type is neither allowed nor refused: the guard warns.
 */
export const SURVEYED_REGIONS: readonly string[] = [
  // aws
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
  'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'eu-central-1',
  'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1', 'us-east-2',
  'us-west-1', 'us-west-2',
  // aws-cn
  'cn-north-1', 'cn-northwest-1',
  // aws-us-gov
  'us-gov-east-1', 'us-gov-west-1',
];

/** Where a region-restricted type exists, and why the table says so. */
export interface RegionRestriction {
  /** The Regions (all partitions) whose CloudFormation registry has the type; us-east-1 first. */
  readonly regions: string[];
  /** The service (for the message). */
  readonly service: string;
  /** The main source for the Region list (a URL). */
  readonly source: string;
  /** Further sources: reports of the deploy-time failure, history. */
  readonly seeAlso?: string[];
}

// Cost Explorer anomaly detection types: 29 of the 34 aws Regions (not ap-east-2, ap-southeast-5,
// ap-southeast-6, ap-southeast-7, mx-central-1) and both aws-cn Regions; not aws-us-gov. Until
// December 2023 they were us-east-1 only (coverage-roadmap #1375); the regional resource
// specification 151.0.0 (2023-12-14, cfn-lint commit ede46a947) added them to the other Regions.
const CE_ANOMALY_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-northeast-1',
  'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2',
  'ap-southeast-3', 'ap-southeast-4', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2',
  'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1',
  'me-central-1', 'me-south-1', 'sa-east-1',
  'cn-north-1', 'cn-northwest-1',
];

// AWS Budgets types: 15 of the 34 aws Regions and both aws-cn Regions; not aws-us-gov.
const BUDGETS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-south-1',
  'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'sa-east-1',
  'cn-north-1', 'cn-northwest-1',
];

const ROADMAP = 'https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues';

const CE_ANOMALY_DETECTION: RegionRestriction = {
  regions: CE_ANOMALY_REGIONS,
  service: 'AWS Cost Anomaly Detection',
  source: CFN_LINT_REGION_LISTS,
  seeAlso: [CFN_REGIONAL_SCHEMAS_DOC, `${ROADMAP}/1375`],
};

const BUDGETS: RegionRestriction = {
  regions: BUDGETS_REGIONS,
  service: 'AWS Budgets',
  source: CFN_LINT_REGION_LISTS,
  seeAlso: [CFN_REGIONAL_SCHEMAS_DOC, `${ROADMAP}/2177`],
};

/**
 * The CloudFormation types the library synthesizes that exist in some Regions only, read from
 * CloudFormation's per-Region resource provider schemas ({@link SURVEY_DATE}).
 */
export const REGION_RESTRICTED_TYPES: { [cfnType: string]: RegionRestriction } = {
  'AWS::CE::AnomalyMonitor': CE_ANOMALY_DETECTION,
  'AWS::CE::AnomalySubscription': CE_ANOMALY_DETECTION,
  'AWS::Budgets::Budget': BUDGETS,
  'AWS::Budgets::BudgetsAction': BUDGETS,
  // CUR 2.0 (AWS Data Exports): us-east-1 only when it appeared (coverage-roadmap #2223, 2024-12);
  // eu-west-2 since 2025-02, us-west-1 and us-west-2 since 2026-03 in the regional lists; no aws-cn, no aws-us-gov.
  'AWS::BCMDataExports::Export': {
    regions: ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-2'],
    service: 'AWS Data Exports (CUR 2.0)',
    source: CFN_LINT_REGION_LISTS,
    seeAlso: [CFN_REGIONAL_SCHEMAS_DOC, `${ROADMAP}/2223`],
  },
};

/** The restriction on a CloudFormation type, or undefined when it exists in every surveyed Region. */
export function regionRestriction(cfnType: string): RegionRestriction | undefined {
  return Object.prototype.hasOwnProperty.call(REGION_RESTRICTED_TYPES, cfnType) ? REGION_RESTRICTED_TYPES[cfnType] : undefined;
}

/**
 * Fails the synth when `resource`'s type does not exist in the Region its stack deploys to.
 *
 * - literal Region where the type exists, or a type that is not restricted: nothing;
 * - literal surveyed Region where it does not: throws, naming the path, the type, the Regions and the fix;
 * - unresolved (token) Region, or a literal Region that was not surveyed: a warning
 *   (`cdk-bedrock-cost-governance:regionRestrictedType`).
 *
 * A nested stack deploys to its parent's Region, which `Stack.of(resource).region` already gives.
 */
export function guardRegion(resource: CfnResource): void {
  const type = resource.cfnResourceType;
  const restriction = regionRestriction(type);
  if (restriction === undefined) return;
  const region = Stack.of(resource).region;
  const where = `${type} exists only in ${restriction.regions.join(', ')} (${restriction.service}; ${restriction.source})`;
  const fix = `put it in a stack with env: { region: '${restriction.regions[0]}' } (e.g. a separate billing stack)`;
  if (Token.isUnresolved(region)) {
    Annotations.of(resource).addWarningV2('cdk-bedrock-cost-governance:regionRestrictedType',
      `${where}; this stack's Region is not known at synth (env-agnostic), and the deployment fails with "Unrecognized resource types" unless it deploys to one of those Regions: ${fix}`);
    return;
  }
  if (restriction.regions.includes(region)) return;
  if (!SURVEYED_REGIONS.includes(region)) {
    Annotations.of(resource).addWarningV2('cdk-bedrock-cost-governance:regionRestrictedType',
      `${where} as of ${SURVEY_DATE}; ${region} was not surveyed, so the deployment may fail with "Unrecognized resource types": check ${CFN_REGIONAL_SCHEMAS_DOC} or ${fix}`);
    return;
  }
  throw new Error(`${resource.node.path}: ${where}; this stack deploys to ${region}, where CloudFormation would fail with "Unrecognized resource types": ${fix}`);
}

/**
 * A construct that must be deployed in a given Region (a Control Tower landing zone's home
 * Region): checks the Region's name and that the stack's Region, when known, is that one.
 * @param why what ties the construct to the Region, for the message
 * @returns the given Region, else the stack's (possibly a token)
 */
export function checkHomeRegion(scope: IConstruct, prop: string, homeRegion: string | undefined, why: string): string {
  const region = Stack.of(scope).region;
  if (homeRegion === undefined || Token.isUnresolved(homeRegion)) return homeRegion ?? region;
  if (!REGION_NAME.test(homeRegion)) throw propError(scope, prop, `'${homeRegion}' is not a Region name`);
  if (!Token.isUnresolved(region) && region !== homeRegion) {
    throw propError(scope, prop, `is ${homeRegion}, but the stack deploys to ${region}: ${why}`);
  }
  return homeRegion;
}
