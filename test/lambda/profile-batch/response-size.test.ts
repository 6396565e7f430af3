/**
 * The response CloudFormation gets must fit in its 4,096 bytes. Measured at the worst case the
 * contract allows: 100 members whose IDs Bedrock (the fake, 12-character IDs like the service's)
 * gave, a stack name of 128 characters in a long partition and Region, a logical ID of 255.
 */
import { batchContext, batchProps, member, runFramework } from './harness';
import { isComplete } from '../../../lambda/profile-batch/converge';
import { onEvent, PROFILE_ID_LENGTH } from '../../../lambda/profile-batch/on-event';
import { assertResponseFits, successResponseBytes } from '../../../lambda/profile-batch/response-size';
import { IsCompleteEvent } from '../../../lambda/shared/cfn-event';
import { silentLogger } from '../../../lambda/shared/log';
import {
  CUSTOM_RESOURCE_RESPONSE_MAX_BYTES, memberAttribute, PROFILE_BATCH_COUNT_ATTRIBUTE, PROFILE_BATCH_MAX_MEMBERS,
} from '../../../src/contracts/profile-batch';
import { AwsFake, startAwsFake } from '../../fakes/aws';

/** CloudFormation stack names are at most 128 characters; the ID adds partition, Region, account and a UUID. */
const LONGEST_STACK_ID = `arn:aws-us-gov:cloudformation:us-gov-west-1:123456789012:stack/${'S'.repeat(128)}/4a2b9c10-7d3e-11ef-9e5a-0a1b2c3d4e5f`;
/** Logical IDs are at most 255 alphanumeric characters (the CDK enforces the same). */
const LONGEST_LOGICAL_ID = `Fleet${'L'.repeat(250)}`;
const REQUEST_ID = '7f9c2e1a-5b6d-4e8f-9a0b-1c2d3e4f5a6b';

let fake: AwsFake;
beforeAll(async () => {
  fake = await startAwsFake({ accountId: '123456789012', region: 'us-east-1' });
});
afterAll(() => fake.stop());

test('100 members with the longest stack ID and logical ID fit, with room to spare', async () => {
  const ctx = batchContext(fake, { callsPerSecond: 1000 });
  const members = Array.from({ length: PROFILE_BATCH_MAX_MEMBERS }, (_, i) => member(`cost-center-${i}/primary`, `cc-${i}-primary`));
  const request = {
    ServiceToken: 'x',
    ResponseURL: '...',
    StackId: LONGEST_STACK_ID,
    RequestId: REQUEST_ID,
    LogicalResourceId: LONGEST_LOGICAL_ID,
    ResourceType: 'x',
    RequestType: 'Create',
    ResourceProperties: batchProps(members),
  } as const;
  expect(LONGEST_STACK_ID.length).toBe(228);
  const result = await runFramework(request, (e) => onEvent(e, { log: silentLogger }), (e: IsCompleteEvent) => isComplete(e, ctx));
  const ids = fake.state.profiles().map((p) => p.id);
  expect(ids).toHaveLength(100);
  for (const id of ids) expect(id).toMatch(new RegExp(`^[a-z0-9]{${PROFILE_ID_LENGTH}}$`)); // as Bedrock's (e.g. 5dews3o6kky6)
  expect(Object.keys(result.data!)).toHaveLength(101);
  const bytes = successResponseBytes({ ...request, PhysicalResourceId: result.physicalId }, result.data!);
  // eslint-disable-next-line no-console
  console.log(`profile batch response at ${PROFILE_BATCH_MAX_MEMBERS} members, longest ids: ${bytes} of ${CUSTOM_RESOURCE_RESPONSE_MAX_BYTES} bytes`);
  expect(bytes).toBeLessThanOrEqual(CUSTOM_RESOURCE_RESPONSE_MAX_BYTES - 300);
  fake.reset();
});

test('the size counts what the framework sends, and a response that would not fit fails clearly', () => {
  const identity = { StackId: LONGEST_STACK_ID, RequestId: REQUEST_ID, LogicalResourceId: LONGEST_LOGICAL_ID, PhysicalResourceId: 'profile-batch:0123456789abcdef' };
  const data: Record<string, string> = { [PROFILE_BATCH_COUNT_ATTRIBUTE]: '100' };
  expect(successResponseBytes(identity, data)).toBe(Buffer.byteLength(JSON.stringify({
    Status: 'SUCCESS',
    Reason: 'SUCCESS',
    StackId: identity.StackId,
    RequestId: REQUEST_ID,
    PhysicalResourceId: identity.PhysicalResourceId,
    LogicalResourceId: LONGEST_LOGICAL_ID,
    Data: data,
  })));
  for (let i = 0; i < 100; i++) data[memberAttribute(`k${i}`)] = 'x'.repeat(40); // IDs far longer than Bedrock's
  expect(() => assertResponseFits(identity, data, 100)).toThrow(/would be \d{4} bytes, more than the 4096 bytes CloudFormation accepts.*fewer members/);
});

test('onEvent refuses a batch whose expected response would not fit, before any call', async () => {
  const keys = Array.from({ length: 100 }, (_, i) => member(`k${i}`));
  const event = {
    ServiceToken: 'x',
    ResponseURL: '...',
    StackId: LONGEST_STACK_ID,
    RequestId: REQUEST_ID,
    LogicalResourceId: LONGEST_LOGICAL_ID,
    ResourceType: 'x',
    RequestType: 'Create' as const,
    ResourceProperties: batchProps(keys),
  };
  await expect(onEvent(event, { log: silentLogger })).resolves.toEqual({ PhysicalResourceId: expect.stringMatching(/^profile-batch:[0-9a-f]{16}$/) });
  // a logical id far beyond CloudFormation's limit makes the prediction fail
  await expect(onEvent({ ...event, LogicalResourceId: 'L'.repeat(1000) }, { log: silentLogger })).rejects.toThrow(/more than the 4096 bytes/);
});
