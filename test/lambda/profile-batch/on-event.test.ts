/** onEvent (validation and naming only), the helpers of isComplete, and the settings from the environment. */
import { batchProps, member, STACK_ID } from './harness';
import { accountOfStackId, memberRequestToken, ownerOfPhysicalId, profileIdOfArn } from '../../../lambda/profile-batch/converge';
import { batchPhysicalId, onEvent } from '../../../lambda/profile-batch/on-event';
import { batchSettingsFromEnv, DEFAULT_WORK_BUDGET_SECONDS } from '../../../lambda/profile-batch/settings';
import { CfnEvent } from '../../../lambda/shared/cfn-event';
import { silentLogger } from '../../../lambda/shared/log';
import { batchOwnerId, DEFAULT_CALLS_PER_SECOND, PROFILE_BATCH_ENV, PROFILE_BATCH_PHYSICAL_ID_PREFIX } from '../../../src/contracts/profile-batch';

const base = { ServiceToken: 'x', ResponseURL: '...', StackId: STACK_ID, RequestId: 'r', LogicalResourceId: 'FleetBatch0', ResourceType: 'x' };
const ctx = { log: silentLogger };
const ID = PROFILE_BATCH_PHYSICAL_ID_PREFIX + batchOwnerId(STACK_ID, 'FleetBatch0');

describe('onEvent', () => {
  test('Create and Update name the batch with one stable physical id', async () => {
    expect(batchPhysicalId(base)).toBe(ID);
    expect(ID).toMatch(/^profile-batch:[0-9a-f]{16}$/);
    const create = { ...base, RequestType: 'Create', ResourceProperties: batchProps([member('a')]) } as CfnEvent;
    expect(await onEvent(create, ctx)).toEqual({ PhysicalResourceId: ID });
    const update = { ...base, RequestType: 'Update', ResourceProperties: batchProps([member('b')]), OldResourceProperties: batchProps([member('a')]), PhysicalResourceId: ID } as CfnEvent;
    expect(await onEvent(update, ctx)).toEqual({ PhysicalResourceId: ID });
  });

  test('another stack or logical id is another batch', () => {
    expect(batchPhysicalId({ ...base, LogicalResourceId: 'FleetBatch1' })).not.toBe(ID);
    expect(batchPhysicalId({ ...base, StackId: STACK_ID.replace('4a2b9c10', '5b3c0d21') })).not.toBe(ID);
  });

  test('an invalid Update fails (CloudFormation rolls back); Delete keeps its physical id whatever the properties', async () => {
    const update = { ...base, RequestType: 'Update', ResourceProperties: { ServiceToken: 'x', SchemaVersion: '2', Members: [] }, OldResourceProperties: { ServiceToken: 'x' }, PhysicalResourceId: ID } as CfnEvent;
    await expect(onEvent(update, ctx)).rejects.toThrow(/SchemaVersion 2 is newer/);
    const del = { ...base, RequestType: 'Delete', ResourceProperties: { ServiceToken: 'x' }, PhysicalResourceId: 'anything' } as CfnEvent;
    expect(await onEvent(del, ctx)).toEqual({ PhysicalResourceId: 'anything' });
  });

  test('an unknown request type fails', async () => {
    await expect(onEvent({ ...base, RequestType: 'Replace' } as unknown as CfnEvent, ctx)).rejects.toThrow(/Unknown RequestType 'Replace'/);
  });
});

describe('helpers', () => {
  test('owner of a physical id, account of a stack id, profile id of an ARN, create tokens', () => {
    expect(ownerOfPhysicalId(ID)).toBe(batchOwnerId(STACK_ID, 'FleetBatch0'));
    expect(ownerOfPhysicalId('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED')).toBeUndefined();
    expect(ownerOfPhysicalId(undefined)).toBeUndefined();
    expect(accountOfStackId(STACK_ID)).toBe('123456789012');
    expect(accountOfStackId('arn:aws-cn:cloudformation:cn-north-1:210987654321:stack/s/1')).toBe('210987654321');
    expect(() => accountOfStackId('not-an-arn')).toThrow(/names no account/);
    expect(profileIdOfArn('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/5dews3o6kky6')).toBe('5dews3o6kky6');
    const t = (requestId: string, key: string) => memberRequestToken({ StackId: STACK_ID, LogicalResourceId: 'FleetBatch0', RequestId: requestId }, key);
    expect(t('r1', 'a')).toBe(t('r1', 'a'));
    expect(new Set([t('r1', 'a'), t('r1', 'b'), t('r2', 'a')]).size).toBe(3);
  });
});

describe('settings', () => {
  test('defaults', () => {
    expect(batchSettingsFromEnv({})).toEqual({
      pacingTable: undefined, callsPerSecond: DEFAULT_CALLS_PER_SECOND, workBudgetMs: DEFAULT_WORK_BUDGET_SECONDS * 1000,
    });
  });

  test('values from the environment; invalid ones fall back to the defaults', () => {
    const env = { [PROFILE_BATCH_ENV.pacingTable]: 'pacing', [PROFILE_BATCH_ENV.callsPerSecond]: '5', [PROFILE_BATCH_ENV.workBudgetSeconds]: '120' };
    expect(batchSettingsFromEnv(env)).toEqual({ pacingTable: 'pacing', callsPerSecond: 5, workBudgetMs: 120_000 });
    for (const bad of ['0', '-5', 'x', '900']) {
      expect(batchSettingsFromEnv({ [PROFILE_BATCH_ENV.workBudgetSeconds]: bad }).workBudgetMs).toBe(DEFAULT_WORK_BUDGET_SECONDS * 1000);
    }
    expect(batchSettingsFromEnv({ [PROFILE_BATCH_ENV.pacingTable]: '' }).pacingTable).toBeUndefined();
  });
});
