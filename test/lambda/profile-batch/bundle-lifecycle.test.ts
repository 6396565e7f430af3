/**
 * The shipped profile-batch bundle (assets/lambda/profile-batch/index.js, built by the library's
 * esbuild step) through a whole lifecycle on the AWS fake, driven as the Provider framework drives
 * it (onEvent, then isComplete until complete), pacing through a DynamoDB table on dynalite as a
 * deployed function would (PACING_TABLE, the endpoint from AWS_ENDPOINT_URL_DYNAMODB).
 */
import { BedrockClient, CreateInferenceProfileCommand, ListTagsForResourceCommand } from '@aws-sdk/client-bedrock';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { batchProps, COPY_FROM, IsComplete, member, OnEvent, SimulatedBatch, STACK_ID } from './harness';
import { batchOwnerId, memberAttribute, PACING_TABLE_KEY, pacingKey, PROFILE_BATCH_COUNT_ATTRIBUTE, PROFILE_BATCH_ENV, PROFILE_BATCH_OWNER_TAG } from '../../../src/contracts/profile-batch';
import { AwsFake } from '../../fakes/aws';
import { createPacingTable, Dynalite, startDynalite } from '../../support/dynalite';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

const TABLE = 'profile-batch-pacing';
let bundle: ShippedBundle<OnEvent>;
let fake: AwsFake;
let db: Dynalite;
let bedrock: BedrockClient;
let onEvent: OnEvent;
let isComplete: IsComplete;
const previousEnv: Record<string, string | undefined> = {};

function setEnv(values: Record<string, string>): void {
  for (const [k, v] of Object.entries(values)) {
    previousEnv[k] = process.env[k];
    process.env[k] = v;
  }
}

beforeAll(async () => {
  db = await startDynalite();
  await createPacingTable(db.client, TABLE);
  setEnv({
    [PROFILE_BATCH_ENV.pacingTable]: TABLE,
    [PROFILE_BATCH_ENV.callsPerSecond]: '50',
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
  });
  bundle = await loadShippedBundle<OnEvent>('profile-batch');
  fake = bundle.fake;
  onEvent = bundle.exports.onEvent as OnEvent;
  isComplete = bundle.exports.isComplete as IsComplete;
  bedrock = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  await bundle.close();
  for (const [k, v] of Object.entries(previousEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await db.close();
});

afterEach(() => fake.reset());

async function tagsOf(arn: string): Promise<Record<string, string>> {
  const out = await bedrock.send(new ListTagsForResourceCommand({ resourceARN: arn }));
  return Object.fromEntries((out.tags ?? []).map((t) => [t.key!, t.value!]));
}

const named = (name: string) => fake.state.profiles().find((p) => p.name === name)!;

test('the bundle exports onEvent, isComplete and handler (= onEvent)', () => {
  expect(typeof onEvent).toBe('function');
  expect(typeof isComplete).toBe('function');
  expect(bundle.handler).toBe(onEvent);
});

test('create → update (add, remove, retag, rename) → delete, paced through the shared table', async () => {
  const batch = new SimulatedBatch(onEvent, isComplete);
  const created = await batch.create(batchProps([member('claims'), member('fraud'), member('legal')]));
  expect(created.data).toEqual({
    [PROFILE_BATCH_COUNT_ATTRIBUTE]: '3',
    [memberAttribute('claims')]: named('claims').id,
    [memberAttribute('fraud')]: named('fraud').id,
    [memberAttribute('legal')]: named('legal').id,
  });
  const owner = batchOwnerId(STACK_ID, 'FleetBatch0');
  expect(await tagsOf(named('claims').arn)).toEqual({ dept: 'claims', [PROFILE_BATCH_OWNER_TAG]: owner });
  const schedule = await db.client.send(new GetItemCommand({ TableName: TABLE, Key: { [PACING_TABLE_KEY]: { S: pacingKey('123456789012', 'us-east-1') } } }));
  expect(Number(schedule.Item?.next?.N)).toBeGreaterThan(0);

  fake.calls.clear();
  const updated = await batch.update(batchProps([member('claims', 'claims', { dept: 'claims', env: 'prod' }), member('fraud', 'fraud-v2'), member('hr')]));
  expect(updated.physicalId).toBe(created.physicalId);
  expect(fake.state.profiles().map((p) => p.name).sort()).toEqual(['claims', 'fraud-v2', 'hr']);
  expect(fake.calls.count('CreateInferenceProfile')).toBe(2);
  expect(fake.calls.count('DeleteInferenceProfile')).toBe(2);
  expect(await tagsOf(named('claims').arn)).toEqual({ dept: 'claims', env: 'prod', [PROFILE_BATCH_OWNER_TAG]: owner });
  expect(updated.data![memberAttribute('claims')]).toBe(created.data![memberAttribute('claims')]);

  await batch.delete();
  expect(fake.state.profiles()).toEqual([]);
});

test('a foreign profile of a member\'s name fails the create clearly and survives; nothing of the batch is left', async () => {
  await bedrock.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'claims', modelSource: { copyFrom: COPY_FROM } }));
  const batch = new SimulatedBatch(onEvent, isComplete, 'OtherBatch');
  await expect(batch.create(batchProps([member('audit'), member('claims')]))).rejects.toThrow(/'claims' already exists in us-east-1 without this batch's owner tag/);
  expect(fake.state.profiles().map((p) => p.name)).toEqual(['claims']);
});

test('throttled creates are retried by the bundle and the batch completes', async () => {
  fake.faults.throttle('bedrock:CreateInferenceProfile', { times: 3 });
  const batch = new SimulatedBatch(onEvent, isComplete, 'ThrottledBatch');
  await batch.create(batchProps([member('a'), member('b')]));
  expect(fake.calls.count({ operation: 'CreateInferenceProfile', errorCode: 'ThrottlingException' })).toBe(3);
  expect(fake.state.profiles()).toHaveLength(2);
  await batch.delete();
  expect(fake.state.profiles()).toEqual([]);
});

test('invalid properties are refused by onEvent before Bedrock sees them', async () => {
  const batch = new SimulatedBatch(onEvent, isComplete, 'BadBatch');
  await expect(batch.create(batchProps([member('a', 'bad/name')]))).rejects.toThrow(/ProfileName 'bad\/name'/);
  expect(fake.calls.all()).toHaveLength(0);
});
