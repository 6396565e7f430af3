/**
 * Integration test: the profile resolver and the profile catalog, deployed for real by
 * `integ-runner` (with AWS credentials). Offline, the build verifies the recorded snapshot.
 *
 * Deploys two tagged application inference profiles (cost centers `claims` and `underwriting`
 * of `CostAllocationTagSchema.standard`), a `ProfileCatalog` with an entry per cost center, and a
 * `ProfileResolver` (tags and tenant-key lookups, no sync) attached to the catalog.
 *
 * Asserts, by invoking the resolver function (payloads and answers as in
 * src/contracts/profile-resolver.ts):
 * - `{ tags: { dept: 'claims', project } }` answers the claims profile's ARN, ID, name and tags
 *   (retried: the Resource Groups Tagging API the resolver indexes is eventually consistent);
 * - `{ tenantKey: 'underwriting' }` answers the underwriting profile through the catalog entry;
 * - a department the schema allows but no profile carries fails with `ProfileNotFound`, and a
 *   department outside the schema's allowed values with `InvalidResolveRequest` (a failed
 *   invocation: `FunctionError: 'Unhandled'`, `Payload` `{ errorType, errorMessage, trace }`);
 * - SSM GetParameter of the claims catalog entry returns the claims profile's ARN.
 *
 * The requests name a `project` tag of this test besides `dept`: other profiles of the account
 * (e.g. the one of integ.profile.ts) may carry `dept=claims`, which would make `{ dept: 'claims' }`
 * alone ambiguous (`AmbiguousProfile`).
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicies, Stack } from 'aws-cdk-lib';
import {
  ApplicationInferenceProfile, CostAllocationTagSchema, CostCenter, InferenceGeo, ModelSource, ProfileCatalog, ProfileResolver,
} from '../../src';
import { RESOLVER_ERRORS, ResolveRequest } from '../../src/contracts/profile-resolver';

/** The `project` tag of this test's profiles: keeps its lookups unique in a shared account. */
const PROJECT = 'cdk-bedrock-cost-governance-integ-resolver';
/** How long the resolver may take to see a new profile (GetResources is eventually consistent). */
const WAIT = { totalTimeout: Duration.minutes(10), interval: Duration.seconds(15) };

const app = new App();
const stack = new Stack(app, 'BedrockCostGovernanceResolverInteg');
// a test deployment leaves nothing behind: log groups, their KMS keys and the catalog entries go with the stack
RemovalPolicies.of(stack).destroy();

// 'actuarial' is allowed by the schema but no profile carries it
const schema = CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting', 'actuarial'] });
const profileOf = (dept: string) => new ApplicationInferenceProfile(stack, `Profile-${dept}`, {
  modelSource: ModelSource.crossRegion(InferenceGeo.US, 'amazon.nova-pro-v1:0'),
  costCenter: CostCenter.of(dept, { dept, project: PROJECT }, schema),
  description: `integ test profile of ${dept} for the resolver`,
});
const claims = profileOf('claims');
const underwriting = profileOf('underwriting');

const catalog = new ProfileCatalog(stack, 'Catalog');
catalog.addCostCenterProfile(claims);
catalog.addCostCenterProfile(underwriting);

const resolver = new ProfileResolver(stack, 'Resolver', {
  tagSchema: schema,
  catalog,
  // no remembered misses: every retry of the waiters below rescans the account's profiles
  negativeTtl: Duration.seconds(0),
});

const integ = new IntegTest(app, 'ResolverInteg', { testCases: [stack], regions: ['us-east-1'] });

const resolve = (request: ResolveRequest) => integ.assertions.invokeFunction({
  functionName: resolver.function.functionName,
  payload: JSON.stringify(request),
});
/** A successful invocation whose answer (ResolveResponse) is the profile. */
const answers = (profile: ApplicationInferenceProfile, dept: string) => ExpectedResult.objectLike({
  StatusCode: 200,
  Payload: Match.serializedJson(Match.objectLike({
    profileArn: profile.profileArn,
    profileId: profile.profileId,
    profileName: profile.profileName,
    tags: { dept, project: PROJECT },
  })),
});
/** A failed invocation (the function threw a ResolverError of this name). */
const failsWith = (errorType: string) => ExpectedResult.objectLike({
  StatusCode: 200,
  FunctionError: 'Unhandled',
  Payload: Match.serializedJson(Match.objectLike({ errorType })),
});

const byTags = resolve({ tags: { dept: 'claims', project: PROJECT } })
  .expect(answers(claims, 'claims'))
  .waitForAssertions(WAIT);
const byTenantKey = resolve({ tenantKey: 'underwriting' })
  .expect(answers(underwriting, 'underwriting'))
  .waitForAssertions(WAIT);
// after the lookups succeed, the index holds this test's profiles: the misses are real misses
const unknownDept = resolve({ tags: { dept: 'actuarial', project: PROJECT } })
  .expect(failsWith(RESOLVER_ERRORS.notFound));
const deptOutsideSchema = resolve({ tags: { dept: 'marketing', project: PROJECT } })
  .expect(failsWith(RESOLVER_ERRORS.invalidRequest));
byTags.next(byTenantKey).next(unknownDept).next(deptOutsideSchema);

integ.assertions
  .awsApiCall('SSM', 'getParameter', { Name: catalog.parameterName(claims.costCenter!.name) })
  .expect(ExpectedResult.objectLike({
    Parameter: { Name: catalog.parameterName(claims.costCenter!.name), Type: 'String', Value: claims.profileArn },
  }));

app.synth();
