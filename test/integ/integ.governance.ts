/**
 * Integration test: `BedrockCostGovernance` over a table of two cost centers, deployed for real by
 * `integ-runner` (with AWS credentials). Offline, the build verifies the recorded snapshot.
 *
 * Deploys, through the facade: a profile per cost center (in a profile batch of the fleet's one
 * nested stack), a monthly budget each, their catalog entries, a dashboard and alarms, and the
 * resolver over the catalog. Tag activation and anomaly detection are off (they belong to the
 * management account; a test account may be a member account).
 *
 * Asserts:
 * - Bedrock GetInferenceProfile of the claims profile: ACTIVE, an APPLICATION profile;
 * - Bedrock ListTagsForResource: the claims cost center's tags (and the fleet's owner tag);
 * - SSM GetParameter of the catalog entry `<prefix>/claims/chat`: the profile's ARN;
 * - AWS Budgets DescribeBudget of the claims budget: a monthly COST budget of 25 USD;
 * - the resolver, invoked with the claims tags, answers the claims profile (retried: the
 *   Resource Groups Tagging API it reads is eventually consistent).
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicies, Stack } from 'aws-cdk-lib';
import { BedrockCostGovernance, CostAllocationTagSchema, ModelSource } from '../../src';

/** The `project` tag of this test's profiles: keeps its lookups unique in a shared account. */
const PROJECT = 'cdk-bedrock-cost-governance-integ-governance';

const app = new App();
const stack = new Stack(app, 'BedrockCostGovernanceFacadeInteg');
RemovalPolicies.of(stack).destroy();

const gov = new BedrockCostGovernance(stack, 'Gov', {
  tagSchema: CostAllocationTagSchema.standard({ departments: ['claims', 'underwriting'] }),
  costCenters: [
    { name: 'claims', tags: { dept: 'claims', project: PROJECT }, monthlyBudget: 25, profiles: { chat: ModelSource.fromString('us.amazon.nova-pro-v1:0') } },
    { name: 'underwriting', tags: { dept: 'underwriting', project: PROJECT }, monthlyBudget: 10, profiles: { chat: ModelSource.fromString('us.amazon.nova-pro-v1:0') } },
  ],
  shards: 1,
  catalogPrefix: '/cdk-bedrock-cost-governance-integ/governance',
  resolver: { negativeTtl: Duration.seconds(0) },
  activateTags: false,
  anomaly: { enabled: false },
});
const claims = gov.costCenter('claims');
const chat = claims.profile('chat');

const integ = new IntegTest(app, 'GovernanceInteg', { testCases: [stack], regions: ['us-east-1'] });

integ.assertions
  .awsApiCall('Bedrock', 'getInferenceProfile', { inferenceProfileIdentifier: chat.profileArn })
  .expect(ExpectedResult.objectLike({ status: 'ACTIVE', type: 'APPLICATION', inferenceProfileArn: chat.profileArn }));
integ.assertions
  .awsApiCall('Bedrock', 'listTagsForResource', { resourceARN: chat.profileArn })
  .expect(ExpectedResult.objectLike({ tags: Match.arrayWith([{ key: 'dept', value: 'claims' }, { key: 'project', value: PROJECT }]) }));
integ.assertions
  .awsApiCall('SSM', 'getParameter', { Name: '/cdk-bedrock-cost-governance-integ/governance/claims/chat' })
  .expect(ExpectedResult.objectLike({ Parameter: { Type: 'String', Value: chat.profileArn } }));
const budget = integ.assertions
  .awsApiCall('Budgets', 'describeBudget', { AccountId: stack.account, BudgetName: claims.budget!.budgetName })
  .expect(ExpectedResult.objectLike({
    Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: Match.stringLikeRegexp('^25(\\.0+)?$'), Unit: 'USD' } },
  }));
// integ-tests derives `budgets:DescribeBudget` from the API name; the IAM action of DescribeBudget is
// budgets:ViewBudget (Service Authorization Reference, "Actions defined by AWS Budget Service")
budget.provider.addToRolePolicy({
  Effect: 'Allow',
  Action: ['budgets:ViewBudget'],
  Resource: [`arn:${stack.partition}:budgets::${stack.account}:budget/${claims.budget!.budgetName}`],
});
integ.assertions
  .invokeFunction({ functionName: gov.resolver!.function.functionName, payload: JSON.stringify({ tags: { dept: 'claims', project: PROJECT } }) })
  .expect(ExpectedResult.objectLike({
    StatusCode: 200,
    Payload: Match.serializedJson(Match.objectLike({ profileArn: chat.profileArn, tags: { dept: 'claims', project: PROJECT } })),
  }))
  .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(15) });

app.synth();
