/**
 * The shipped profile-provider bundle (assets/lambda/profile-provider/index.js, the very file in
 * the npm package) through whole CloudFormation lifecycles against the local AWS fake, with
 * faults. After every scenario the fake's state is compared with what CloudFormation would
 * believe: no orphaned profile (one that exists but no live resource names), no lost tag.
 */
import { BedrockClient, CreateInferenceProfileCommand, ListTagsForResourceCommand } from '@aws-sdk/client-bedrock';
import { AwsFake } from '../../fakes/aws';
import { loadShippedBundle, ShippedBundle } from '../../support/shipped-bundle';

type Props = Record<string, unknown>;
type Handler = (event: unknown) => Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }>;

const COPY_FROM = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/lifecycle/1';

let fake: AwsFake;
let handler: Handler;
let bedrock: BedrockClient;
const totals = { scenarios: 0, orphaned: 0, lostTags: 0 };

/** What CloudFormation believes: logical id → physical id and properties of live resources. */
class SimulatedStack {
  public readonly live = new Map<string, { physicalId: string; props: Props }>();
  /** profiles that exist by design without a live resource (adopted then retained) */
  public readonly retained = new Set<string>();
  private requests = 0;

  async create(logicalId: string, properties: Props, requestId = this.nextRequest()): Promise<void> {
    const res = await handler({ RequestType: 'Create', StackId: STACK_ID, RequestId: requestId, LogicalResourceId: logicalId, ResourceType: 'Custom::BedrockApplicationInferenceProfile', ResourceProperties: properties });
    this.live.set(logicalId, { physicalId: res.PhysicalResourceId, props: properties });
  }

  /** An update; on failure CloudFormation rolls back with the old properties. On a new physical id it deletes the old resource. */
  async update(logicalId: string, properties: Props, beforeRollback?: () => void): Promise<'updated' | 'rolled back'> {
    const current = this.live.get(logicalId)!;
    const event = (p: Props, old: Props, physicalId: string) => ({
      RequestType: 'Update',
      StackId: STACK_ID,
      RequestId: this.nextRequest(),
      LogicalResourceId: logicalId,
      ResourceType: 'Custom::BedrockApplicationInferenceProfile',
      ResourceProperties: p,
      OldResourceProperties: old,
      PhysicalResourceId: physicalId,
    });
    try {
      const res = await handler(event(properties, current.props, current.physicalId));
      this.live.set(logicalId, { physicalId: res.PhysicalResourceId, props: properties });
      if (res.PhysicalResourceId !== current.physicalId) {
        await this.deletePhysical(logicalId, current.physicalId, current.props);
      }
      return 'updated';
    } catch {
      beforeRollback?.();
      await handler(event(current.props, properties, current.physicalId));
      return 'rolled back';
    }
  }

  async delete(logicalId: string): Promise<void> {
    const current = this.live.get(logicalId)!;
    await this.deletePhysical(logicalId, current.physicalId, current.props);
    this.live.delete(logicalId);
  }

  private async deletePhysical(logicalId: string, physicalId: string, properties: Props): Promise<void> {
    await handler({ RequestType: 'Delete', StackId: STACK_ID, RequestId: this.nextRequest(), LogicalResourceId: logicalId, ResourceType: 'Custom::BedrockApplicationInferenceProfile', ResourceProperties: properties, PhysicalResourceId: physicalId });
    if (physicalId.startsWith('adopted:')) this.retained.add(physicalId.slice('adopted:'.length));
  }

  private nextRequest(): string {
    return `request-${++this.requests}`;
  }
}

function props(name: string, tags: Record<string, string>, extra: Props = {}): Props {
  return {
    ServiceToken: 'x',
    SchemaVersion: '1',
    ProfileName: name,
    CopyFrom: COPY_FROM,
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    AdoptExisting: 'false',
    DeleteAdoptedOnRemoval: 'false',
    ...extra,
  };
}

async function tagsOf(arn: string): Promise<Record<string, string>> {
  const out = await bedrock.send(new ListTagsForResourceCommand({ resourceARN: arn }));
  return Object.fromEntries((out.tags ?? []).map((t) => [t.key!, t.value!]));
}

/** Compares the fake with the stack: counts orphaned profiles and lost tags, and records them. */
async function audit(stack: SimulatedStack): Promise<{ orphaned: string[]; lostTags: string[] }> {
  const liveArns = new Map<string, Props>();
  for (const { physicalId, props: p } of stack.live.values()) liveArns.set(physicalId.replace(/^adopted:/, ''), p);
  const orphaned = fake.state.profiles().map((p) => p.arn).filter((arn) => !liveArns.has(arn) && !stack.retained.has(arn));
  const lostTags: string[] = [];
  for (const [arn, p] of liveArns) {
    const actual = await tagsOf(arn);
    for (const { Key, Value } of p.Tags as Array<{ Key: string; Value: string }>) {
      if (actual[Key] !== Value) lostTags.push(`${arn} ${Key}=${Value} (found ${actual[Key]})`);
    }
  }
  totals.scenarios++;
  totals.orphaned += orphaned.length;
  totals.lostTags += lostTags.length;
  return { orphaned, lostTags };
}

let bundle: ShippedBundle<Handler>;

beforeAll(async () => {
  bundle = await loadShippedBundle<Handler>('profile-provider');
  fake = bundle.fake;
  handler = bundle.handler;
  bedrock = new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 });
});

afterAll(async () => {
  // eslint-disable-next-line no-console
  console.log(`profile-provider bundle: ${totals.scenarios} lifecycle checks, ${totals.orphaned} orphaned profiles, ${totals.lostTags} lost tags`);
  await bundle.close();
});

afterEach(() => fake.reset());

describe('profile-provider bundle against the AWS fake', () => {
  test('create → tag update in place → replacement → delete leaves nothing behind', async () => {
    const stack = new SimulatedStack();
    await stack.create('Claims', props('claims', { dept: 'claims', team: 'a' }));
    const first = stack.live.get('Claims')!.physicalId;
    expect(await tagsOf(first)).toEqual({ dept: 'claims', team: 'a' });

    expect(await stack.update('Claims', props('claims', { dept: 'claims', env: 'prod' }))).toBe('updated');
    expect(stack.live.get('Claims')!.physicalId).toBe(first);
    expect(await tagsOf(first)).toEqual({ dept: 'claims', env: 'prod' });

    expect(await stack.update('Claims', props('claims-v2', { dept: 'claims', env: 'prod' }))).toBe('updated');
    const second = stack.live.get('Claims')!.physicalId;
    expect(second).not.toBe(first);
    expect(fake.state.profiles().map((p) => p.name)).toEqual(['claims-v2']);

    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
    await stack.delete('Claims');
    expect(fake.state.profiles()).toEqual([]);
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  });

  test('a duplicated create event creates one profile', async () => {
    const stack = new SimulatedStack();
    await stack.create('Claims', props('claims', { dept: 'claims' }), 'same-request');
    await stack.create('Claims', props('claims', { dept: 'claims' }), 'same-request');
    expect(fake.state.profiles()).toHaveLength(1);
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  });

  test('a throttling storm is ridden out with bounded retries', async () => {
    fake.faults.throttle('bedrock:*', { times: 4 });
    const stack = new SimulatedStack();
    await stack.create('Claims', props('claims', { dept: 'claims' }));
    expect(fake.calls.count({ service: 'bedrock', errorCode: 'ThrottlingException' })).toBe(4);
    expect(fake.state.profiles()).toHaveLength(1);
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  });

  test('a dropped connection during create does not create a second profile (idempotency token)', async () => {
    fake.faults.drop('CreateInferenceProfile', { times: 1 });
    const stack = new SimulatedStack();
    await stack.create('Claims', props('claims', { dept: 'claims' }));
    expect(fake.calls.count('CreateInferenceProfile')).toBe(2);
    expect(fake.state.profiles()).toHaveLength(1);
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  });

  test('a persistent 5xx in the middle of an update rolls back without losing a tag', async () => {
    const stack = new SimulatedStack();
    await stack.create('Claims', props('claims', { dept: 'claims', team: 'a' }));
    fake.faults.serverError('UntagResource');
    const outcome = await stack.update('Claims', props('claims', { dept: 'claims-ops', env: 'prod' }), () => fake.faults.clear());
    expect(outcome).toBe('rolled back');
    const arn = stack.live.get('Claims')!.physicalId;
    expect(await tagsOf(arn)).toEqual({ dept: 'claims', team: 'a' });
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  }, 60_000);

  test('a profile that cannot be read after creation is deleted, so the failed create leaves nothing', async () => {
    fake.faults.serverError('GetInferenceProfile');
    const stack = new SimulatedStack();
    await expect(stack.create('Claims', props('claims', { dept: 'claims' }))).rejects.toThrow();
    fake.faults.clear();
    expect(fake.state.profiles()).toEqual([]);
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  }, 60_000);

  test('delete of a profile already gone succeeds', async () => {
    const stack = new SimulatedStack();
    await stack.create('Claims', props('claims', { dept: 'claims' }));
    const arn = stack.live.get('Claims')!.physicalId;
    await handler({ RequestType: 'Delete', StackId: STACK_ID, RequestId: 'outside', LogicalResourceId: 'Other', ResourceType: 'x', ResourceProperties: props('claims', {}), PhysicalResourceId: arn });
    await stack.delete('Claims');
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  });

  test('adoption takes over an existing profile and retains it on delete', async () => {
    const existing = await bedrock.send(new CreateInferenceProfileCommand({
      inferenceProfileName: 'legacy', modelSource: { copyFrom: COPY_FROM }, tags: [{ key: 'dept', value: 'old' }, { key: 'owner', value: 'ops' }],
    }));
    const stack = new SimulatedStack();
    await stack.create('Legacy', props('legacy', { dept: 'claims' }, { AdoptExisting: 'true' }));
    expect(stack.live.get('Legacy')!.physicalId).toBe(`adopted:${existing.inferenceProfileArn}`);
    expect(await tagsOf(existing.inferenceProfileArn!)).toEqual({ dept: 'claims', owner: 'ops' });
    await stack.delete('Legacy');
    expect(fake.state.profiles()).toHaveLength(1);
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  });

  test('a name conflict and the profile quota fail clearly and create nothing', async () => {
    await bedrock.send(new CreateInferenceProfileCommand({ inferenceProfileName: 'taken', modelSource: { copyFrom: COPY_FROM } }));
    const stack = new SimulatedStack();
    await expect(stack.create('Taken', props('taken', { dept: 'claims' }))).rejects.toThrow(/already exists in us-east-1.*adoptExisting/);
    fake.state.limits.profileQuota = 1;
    await expect(stack.create('Other', props('other', { dept: 'claims' }))).rejects.toThrow(/quota of application inference profiles/);
    expect(fake.state.profiles().map((p) => p.name)).toEqual(['taken']);
    stack.retained.add(fake.state.profiles()[0].arn);
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  });

  test('invalid properties are refused by the handler before Bedrock sees them', async () => {
    const stack = new SimulatedStack();
    await expect(stack.create('Bad', props('bad/name', { 'aws:x': 'y' }))).rejects.toThrow(/ProfileName 'bad\/name'.*tag key 'aws:x'/);
    expect(fake.calls.all()).toHaveLength(0);
    expect(await audit(stack)).toEqual({ orphaned: [], lostTags: [] });
  });
});
