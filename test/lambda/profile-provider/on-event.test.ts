import {
  BedrockClient,
  ConflictException,
  CreateInferenceProfileCommand,
  DeleteInferenceProfileCommand,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  TagResourceCommand,
  ThrottlingException,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock';
import { mockClient } from 'aws-sdk-client-mock';
import { clientRequestTokenFor, HandlerContext, onEvent } from '../../../lambda/profile-provider/on-event';
import { CfnCreateEvent, CfnDeleteEvent, CfnUpdateEvent } from '../../../lambda/shared/cfn-event';
import { silentLogger } from '../../../lambda/shared/log';
import { PROFILE_SCHEMA_VERSION } from '../../../src/contracts/profile-resource';

const ARN = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456';
const OTHER_ARN = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/zzz999yyy888';
const COPY_FROM = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';

const bedrock = mockClient(BedrockClient);
const sleeps: number[] = [];
const ctx: HandlerContext = {
  bedrock: new BedrockClient({ region: 'us-east-1', maxAttempts: 1 }),
  retry: { sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5, maxAttempts: 5 },
  log: silentLogger,
  region: 'us-east-1',
};

function props(overrides: Record<string, unknown> = {}): { ServiceToken: string; [key: string]: unknown } {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x',
    SchemaVersion: '1',
    ProfileName: 'claims',
    CopyFrom: COPY_FROM,
    Tags: [{ Key: 'dept', Value: 'claims' }],
    AdoptExisting: 'false',
    DeleteAdoptedOnRemoval: 'false',
    ...overrides,
  };
}

const base = { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x', ResponseURL: '...', StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1', LogicalResourceId: 'Claims', ResourceType: 'Custom::BedrockApplicationInferenceProfile' };
const createEvent = (p = props(), requestId = 'req-1'): CfnCreateEvent => ({ ...base, RequestType: 'Create', RequestId: requestId, ResourceProperties: p });
const updateEvent = (p: ReturnType<typeof props>, old: ReturnType<typeof props>, physicalId = ARN): CfnUpdateEvent =>
  ({ ...base, RequestType: 'Update', RequestId: 'req-2', ResourceProperties: p, OldResourceProperties: old, PhysicalResourceId: physicalId });
const deleteEvent = (physicalId = ARN, p = props()): CfnDeleteEvent => ({ ...base, RequestType: 'Delete', RequestId: 'req-3', ResourceProperties: p, PhysicalResourceId: physicalId });

function getReturns(arn = ARN, name = 'claims') {
  bedrock.on(GetInferenceProfileCommand).resolves({
    inferenceProfileArn: arn,
    inferenceProfileId: arn.split('/')[1],
    inferenceProfileName: name,
    status: 'ACTIVE',
    type: 'APPLICATION',
    models: [{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0' }, { modelArn: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0' }],
  });
}

beforeEach(() => {
  bedrock.reset();
  sleeps.length = 0;
});

describe('create', () => {
  test('creates with tags and an idempotency token, and returns the attributes', async () => {
    bedrock.on(CreateInferenceProfileCommand).resolves({ inferenceProfileArn: ARN, status: 'ACTIVE' });
    getReturns();
    const res = await onEvent(createEvent(), ctx);
    expect(res.PhysicalResourceId).toBe(ARN);
    expect(res.Data).toEqual({
      ProfileArn: ARN,
      ProfileId: 'abc123def456',
      ProfileName: 'claims',
      Status: 'ACTIVE',
      ModelArns: expect.stringContaining('us-west-2::foundation-model/anthropic'),
      Adopted: 'false',
    });
    const input = bedrock.commandCalls(CreateInferenceProfileCommand)[0].args[0].input;
    expect(input).toEqual({
      inferenceProfileName: 'claims',
      description: undefined,
      clientRequestToken: clientRequestTokenFor(createEvent()),
      modelSource: { copyFrom: COPY_FROM },
      tags: [{ key: 'dept', value: 'claims' }],
    });
    expect(input.clientRequestToken).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a duplicated create event sends the same token (so Bedrock creates one profile)', async () => {
    bedrock.on(CreateInferenceProfileCommand).resolves({ inferenceProfileArn: ARN });
    getReturns();
    await onEvent(createEvent(), ctx);
    await onEvent(createEvent(), ctx);
    const tokens = bedrock.commandCalls(CreateInferenceProfileCommand).map((c) => c.args[0].input.clientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
    expect(clientRequestTokenFor(createEvent(props(), 'req-other'))).not.toBe(tokens[0]);
  });

  test('throttling is retried with bounded, jittered backoff, then succeeds', async () => {
    bedrock.on(CreateInferenceProfileCommand)
      .rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: {} }))
      .rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: {} }))
      .resolves({ inferenceProfileArn: ARN });
    getReturns();
    const res = await onEvent(createEvent(), ctx);
    expect(res.PhysicalResourceId).toBe(ARN);
    expect(bedrock.commandCalls(CreateInferenceProfileCommand)).toHaveLength(3);
    // full jitter with random() = 0.5: half of 200 ms, then half of 400 ms
    expect(sleeps).toEqual([100, 200]);
  });

  test('retries stop at maxAttempts and the throttling error surfaces', async () => {
    bedrock.on(CreateInferenceProfileCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    await expect(onEvent(createEvent(), ctx)).rejects.toThrow(/slow down/);
    expect(bedrock.commandCalls(CreateInferenceProfileCommand)).toHaveLength(5);
  });

  test('a name conflict without adoptExisting says how to fix it', async () => {
    bedrock.on(CreateInferenceProfileCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
    await expect(onEvent(createEvent(), ctx)).rejects.toThrow(/named 'claims' already exists in us-east-1.*adoptExisting: true/);
  });

  test('the profile quota error says what to do', async () => {
    bedrock.on(CreateInferenceProfileCommand).rejects(new ServiceQuotaExceededException({ message: 'quota', $metadata: {} }));
    await expect(onEvent(createEvent(), ctx)).rejects.toThrow(/quota of application inference profiles in us-east-1.*Service Quotas/);
  });

  test('a validation error names the profile and the model source', async () => {
    bedrock.on(CreateInferenceProfileCommand).rejects(new ValidationException({ message: 'bad model', $metadata: {} }));
    await expect(onEvent(createEvent(), ctx)).rejects.toThrow(/rejected profile 'claims'.*us\.anthropic/);
  });

  test('a profile that cannot be read after creation is deleted, not left behind', async () => {
    bedrock.on(CreateInferenceProfileCommand).resolves({ inferenceProfileArn: ARN });
    bedrock.on(GetInferenceProfileCommand).rejects(Object.assign(new Error('boom'), { name: 'AccessDeniedException' }));
    bedrock.on(DeleteInferenceProfileCommand).resolves({});
    await expect(onEvent(createEvent(), ctx)).rejects.toThrow(/boom/);
    expect(bedrock.commandCalls(DeleteInferenceProfileCommand)[0].args[0].input).toEqual({ inferenceProfileIdentifier: ARN });
  });

  test('invalid properties fail before any call, listing every problem', async () => {
    const bad = props({ ProfileName: 'bad/name', CopyFrom: 'arn:aws:s3:::bucket', Tags: [{ Key: 'aws:x', Value: 'y' }] });
    await expect(onEvent(createEvent(bad), ctx)).rejects.toThrow(/ProfileName 'bad\/name'.*CopyFrom.*tag key 'aws:x'/);
    expect(bedrock.calls()).toHaveLength(0);
  });

  test('a newer schema version is refused', async () => {
    await expect(onEvent(createEvent(props({ SchemaVersion: String(PROFILE_SCHEMA_VERSION + 1) })), ctx)).rejects.toThrow(/newer than this handler/);
  });
});

describe('adoption', () => {
  test('an existing profile with the name is adopted and its tags reconciled (every page is searched)', async () => {
    bedrock.on(ListInferenceProfilesCommand)
      .resolvesOnce({ inferenceProfileSummaries: [summary(OTHER_ARN, 'other')], nextToken: 'p2' })
      .resolvesOnce({ inferenceProfileSummaries: [summary(ARN, 'claims')] });
    getReturns();
    bedrock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'dept', value: 'old' }, { key: 'owner', value: 'someone' }] });
    bedrock.on(TagResourceCommand).resolves({});
    const res = await onEvent(createEvent(props({ AdoptExisting: 'true' })), ctx);
    expect(res.PhysicalResourceId).toBe(`adopted:${ARN}`);
    expect(res.Data?.Adopted).toBe('true');
    expect(bedrock.commandCalls(ListInferenceProfilesCommand)[1].args[0].input.nextToken).toBe('p2');
    expect(bedrock.commandCalls(TagResourceCommand)[0].args[0].input).toEqual({ resourceARN: ARN, tags: [{ key: 'dept', value: 'claims' }] });
    expect(bedrock.commandCalls(UntagResourceCommand)).toHaveLength(0);
    expect(bedrock.commandCalls(CreateInferenceProfileCommand)).toHaveLength(0);
  });

  test('a profile with that name but another model is not adopted', async () => {
    bedrock.on(ListInferenceProfilesCommand).resolves({ inferenceProfileSummaries: [summary(ARN, 'claims')] });
    bedrock.on(GetInferenceProfileCommand).resolves({
      inferenceProfileArn: ARN,
      inferenceProfileId: 'abc123def456',
      inferenceProfileName: 'claims',
      status: 'ACTIVE',
      type: 'APPLICATION',
      models: [{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' }],
    });
    bedrock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: COPY_FROM }).resolves({
      inferenceProfileArn: COPY_FROM, models: [{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0' }],
    });
    await expect(onEvent(createEvent(props({ AdoptExisting: 'true' })), ctx)).rejects.toThrow(
      /Cannot adopt application inference profile 'claims'.*routes to arn:aws:bedrock:us-east-1::foundation-model\/amazon\.nova-pro-v1:0, but .*us\.anthropic.*routes to .*claude-sonnet/);
    expect(bedrock.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  describe('the whole model source must match, not only the model', () => {
    const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
    const fm = (region: string) => ({ modelArn: `arn:aws:bedrock:${region}::foundation-model/${SONNET}` });
    const US_MODELS = [fm('us-east-1'), fm('us-east-2'), fm('us-west-2')];
    const existing = (models: Array<{ modelArn: string }>) => {
      bedrock.on(ListInferenceProfilesCommand).resolves({ inferenceProfileSummaries: [summary(ARN, 'claims')] });
      bedrock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: ARN }).resolves({
        inferenceProfileArn: ARN, inferenceProfileId: 'abc123def456', inferenceProfileName: 'claims', status: 'ACTIVE', type: 'APPLICATION', models,
      });
      // the system-defined profile the stack asks for (us.), as Bedrock describes it
      bedrock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: COPY_FROM }).resolves({
        inferenceProfileArn: COPY_FROM,
        inferenceProfileId: `us.${SONNET}`,
        inferenceProfileName: 'US Claude Sonnet 4.5',
        status: 'ACTIVE',
        type: 'SYSTEM_DEFINED',
        models: [...US_MODELS].reverse(),
      });
      bedrock.on(ListTagsForResourceCommand).resolves({ tags: [] });
      bedrock.on(TagResourceCommand).resolves({});
    };

    test('a profile that copies eu.X is not adopted for us.X', async () => {
      existing([fm('eu-central-1'), fm('eu-west-1'), fm('eu-west-3')]);
      await expect(onEvent(createEvent(props({ AdoptExisting: 'true' })), ctx)).rejects.toThrow(/Cannot adopt.*eu-central-1.*same Region or geography/);
      expect(bedrock.commandCalls(TagResourceCommand)).toHaveLength(0);
    });

    test('a profile that copies X in one Region is not adopted for us.X', async () => {
      existing([fm('us-east-1')]);
      await expect(onEvent(createEvent(props({ AdoptExisting: 'true' })), ctx)).rejects.toThrow(/Cannot adopt/);
    });

    test('a profile that copies us.X is adopted for us.X (in any order)', async () => {
      existing(US_MODELS);
      const res = await onEvent(createEvent(props({ AdoptExisting: 'true' })), ctx);
      expect(res.PhysicalResourceId).toBe(`adopted:${ARN}`);
    });

    test('a foundation-model source must be the very model ARN (same Region)', async () => {
      existing([fm('us-west-2')]);
      const source = `arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`;
      await expect(onEvent(createEvent(props({ AdoptExisting: 'true', CopyFrom: source })), ctx)).rejects.toThrow(/us-west-2.*but .*us-east-1/);
      bedrock.reset();
      existing([fm('us-east-1')]);
      const res = await onEvent(createEvent(props({ AdoptExisting: 'true', CopyFrom: source })), ctx);
      expect(res.PhysicalResourceId).toBe(`adopted:${ARN}`);
    });
  });

  test('without an existing profile, adoptExisting creates one', async () => {
    bedrock.on(ListInferenceProfilesCommand).resolves({ inferenceProfileSummaries: [] });
    bedrock.on(CreateInferenceProfileCommand).resolves({ inferenceProfileArn: ARN });
    getReturns();
    const res = await onEvent(createEvent(props({ AdoptExisting: 'true' })), ctx);
    expect(res.PhysicalResourceId).toBe(ARN);
  });

  test('a conflict raced between lookup and create is resolved by adopting', async () => {
    bedrock.on(ListInferenceProfilesCommand)
      .resolvesOnce({ inferenceProfileSummaries: [] })
      .resolves({ inferenceProfileSummaries: [summary(ARN, 'claims')] });
    bedrock.on(CreateInferenceProfileCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
    getReturns();
    bedrock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'dept', value: 'claims' }] });
    const res = await onEvent(createEvent(props({ AdoptExisting: 'true' })), ctx);
    expect(res.PhysicalResourceId).toBe(`adopted:${ARN}`);
  });

  test('an adopted profile is retained on delete unless DESTROY was set explicitly', async () => {
    await onEvent(deleteEvent(`adopted:${ARN}`, props({ AdoptExisting: 'true' })), ctx);
    expect(bedrock.commandCalls(DeleteInferenceProfileCommand)).toHaveLength(0);
    bedrock.on(DeleteInferenceProfileCommand).resolves({});
    await onEvent(deleteEvent(`adopted:${ARN}`, props({ AdoptExisting: 'true', DeleteAdoptedOnRemoval: 'true' })), ctx);
    expect(bedrock.commandCalls(DeleteInferenceProfileCommand)).toHaveLength(1);
  });
});

describe('update', () => {
  test('tag changes are applied in place: added/changed first, then removed; foreign tags kept', async () => {
    getReturns();
    bedrock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'dept', value: 'claims' }, { key: 'team', value: 'a' }, { key: 'owner', value: 'ops' }] });
    bedrock.on(TagResourceCommand).resolves({});
    bedrock.on(UntagResourceCommand).resolves({});
    const old = props({ Tags: [{ Key: 'dept', Value: 'claims' }, { Key: 'team', Value: 'a' }] });
    const next = props({ Tags: [{ Key: 'dept', Value: 'claims-ops' }, { Key: 'env', Value: 'prod' }] });
    const res = await onEvent(updateEvent(next, old), ctx);
    expect(res.PhysicalResourceId).toBe(ARN);
    expect(bedrock.commandCalls(TagResourceCommand)[0].args[0].input.tags).toEqual([{ key: 'dept', value: 'claims-ops' }, { key: 'env', value: 'prod' }]);
    expect(bedrock.commandCalls(UntagResourceCommand)[0].args[0].input.tagKeys).toEqual(['team']);
    expect(bedrock.commandCalls(CreateInferenceProfileCommand)).toHaveLength(0);
    const order = bedrock.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('TagResourceCommand')).toBeLessThan(order.indexOf('UntagResourceCommand'));
  });

  test('a new name creates a new profile (new physical id)', async () => {
    bedrock.on(CreateInferenceProfileCommand).resolves({ inferenceProfileArn: OTHER_ARN });
    getReturns(OTHER_ARN, 'claims-v2');
    const res = await onEvent(updateEvent(props({ ProfileName: 'claims-v2' }), props()), ctx);
    expect(res.PhysicalResourceId).toBe(OTHER_ARN);
    expect(bedrock.commandCalls(CreateInferenceProfileCommand)[0].args[0].input.inferenceProfileName).toBe('claims-v2');
    expect(bedrock.commandCalls(DeleteInferenceProfileCommand)).toHaveLength(0);
  });

  test('a new model source under the same name fails and asks for a new name', async () => {
    getReturns();
    const next = props({ CopyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0' });
    await expect(onEvent(updateEvent(next, props()), ctx)).rejects.toThrow(/Cannot change the model source .* Give it a new profileName/);
    expect(bedrock.commandCalls(TagResourceCommand)).toHaveLength(0);
  });

  test('the rollback of a refused change of model source or description succeeds: the profile is judged, not only the old properties', async () => {
    getReturns();
    const refused = props({ CopyFrom: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', Description: 'new' });
    await expect(onEvent(updateEvent(refused, props()), ctx)).rejects.toThrow(/Cannot change the model source .* and description/);
    // CloudFormation rolls back: the old properties are now the refused ones
    bedrock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: 'dept', value: 'claims' }] });
    const res = await onEvent(updateEvent(props(), refused), ctx);
    expect(res.PhysicalResourceId).toBe(ARN);
    expect(bedrock.commandCalls(CreateInferenceProfileCommand)).toHaveLength(0);
    expect(bedrock.commandCalls(DeleteInferenceProfileCommand)).toHaveLength(0);
  });

  test('a new description under the same name fails too', async () => {
    getReturns();
    await expect(onEvent(updateEvent(props({ Description: 'new' }), props()), ctx)).rejects.toThrow(/Cannot change the description/);
  });

  test('a rename is recognised from the profile itself when the old properties are unreadable', async () => {
    getReturns(ARN, 'claims');
    bedrock.on(CreateInferenceProfileCommand).resolves({ inferenceProfileArn: OTHER_ARN });
    bedrock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: OTHER_ARN }).resolves({
      inferenceProfileArn: OTHER_ARN, inferenceProfileId: 'zzz999yyy888', inferenceProfileName: 'claims-v2', status: 'ACTIVE', type: 'APPLICATION', models: [],
    });
    const res = await onEvent(updateEvent(props({ ProfileName: 'claims-v2' }), { ServiceToken: 'x', SchemaVersion: '99', Something: 'else' }), ctx);
    expect(res.PhysicalResourceId).toBe(OTHER_ARN);
  });

  test('a profile deleted outside CloudFormation gives a clear error', async () => {
    bedrock.on(GetInferenceProfileCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(onEvent(updateEvent(props(), props()), ctx)).rejects.toThrow(/no longer exists.*new profileName/);
  });
});

describe('delete', () => {
  test('deletes the profile', async () => {
    bedrock.on(DeleteInferenceProfileCommand).resolves({});
    const res = await onEvent(deleteEvent(), ctx);
    expect(res.PhysicalResourceId).toBe(ARN);
    expect(bedrock.commandCalls(DeleteInferenceProfileCommand)[0].args[0].input).toEqual({ inferenceProfileIdentifier: ARN });
  });

  test('a profile that is already gone counts as deleted', async () => {
    bedrock.on(DeleteInferenceProfileCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(onEvent(deleteEvent(), ctx)).resolves.toEqual({ PhysicalResourceId: ARN });
  });

  test('a physical id that names no profile (a failed create) makes no call', async () => {
    await expect(onEvent(deleteEvent('req-1'), ctx)).resolves.toEqual({ PhysicalResourceId: 'req-1' });
    expect(bedrock.calls()).toHaveLength(0);
  });

  test('other errors surface', async () => {
    bedrock.on(DeleteInferenceProfileCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(onEvent(deleteEvent(), ctx)).rejects.toThrow(/denied/);
  });
});

function summary(arn: string, name: string) {
  return {
    inferenceProfileArn: arn,
    inferenceProfileId: arn.split('/')[1],
    inferenceProfileName: name,
    status: 'ACTIVE' as const,
    type: 'APPLICATION' as const,
    models: [],
  };
}
