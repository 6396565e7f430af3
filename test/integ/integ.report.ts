/**
 * Integration test: the chargeback report, deployed for real by `integ-runner` (with AWS
 * credentials). Offline, the build verifies the recorded snapshot.
 *
 * Deploys a `ChargebackReport` grouping by `dept` of `CostAllocationTagSchema.standard` (cost
 * centers claims and underwriting), writing to a bucket of the test (objects deleted with the
 * stack) under the prefix `integ/`, and publishing its summary to the stack's cost alert topic.
 *
 * Asserts, after invoking the function with the event its monthly schedule sends
 * (`{ period: 'previousMonth' }`, src/contracts/chargeback-report.ts ReportEvent):
 * - the result: `status: 'written'`, a calendar month as `period`, the three object keys in the
 *   documented layout `<prefix>reports/<YYYY-MM>/chargeback.{csv,json,html}` (reportKeys),
 *   currency USD, two Cost Explorer requests (this month and the one before) and the summary
 *   published (the first report of a month);
 * - ListObjectsV2 of `<prefix>reports/`: exactly those three objects;
 * - HeadObject of the CSV and the HTML page: their content types;
 * - GetObject of `chargeback.json`: a report document of schema version 1 for that month, with
 *   both known cost centers listed (at zero in a test account without Bedrock spend, in which
 *   case they are in name order) and in the schema.
 *
 * The month is the one before the deployment, so the keys are not known at synth: the result's
 * keys are checked against the layout, and the objects are read by the keys ListObjectsV2 gives.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicies, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BudgetMetric, ChargebackReport, CostAllocationTagSchema } from '../../src';
import { REPORT_SCHEMA_VERSION, ReportEvent, reportKeys } from '../../src/contracts/chargeback-report';

const app = new App();
const stack = new Stack(app, 'BedrockCostGovernanceReportInteg');
// a test deployment leaves nothing behind: log groups and KMS keys (function logs, alert topic) go with the stack
RemovalPolicies.of(stack).destroy();

const bucket = new s3.Bucket(stack, 'Reports', {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});
const departments = ['claims', 'underwriting'];
const report = new ChargebackReport(stack, 'Chargeback', {
  tagSchema: CostAllocationTagSchema.standard({ departments }),
  bucket,
  prefix: 'integ/',
});

const integ = new IntegTest(app, 'ReportInteg', {
  testCases: [stack],
  regions: ['us-east-1'],
  // the update workflow would run the assertions twice against one bucket: the second run of a
  // month whose final report exists is 'skipped' by design, not 'written'
  stackUpdateWorkflow: false,
});

/** The documented keys of a month's report, as regular expressions (any YYYY-MM). */
const LABEL = 'LABEL';
const keyPatterns = Object.fromEntries(Object.entries(reportKeys(report.prefix, LABEL)).map(([kind, key]) => {
  const [before, after] = key.split(LABEL).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return [kind, `^${before}\\d{4}-\\d{2}${after}$`];
})) as Record<keyof ReturnType<typeof reportKeys>, string>;
const FIRST_OF_MONTH = '^\\d{4}-\\d{2}-01$';

// the event of the monthly schedule (ChargebackReport's MonthlySchedule input)
const scheduled: ReportEvent = { period: 'previousMonth' };
const run = integ.assertions.invokeFunction({ functionName: report.function.functionName, payload: JSON.stringify(scheduled) });
run.expect(ExpectedResult.objectLike({
  StatusCode: 200,
  Payload: Match.serializedJson(Match.objectLike({
    status: 'written',
    period: { start: Match.stringLikeRegexp(FIRST_OF_MONTH), end: Match.stringLikeRegexp(FIRST_OF_MONTH) },
    keys: {
      csv: Match.stringLikeRegexp(keyPatterns.csv),
      json: Match.stringLikeRegexp(keyPatterns.json),
      html: Match.stringLikeRegexp(keyPatterns.html),
    },
    currency: 'USD',
    costExplorerRequests: 2,
    summaryPublished: true,
  })),
}));

// integ-tests derives IAM actions from API names (s3:ListObjectsV2, s3:HeadObject), which are not
// S3's actions: the assertion provider (one function for every call) gets the real ones
run.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucket.bucketArn] });
run.provider.addToRolePolicy({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [bucket.arnForObjects(`${report.prefix}reports/*`)] });

const reportsPrefix = `${report.prefix}reports/`;
const listed = integ.assertions.awsApiCall('S3', 'listObjectsV2', { Bucket: bucket.bucketName, Prefix: reportsPrefix })
  .expect(ExpectedResult.objectLike({
    KeyCount: 3,
    // keys in lexicographic order: .csv, .html, .json
    Contents: Match.arrayWith([
      Match.objectLike({ Key: Match.stringLikeRegexp(keyPatterns.csv) }),
      Match.objectLike({ Key: Match.stringLikeRegexp(keyPatterns.html) }),
      Match.objectLike({ Key: Match.stringLikeRegexp(keyPatterns.json) }),
    ]),
  }));
// the same listing, flattened (no expectation), for the keys of the objects read below
const keysOf = integ.assertions.awsApiCall('S3', 'listObjectsV2', { Bucket: bucket.bucketName, Prefix: reportsPrefix, MaxKeys: 3 });
run.next(listed).next(keysOf);

integ.assertions.awsApiCall('S3', 'headObject', { Bucket: bucket.bucketName, Key: keysOf.getAttString('Contents.0.Key') })
  .expect(ExpectedResult.objectLike({ ContentType: 'text/csv; charset=utf-8; header=present' }));
integ.assertions.awsApiCall('S3', 'headObject', { Bucket: bucket.bucketName, Key: keysOf.getAttString('Contents.1.Key') })
  .expect(ExpectedResult.objectLike({ ContentType: 'text/html; charset=utf-8' }));
integ.assertions.awsApiCall('S3', 'getObject', { Bucket: bucket.bucketName, Key: keysOf.getAttString('Contents.2.Key') })
  .expect(ExpectedResult.objectLike({
    ContentType: 'application/json',
    Body: Match.serializedJson(Match.objectLike({
      schemaVersion: REPORT_SCHEMA_VERSION,
      reportName: report.reportName,
      kind: 'month',
      period: { start: Match.stringLikeRegexp(FIRST_OF_MONTH), end: Match.stringLikeRegexp(FIRST_OF_MONTH) },
      metric: BudgetMetric.NET_UNBLENDED_COST,
      currency: 'USD',
      tagKey: report.tagKey,
      costCenters: Match.arrayWith(departments.map((costCenter) => Match.objectLike({ costCenter, inSchema: true }))),
      costExplorerRequests: 2,
    })),
  }));

app.synth();
