/**
 * The profile-batch handler (onEvent + isComplete) through whole CloudFormation lifecycles on the
 * local AWS fake, with the real Bedrock client: what is created, tagged and deleted, the exact
 * calls an update makes, replays, conflicts, failures midway (no orphan), the quota, and the work
 * budget handing over to the next invocation.
 */
import { BedrockClient, CreateInferenceProfileCommand, DeleteInferenceProfileCommand, ListTagsForResourceCommand } from '@aws-sdk/client-bedrock';
import { batchContext, batchProps, COPY_FROM, member, SimulatedBatch, STACK_ID, VirtualClock } from './harness';
import { BatchContext, isComplete, memberRequestToken } from '../../../lambda/profile-batch/converge';
import { onEvent } from '../../../lambda/profile-batch/on-event';
import { IsCompleteEvent } from '../../../lambda/shared/cfn-event';
import { silentLogger } from '../../../lambda/shared/log';
import { LocalSchedule } from '../../../lambda/shared/pacing';
import {
  batchOwnerId, memberAttribute, PROFILE_BATCH_COUNT_ATTRIBUTE, PROFILE_BATCH_OWNER_TAG, PROFILE_BATCH_PHYSICAL_ID_PREFIX,
} from '../../../src/contracts/profile-batch';
import { AwsFake, startAwsFake } from '../../fakes/aws';

let fake: AwsFake;
let bedrock: BedrockClient;
let ctx: BatchContext;

const on = (e: Parameters<typeof onEvent>[0]) => onEvent(e, { log: silentLogger });
const complete = (e: IsCompleteEvent) => isComplete(e, ctx);
const OWNER = batchOwnerId(STACK_ID, 'FleetBatch0');

beforeAll(async () => {
  fake = await startAwsFake({ accountId: '123456789012', region: 'us-east-1' });
  bedrock = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  ctx = batchContext(fake);
});

async function tagsOf(arn: string): Promise<Record<string, string>> {
  const out = await bedrock.send(new ListTagsForResourceCommand({ resourceARN: arn }));
  return Object.fromEntries((out.tags ?? []).map((t) => [t.key!, t.value!]));
}

function profileNamed(name: string) {
  return fake.state.profiles().find((p) => p.name === name);
}

/** Mutating calls in order, as `Op name-or-id`. */
function writes(): string[] {
  return fake.calls.all().filter((c) => ['CreateInferenceProfile', 'DeleteInferenceProfile', 'TagResource', 'UntagResource'].includes(c.operation))
    .map((c) => c.operation);
}

describe('create, update, delete', () => {
  test('create 3 members: one profile each with its tags and the owner tag, IDs in Data', async () => {
    const batch = new SimulatedBatch(on, complete);
    const result = await batch.create(batchProps([member('claims'), member('underwriting'), member('fraud', 'fraud-detection', { dept: 'fraud', env: 'prod' })]));
    expect(result.physicalId).toBe(PROFILE_BATCH_PHYSICAL_ID_PREFIX + OWNER);
    expect(result.polls).toBe(1);
    const profiles = fake.state.profiles();
    expect(profiles.map((p) => p.name).sort()).toEqual(['claims', 'fraud-detection', 'underwriting']);
    expect(result.data).toEqual({
      [PROFILE_BATCH_COUNT_ATTRIBUTE]: '3',
      [memberAttribute('claims')]: profileNamed('claims')!.id,
      [memberAttribute('underwriting')]: profileNamed('underwriting')!.id,
      [memberAttribute('fraud')]: profileNamed('fraud-detection')!.id,
    });
    expect(await tagsOf(profileNamed('fraud-detection')!.arn)).toEqual({ dept: 'fraud', env: 'prod', [PROFILE_BATCH_OWNER_TAG]: OWNER });
    expect(fake.calls.count('CreateInferenceProfile')).toBe(3);
  });

  test('update: add one, remove one, retag one, rename one — exactly the calls needed, new before old', async () => {
    const batch = new SimulatedBatch(on, complete);
    await batch.create(batchProps([member('a'), member('b'), member('c'), member('e')]));
    const before = Object.fromEntries(fake.state.profiles().map((p) => [p.name, p.id]));
    fake.calls.clear();

    const result = await batch.update(batchProps([
      member('a', 'a', { dept: 'a2', team: 'x' }), // retag: dept changed, team added
      member('c', 'c-v2'), // rename = replacement
      member('d'), // added
      member('e'), // unchanged
    ])); // b removed
    expect(result.physicalId).toBe(batch.physicalId);
    expect(writes()).toEqual(['TagResource', 'CreateInferenceProfile', 'CreateInferenceProfile', 'DeleteInferenceProfile', 'DeleteInferenceProfile']);
    const creates = fake.calls.all().filter((c) => c.operation === 'CreateInferenceProfile');
    const deletes = fake.calls.all().filter((c) => c.operation === 'DeleteInferenceProfile');
    expect(Math.max(...creates.map((c) => c.arrivedAtMs))).toBeLessThan(Math.min(...deletes.map((c) => c.arrivedAtMs)));
    expect(fake.state.profiles().map((p) => p.name).sort()).toEqual(['a', 'c-v2', 'd', 'e']);
    expect(await tagsOf(profileNamed('a')!.arn)).toEqual({ dept: 'a2', team: 'x', [PROFILE_BATCH_OWNER_TAG]: OWNER });
    expect(result.data).toEqual({
      [PROFILE_BATCH_COUNT_ATTRIBUTE]: '4',
      [memberAttribute('a')]: before.a,
      [memberAttribute('c')]: profileNamed('c-v2')!.id,
      [memberAttribute('d')]: profileNamed('d')!.id,
      [memberAttribute('e')]: before.e,
    });
    expect(result.data![memberAttribute('c')]).not.toBe(before.c);

    // a tag removed from the stack is removed from the profile; the owner tag stays
    fake.calls.clear();
    await batch.update(batchProps([member('a', 'a', { dept: 'a2' }), member('c', 'c-v2'), member('d'), member('e')]));
    expect(writes()).toEqual(['UntagResource']);
    expect(await tagsOf(profileNamed('a')!.arn)).toEqual({ dept: 'a2', [PROFILE_BATCH_OWNER_TAG]: OWNER });
  });

  test('delete removes every member', async () => {
    const batch = new SimulatedBatch(on, complete);
    await batch.create(batchProps([member('a'), member('b'), member('c')]));
    await batch.delete();
    expect(fake.state.profiles()).toEqual([]);
    expect(fake.calls.count('DeleteInferenceProfile')).toBe(3);
  });

  test('a member deleted outside CloudFormation is recreated; one already gone at delete is fine', async () => {
    const batch = new SimulatedBatch(on, complete);
    await batch.create(batchProps([member('a'), member('b')]));
    await bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: profileNamed('b')!.arn }));
    const result = await batch.update(batchProps([member('a'), member('b')]));
    expect(result.data![memberAttribute('b')]).toBe(profileNamed('b')!.id);
    await bedrock.send(new DeleteInferenceProfileCommand({ inferenceProfileIdentifier: profileNamed('a')!.arn }));
    await batch.delete();
    expect(fake.state.profiles()).toEqual([]);
  });

  test('a replayed isComplete after completion creates nothing and answers the same Data', async () => {
    const batch = new SimulatedBatch(on, complete);
    const request = { ServiceToken: 'x', ResponseURL: '...', StackId: STACK_ID, RequestId: 'r-1', LogicalResourceId: 'FleetBatch0', ResourceType: 'x' };
    const first = await batch.create(batchProps([member('a'), member('b'), member('c')]), 'r-1');
    fake.calls.clear();
    const replay = await isComplete({ ...request, RequestType: 'Create', ResourceProperties: batch.props!, PhysicalResourceId: first.physicalId } as IsCompleteEvent, ctx);
    expect(replay).toEqual({ IsComplete: true, Data: first.data });
    expect(writes()).toEqual([]);
  });

  test('the create token is per request and member: a retried create makes one profile', async () => {
    const token = memberRequestToken({ StackId: STACK_ID, LogicalResourceId: 'FleetBatch0', RequestId: 'r-1' }, 'a');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(memberRequestToken({ StackId: STACK_ID, LogicalResourceId: 'FleetBatch0', RequestId: 'r-1' }, 'b')).not.toBe(token);
    fake.faults.drop('CreateInferenceProfile', { times: 1 });
    const batch = new SimulatedBatch(on, complete);
    await batch.create(batchProps([member('a')]));
    expect(fake.calls.count('CreateInferenceProfile')).toBe(2);
    expect(fake.state.profiles()).toHaveLength(1);
  });

  test('a Delete of a failed create\'s physical id makes no call', async () => {
    const request = { ServiceToken: 'x', ResponseURL: '...', StackId: STACK_ID, RequestId: 'r', LogicalResourceId: 'FleetBatch0', ResourceType: 'x' };
    const event = { ...request, RequestType: 'Delete', ResourceProperties: batchProps([member('a')]), PhysicalResourceId: 'r-1' } as IsCompleteEvent;
    expect(await on(event)).toEqual({ PhysicalResourceId: 'r-1' });
    expect(await isComplete(event, ctx)).toEqual({ IsComplete: true });
    expect(fake.calls.all()).toHaveLength(0);
  });

  test('an invalid Create fails in onEvent before any call', async () => {
    const batch = new SimulatedBatch(on, complete);
    await expect(batch.create(batchProps([member('a', 'bad/name'), member('a')]))).rejects.toThrow(/ProfileName 'bad\/name'.*Key 'a' is also the key of Members\[0\]/);
    expect(fake.calls.all()).toHaveLength(0);
  });
});

describe('conflicts, immutable fields, failures midway', () => {
  test('a foreign profile of a member\'s name: clear failure before any write, and it survives the Delete that follows', async () => {
    const foreign = await bedrock.send(new CreateInferenceProfileCommand({
      inferenceProfileName: 'claims', modelSource: { copyFrom: COPY_FROM }, tags: [{ key: 'owner', value: 'someone-else' }],
    }));
    fake.calls.clear();
    const batch = new SimulatedBatch(on, complete);
    const failure = batch.create(batchProps([member('underwriting'), member('claims')]));
    await expect(failure).rejects.toThrow(/profile 'claims' already exists in us-east-1 without this batch's owner tag.*another ProfileName.*delete-inference-profile --region us-east-1/);
    expect(fake.calls.count('CreateInferenceProfile')).toBe(0);
    expect(fake.calls.count('DeleteInferenceProfile')).toBe(0);
    expect(fake.state.profiles().map((p) => p.arn)).toEqual([foreign.inferenceProfileArn]);
  });

  test('another batch\'s profile of the same name is a conflict too', async () => {
    const other = new SimulatedBatch(on, complete, 'OtherBatch');
    await other.create(batchProps([member('shared')]));
    const batch = new SimulatedBatch(on, complete);
    await expect(batch.create(batchProps([member('shared')]))).rejects.toThrow(/'shared' already exists/);
    expect(fake.state.profiles().map((p) => p.name)).toEqual(['shared']);
  });

  test('a Create failing at the 3rd member (non-retryable) then the Delete CloudFormation sends: no orphan, the foreign profile stays', async () => {
    const foreign = await bedrock.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'legacy', modelSource: { copyFrom: COPY_FROM } }));
    fake.calls.clear();
    const batch = new SimulatedBatch(on, complete);
    const inOtherRegion = member('c', 'c', { dept: 'c' }, { CopyFrom: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0' });
    await expect(batch.create(batchProps([member('a'), member('b'), inOtherRegion, member('d')])))
      .rejects.toThrow(/Member 'c': Amazon Bedrock rejected profile 'c' \(ValidationException/);
    expect(fake.calls.count({ operation: 'CreateInferenceProfile', outcome: 'ok' })).toBe(2);
    expect(fake.calls.count({ operation: 'CreateInferenceProfile', errorCode: 'ValidationException' })).toBe(1);
    // the Delete after the failed create removed what the create made, and nothing else
    expect(fake.calls.count({ operation: 'DeleteInferenceProfile', outcome: 'ok' })).toBe(2);
    expect(fake.state.profiles().map((p) => p.arn)).toEqual([foreign.inferenceProfileArn]);
  });

  test('an injected non-retryable error on the 3rd create: same outcome', async () => {
    const batch = new SimulatedBatch(on, complete);
    let creates = 0;
    const realSend = ctx.bedrock.send.bind(ctx.bedrock);
    ctx.bedrock.send = (async (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'CreateInferenceProfileCommand' && ++creates === 3) {
        fake.faults.serverError('bedrock:CreateInferenceProfile', { times: 1, code: 'ValidationException', statusCode: 400 });
      }
      return realSend(command as never);
    }) as typeof ctx.bedrock.send;
    await expect(batch.create(batchProps([member('a'), member('b'), member('c'), member('d')]))).rejects.toThrow(/ValidationException/);
    expect(fake.calls.count({ operation: 'CreateInferenceProfile', outcome: 'ok' })).toBe(2);
    expect(fake.state.profiles()).toEqual([]);
  });

  test('the profile quota: a message naming the quota and its code; the Delete cleans up', async () => {
    const quota = fake.state.limits.profileQuota;
    fake.state.limits.profileQuota = 2;
    try {
      const batch = new SimulatedBatch(on, complete);
      await expect(batch.create(batchProps([member('a'), member('b'), member('c')])))
        .rejects.toThrow(/Member 'c': .*quota of application inference profiles in us-east-1 \(1,000 by default.*"Inference profiles per account" \(quota code L-40EC9882\)/);
      expect(fake.state.profiles()).toEqual([]);
    } finally {
      fake.state.limits.profileQuota = quota;
    }
  });

  test('a new description or model source under the same name is refused, and the rollback succeeds', async () => {
    const batch = new SimulatedBatch(on, complete);
    await batch.create(batchProps([member('a'), member('b', 'b', { dept: 'b' }, { Description: 'first' })]));
    const ids = fake.state.profiles().map((p) => p.id).sort();
    fake.calls.clear();
    const outcome = await batch.updateOrRollBack(batchProps([
      member('a', 'a', { dept: 'a' }, { CopyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0' }),
      member('b', 'b', { dept: 'b' }, { Description: 'second' }),
    ]));
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/Cannot change application inference profiles in place: 'a' \(Key 'a'\): model source .*'b' \(Key 'b'\): description.*new ProfileName/);
    expect(writes()).toEqual([]);
    expect(fake.state.profiles().map((p) => p.id).sort()).toEqual(ids);
  });

  test('a failed update (rename then a bad new member) rolls back to the old members, deleting what it created', async () => {
    const batch = new SimulatedBatch(on, complete);
    await batch.create(batchProps([member('a'), member('b')]));
    const before = fake.state.profiles().map((p) => p.arn).sort();
    const bad = member('z', 'z', { dept: 'z' }, { CopyFrom: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0' });
    const outcome = await batch.updateOrRollBack(batchProps([member('a', 'a-v2'), member('b'), bad]));
    expect(outcome).toBeInstanceOf(Error);
    expect(fake.state.profiles().map((p) => p.arn).sort()).toEqual(before);
  });
});

describe('work budget', () => {
  test('a budget used up returns IsComplete false without Data; the next invocation finishes', async () => {
    const clock = new VirtualClock();
    const schedule = new LocalSchedule({ callsPerSecond: 2, clock: clock.now });
    ctx = batchContext(fake, { clock: clock.now, sleep: clock.sleep, workBudgetMs: 1000, schedule });
    const batch = new SimulatedBatch(on, complete);
    const result = await batch.create(batchProps(['a', 'b', 'c', 'd', 'e'].map((k) => member(k))));
    expect(result.polls).toBe(2);
    expect(fake.state.profiles()).toHaveLength(5);
    expect(Object.keys(result.data!)).toHaveLength(6);
    // the first invocation took the slots at 0, 500 and 1000 ms of its budget, the second the rest
    expect(clock.sleeps).toEqual([500, 500, 500, 500]);
  });

  test('isComplete false carries no Data (the framework refuses Data with IsComplete false)', async () => {
    const clock = new VirtualClock();
    const schedule = new LocalSchedule({ callsPerSecond: 1, clock: clock.now });
    ctx = batchContext(fake, { clock: clock.now, sleep: clock.sleep, workBudgetMs: 0, schedule });
    const request = { ServiceToken: 'x', ResponseURL: '...', StackId: STACK_ID, RequestId: 'r', LogicalResourceId: 'FleetBatch0', ResourceType: 'x' };
    const event = { ...request, RequestType: 'Create', ResourceProperties: batchProps([member('a'), member('b')]), PhysicalResourceId: PROFILE_BATCH_PHYSICAL_ID_PREFIX + OWNER };
    expect(await isComplete(event as IsCompleteEvent, ctx)).toEqual({ IsComplete: false });
    expect(fake.state.profiles()).toHaveLength(1);
  });
});

describe('throttling under the pace', () => {
  test('a throttled create is tried again in a new slot after a jittered backoff, not by the retry layer: every attempt keeps the pace', async () => {
    const clock = new VirtualClock();
    const schedule = new LocalSchedule({ callsPerSecond: 20, clock: clock.now });
    let reservations = 0;
    const counting = { reserve: (key: string, latest: number) => { reservations++; return schedule.reserve(key, latest); } };
    const retry = { sleep: async () => undefined, maxAttempts: 5, random: () => 0.5 };
    ctx = batchContext(fake, { schedule: counting, clock: clock.now, sleep: clock.sleep, retry });
    fake.faults.throttle('bedrock:CreateInferenceProfile', { times: 2 });
    const result = await new SimulatedBatch(on, complete).create(batchProps([member('claims')]));
    expect(result.data?.[PROFILE_BATCH_COUNT_ATTRIBUTE]).toBe('1');
    expect(fake.calls.count({ operation: 'CreateInferenceProfile' })).toBe(3);
    expect(fake.calls.count({ operation: 'CreateInferenceProfile', errorCode: 'ThrottlingException' })).toBe(2);
    // one slot per attempt, and the backoff ceilings 200 ms then 400 ms (× the injected 0.5)
    expect(reservations).toBe(3);
    expect(clock.sleeps).toEqual(expect.arrayContaining([100, 200]));
  });

  test('throttling that outlasts the budget hands over (IsComplete false), it does not fail the batch', async () => {
    const clock = new VirtualClock();
    ctx = batchContext(fake, { clock: clock.now, sleep: clock.sleep, workBudgetMs: 5_000, retry: { sleep: async () => undefined, random: () => 1 } });
    fake.faults.throttle('bedrock:CreateInferenceProfile');
    const request = {
      RequestType: 'Create',
      StackId: STACK_ID,
      RequestId: 'r1',
      LogicalResourceId: 'FleetBatch0',
      ResourceType: 'Custom::BedrockApplicationInferenceProfileBatch',
      ServiceToken: 'x',
      ResponseURL: 'x',
      ResourceProperties: batchProps([member('claims')]),
    } as const;
    const first = await on(request as never);
    const answer = await complete({ ...request, ...first } as IsCompleteEvent);
    expect(answer).toEqual({ IsComplete: false });
    expect(fake.state.profiles()).toHaveLength(0);
  });
});
