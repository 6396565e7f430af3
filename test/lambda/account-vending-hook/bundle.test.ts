/**
 * The shipped account-vending-hook bundle (assets/lambda/account-vending-hook/index.js) against the
 * local AWS fake: CloudFormation over the real SDK client, as in a deployed function. Events without
 * tag mapping never load the Organizations client (which the bundle takes from the Lambda runtime).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACCOUNT_VENDING_ENV, AccountVendingSettings } from '../../../src/contracts/account-vending';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Handler = (event: unknown) => Promise<Record<string, unknown>>;
const MANAGEMENT = '999988887777';
const SAMPLE = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'control-tower', 'create-managed-account.json'), 'utf8')).event;
const SETTINGS: AccountVendingSettings = {
  schemaVersion: 1,
  stackSets: [{ stackSetName: 'bedrock-baseline', regions: ['us-east-1'], callAs: 'SELF' }],
  parameters: { 111111111111: { CostCenter: 'claims' } },
  parametersFromAccountTags: {},
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

test('AWS\'s CreateManagedAccount sample creates the account\'s instance; the replay writes nothing', async () => {
  bundle.fake.state.createStackSet({
    name: 'bedrock-baseline', parameters: { CostCenter: 'none' }, organization: { 111111111111: 'ou-abcd-l3zc8b3h' },
  });
  const first = await bundle.handler(SAMPLE);
  expect(first).toMatchObject({ results: [{ created: ['us-east-1'] }] });
  expect(bundle.fake.state.stackInstances('bedrock-baseline')).toMatchObject([{ account: '111111111111', overrides: { CostCenter: 'claims' } }]);
  await bundle.handler(SAMPLE);
  expect(bundle.fake.calls.count({ operation: 'CreateStackInstances' })).toBe(1);
});
