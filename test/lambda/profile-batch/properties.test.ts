/**
 * The batch's properties: every refusal (all problems listed at once), and properties as a stack
 * synthesizes them (typed by the contract, delivered by CloudFormation with scalars as strings).
 */
import { App, CustomResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { batchProps, COPY_FROM, member } from './harness';
import { boundedList, memberNamesOf, parseBatchProperties, parseBatchPropertiesLeniently } from '../../../lambda/profile-batch/properties';
import {
  PROFILE_BATCH_MAX_MEMBERS, PROFILE_BATCH_OWNER_TAG, PROFILE_BATCH_RESOURCE_TYPE, PROFILE_BATCH_SCHEMA_VERSION, ProfileBatchProperties,
} from '../../../src/contracts/profile-batch';

function problemsOf(raw: Record<string, unknown>): string {
  try {
    parseBatchProperties(raw);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the properties to be refused');
}

/** What CloudFormation does to properties on delivery: every scalar becomes a string. */
function delivered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(delivered);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, delivered(v)]));
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

describe('valid properties', () => {
  test('members parse with their tags; Description optional', () => {
    const spec = parseBatchProperties(batchProps([member('a', 'claims', { dept: 'claims' }), member('b', 'b', {}, { Description: 'Fraud models' })]));
    expect(spec.members).toEqual([
      { key: 'a', name: 'claims', description: undefined, copyFrom: COPY_FROM, tags: { dept: 'claims' } },
      { key: 'b', name: 'b', description: 'Fraud models', copyFrom: COPY_FROM, tags: {} },
    ]);
  });

  test('properties as a stack synthesizes them, delivered with scalars as strings, parse', () => {
    const stack = new Stack(new App(), 'Fleet', { env: { account: '123456789012', region: 'us-east-1' } });
    const properties: ProfileBatchProperties = {
      SchemaVersion: String(PROFILE_BATCH_SCHEMA_VERSION),
      Members: Array.from({ length: PROFILE_BATCH_MAX_MEMBERS }, (_, i) => ({
        Key: `claims/tenant-${i}`,
        ProfileName: `claims-tenant-${i}`,
        Description: i % 2 === 0 ? `Tenant ${i} of claims` : undefined,
        CopyFrom: COPY_FROM,
        Tags: [{ Key: 'dept', Value: 'claims' }, { Key: 'tenant', Value: String(i) }],
      })),
    };
    new CustomResource(stack, 'Batch0', {
      serviceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent',
      resourceType: PROFILE_BATCH_RESOURCE_TYPE,
      properties: properties as unknown as Record<string, unknown>,
    });
    const [synthesized] = Object.values(Template.fromStack(stack).findResources(PROFILE_BATCH_RESOURCE_TYPE));
    const spec = parseBatchProperties(delivered(synthesized.Properties) as Record<string, unknown>);
    expect(spec.members).toHaveLength(PROFILE_BATCH_MAX_MEMBERS);
    expect(spec.members[7]).toEqual({ key: 'claims/tenant-7', name: 'claims-tenant-7', description: undefined, copyFrom: COPY_FROM, tags: { dept: 'claims', tenant: '7' } });
    expect(spec.members[8].description).toBe('Tenant 8 of claims');
  });
});

describe('refusals', () => {
  test('schema version: missing, not an integer, newer than the handler', () => {
    expect(problemsOf({ Members: [] })).toMatch(/SchemaVersion 'undefined' must be a positive integer/);
    expect(problemsOf({ SchemaVersion: 'one', Members: [] })).toMatch(/SchemaVersion 'one'/);
    expect(problemsOf({ SchemaVersion: String(PROFILE_BATCH_SCHEMA_VERSION + 1), Members: [] })).toMatch(/newer than this handler understands/);
  });

  test('Members not a list', () => {
    expect(problemsOf({ SchemaVersion: '1', Members: 'a' })).toMatch(/Members must be a list/);
    expect(problemsOf({ SchemaVersion: '1' })).toMatch(/Members must be a list/);
  });

  test('more members than a batch holds', () => {
    const members = Array.from({ length: PROFILE_BATCH_MAX_MEMBERS + 1 }, (_, i) => member(`m${i}`));
    expect(problemsOf(batchProps(members))).toMatch(new RegExp(`at most ${PROFILE_BATCH_MAX_MEMBERS} members \\(got ${PROFILE_BATCH_MAX_MEMBERS + 1}\\)`));
  });

  test('keys: missing, empty, duplicated', () => {
    const message = problemsOf(batchProps([{ ...member('x'), Key: undefined as unknown as string }, member(''), member('a', 'n1'), member('a', 'n2')]));
    expect(message).toMatch(/Members\[0\]: Key must be a non-empty string/);
    expect(message).toMatch(/Members\[1\] \(Key ''\): Key must be a non-empty string/);
    expect(message).toMatch(/Members\[3\] \(Key 'a'\): Key 'a' is also the key of Members\[2\]/);
  });

  test('profile names: invalid, duplicated', () => {
    const message = problemsOf(batchProps([member('a', 'bad/name'), member('b', 'same'), member('c', 'same'), member('d', 'x'.repeat(65))]));
    expect(message).toMatch(/Members\[0\] \(Key 'a'\): ProfileName 'bad\/name' must be 1–64 characters/);
    expect(message).toMatch(/Members\[2\] \(Key 'c'\): ProfileName 'same' is also the name of Members\[1\]/);
    expect(message).toMatch(/Members\[3\] \(Key 'd'\): ProfileName 'x{65}'/);
  });

  test('description and model source as the single handler checks them', () => {
    const message = problemsOf(batchProps([member('a', 'a', {}, { Description: 'no/slash' }), member('b', 'b', {}, { CopyFrom: 'anthropic.claude' })]));
    expect(message).toMatch(/Members\[0\] \(Key 'a'\): Description must be 1–200 characters/);
    expect(message).toMatch(/Members\[1\] \(Key 'b'\): CopyFrom 'anthropic.claude' must be a foundation-model or inference-profile ARN/);
  });

  test('tags: reserved prefix, bad value, duplicated key, not a list, the owner tag, too many', () => {
    const tooMany = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v']));
    const message = problemsOf(batchProps([
      member('a', 'a', { 'aws:x': 'y' }),
      member('b', 'b', { ok: 'bad|value' }),
      { ...member('c'), Tags: [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }] },
      { ...member('d'), Tags: 'dept=d' as never },
      member('e', 'e', { [PROFILE_BATCH_OWNER_TAG]: 'forged' }),
      member('f', 'f', tooMany),
    ]));
    expect(message).toMatch(/Members\[0\] \(Key 'a'\): tag key 'aws:x' must not start with the reserved prefix/);
    expect(message).toMatch(/Members\[1\] \(Key 'b'\): tag value 'bad\|value' of 'ok' must match/);
    expect(message).toMatch(/Members\[2\] \(Key 'c'\): tag key 'k' appears twice/);
    expect(message).toMatch(/Members\[3\] \(Key 'd'\): Tags must be a list/);
    expect(message).toMatch(new RegExp(`Members\\[4\\] \\(Key 'e'\\): tag key '${PROFILE_BATCH_OWNER_TAG}' is reserved`));
    expect(message).toMatch(/Members\[5\] \(Key 'f'\): Tags must hold at most 199 tags/);
  });

  test('a member that is not an object', () => {
    expect(problemsOf(batchProps([null as never]))).toMatch(/Members\[0\]: Key must be a non-empty string.*ProfileName 'undefined'/);
  });

  test('every problem is found; the message lists the first 10 and counts the rest', () => {
    const members = Array.from({ length: 20 }, (_, i) => member(`m${i}`, `bad/${i}`));
    let error: (Error & { problems?: string[] }) | undefined;
    try {
      parseBatchProperties(batchProps(members));
    } catch (e) {
      error = e as Error & { problems?: string[] };
    }
    expect(error?.problems).toHaveLength(20);
    expect(error?.message).toMatch(/Members\[9\].*and 10 more \(listed in the function's log\)$/);
    expect(error?.message).not.toMatch(/Members\[10\]/);
    expect(boundedList(['a', 'b'], 2)).toEqual(['a', 'b']);
  });
});

describe('lenient reading (old properties, deletes)', () => {
  test('invalid old properties read as undefined; their profile names are still found', () => {
    const raw = { SchemaVersion: '99', Members: [{ Key: 'a', ProfileName: 'claims' }, { ProfileName: 'claims' }, { ProfileName: 7 }, null] };
    expect(parseBatchPropertiesLeniently(raw)).toBeUndefined();
    expect(parseBatchPropertiesLeniently(undefined)).toBeUndefined();
    expect(memberNamesOf(raw)).toEqual(['claims']);
    expect(memberNamesOf(undefined)).toEqual([]);
    expect(memberNamesOf({ Members: 'x' })).toEqual([]);
  });
});
