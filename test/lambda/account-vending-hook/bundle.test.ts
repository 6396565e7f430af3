/**
 * The shipped account-vending-hook bundle (assets/lambda/account-vending-hook/index.js, rebuilt by
 * `npx projen bundle`) against the local AWS fake: CloudFormation and Organizations over the SDK
 * clients bundled in it, reached through the endpoint variables, as in a deployed function.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACCOUNT_VENDING_ENV, AccountVendingSettings, RECONCILE_ACTION } from '../../../src/contracts/account-vending';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
const MANAGEMENT = '999988887777';
const ACCOUNT = '111111111111';
const LATER = '222222222222';
const OU = 'ou-abcd-l3zc8b3h';
const SAMPLE = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'control-tower', 'create-managed-account.json'), 'utf8')).event;
const SETTINGS: AccountVendingSettings = {
  schemaVersion: 2,
  stackSets: [
    { stackSetName: 'bedrock-baseline', regions: ['us-east-1'], callAs: 'SELF', region: 'us-east-1' },
    // a stack set of a rollout in another Region: the bundle calls CloudFormation there with its own client
    { stackSetName: 'regional-baseline', regions: ['us-east-1'], callAs: 'SELF', region: 'eu-west-1', organizationalUnits: ['r-abcd'] },
  ],
  parameters: { [ACCOUNT]: { CostCenter: 'claims' } },
  parametersFromAccountTags: { 'cost-center': 'CostCenter', 'budget': 'MonthlyBudget' },
  reconcilePaceMs: 0,
  managementAccountId: MANAGEMENT,
};

let bundle: ShippedBundle<Handler>;
beforeAll(async () => {
  process.env[ACCOUNT_VENDING_ENV.settings] = JSON.stringify(SETTINGS);
  bundle = await loadShippedBundle<Handler>('account-vending-hook', MANAGEMENT);
});
afterAll(async () => {
  delete process.env[ACCOUNT_VENDING_ENV.settings];
  await bundle.close();
});
beforeEach(() => {
  const { fake } = bundle;
  fake.reset();
  fake.state.createOrganization({ rootId: 'r-abcd', tagsPageSize: 1 });
  fake.state.addOrganizationalUnit('Custom', { id: OU });
  fake.state.addOrganizationAccount({ id: ACCOUNT, parentId: OU, tags: { 'cost-center': 'ignored-explicit-wins', 'budget': '250' } });
  fake.state.createStackSet({
    name: 'bedrock-baseline',
    organizationalUnitIds: [OU],
    parameters: { CostCenter: 'none', MonthlyBudget: '0' },
    organization: { [ACCOUNT]: OU, [LATER]: OU },
  });
  fake.state.createStackSet({ name: 'regional-baseline', region: 'eu-west-1', parameters: { CostCenter: 'none', MonthlyBudget: '0' }, organization: { [ACCOUNT]: OU, [LATER]: OU } });
});

test('AWS\'s CreateManagedAccount sample creates the account\'s instance with its tag-mapped parameters; the replay writes nothing', async () => {
  const first = await bundle.handler(SAMPLE);
  expect(first).toMatchObject({ results: [{ created: ['us-east-1'] }, { created: ['us-east-1'] }] });
  expect(bundle.fake.state.stackInstances('regional-baseline', 'eu-west-1')).toMatchObject([{ account: ACCOUNT }]);
  expect(bundle.fake.calls.count({ operation: 'CreateStackInstances', region: 'eu-west-1' })).toBe(1);
  expect(bundle.fake.state.stackInstances('bedrock-baseline')).toMatchObject([
    { account: ACCOUNT, overrides: { CostCenter: 'claims', MonthlyBudget: '250' } },
  ]);
  // the bundled Organizations client read the tags page by page (one tag a page)
  expect(bundle.fake.calls.count({ service: 'organizations', operation: 'ListTagsForResource' })).toBe(4);
  await bundle.handler(SAMPLE);
  expect(bundle.fake.calls.count({ operation: 'CreateStackInstances' })).toBe(2);
});

test('the scheduled reconcile lists the OU\'s accounts through Organizations and vends the one without an instance', async () => {
  await bundle.handler(SAMPLE);
  bundle.fake.state.addOrganizationAccount({ id: LATER, parentId: OU, tags: { 'cost-center': 'marketing' } });
  const result = await bundle.handler({ action: RECONCILE_ACTION });
  expect(result).toEqual({ accounts: 4, created: 2, updated: 0, retried: 0, failed: 0, left: 0, stackSetsLeft: 0 });
  expect(bundle.fake.state.stackInstances('bedrock-baseline').find(i => i.account === LATER)).toMatchObject({ overrides: { CostCenter: 'marketing' } });
  // bedrock-baseline: OU; regional-baseline: the root and OU (the tree walk, ListOrganizationalUnitsForParent)
  expect(bundle.fake.calls.count({ service: 'organizations', operation: 'ListAccountsForParent', outcome: 'ok' })).toBe(3);
  expect(bundle.fake.calls.count({ service: 'organizations', operation: 'ListOrganizationalUnitsForParent', outcome: 'ok' })).toBe(3);
});
