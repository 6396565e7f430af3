/**
 * Test support for the profile-batch handler: a simulated custom_resources.Provider framework
 * (onEvent, then isComplete until it reports completion, as the waiter state machine does) and a
 * simulated CloudFormation stack over it (a failed Create is followed by a Delete of the same
 * physical id; an Update keeps the physical id), a virtual clock, and member/property builders.
 */
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BatchContext } from '../../../lambda/profile-batch/converge';
import { CfnEvent, IsCompleteEvent, IsCompleteResponse, OnEventResponse } from '../../../lambda/shared/cfn-event';
import { silentLogger } from '../../../lambda/shared/log';
import { LocalSchedule, PacingSchedule } from '../../../lambda/shared/pacing';
import { PROFILE_BATCH_RESOURCE_TYPE } from '../../../src/contracts/profile-batch';
import { AwsFake } from '../../fakes/aws';

export const COPY_FROM = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0';
export const FOUNDATION_MODEL = 'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0';
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/fleet/4a2b9c10-7d3e-11ef-9e5a-0a1b2c3d4e5f';

export type Props = { ServiceToken: string; [key: string]: unknown };
export type OnEvent = (event: CfnEvent) => Promise<OnEventResponse>;
export type IsComplete = (event: IsCompleteEvent) => Promise<IsCompleteResponse>;

export interface MemberProps {
  readonly Key: string;
  readonly ProfileName: string;
  readonly Description?: string;
  readonly CopyFrom: string;
  readonly Tags: Array<{ Key: string; Value: string }>;
}

export function member(key: string, name = key, tags: Record<string, string> = { dept: key }, extra: Partial<MemberProps> = {}): MemberProps {
  return { Key: key, ProfileName: name, CopyFrom: COPY_FROM, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })), ...extra };
}

/** The properties as CloudFormation delivers them (scalars as strings, the service token included). */
export function batchProps(members: MemberProps[]): Props {
  return { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent', SchemaVersion: '1', Members: members };
}

/** Time that passes only when the handler sleeps. */
export class VirtualClock {
  public nowMs = Date.UTC(2026, 0, 1);
  public readonly sleeps: number[] = [];
  public readonly now = (): number => this.nowMs;
  public readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.nowMs += ms;
  };
}

/** A handler context on the fake, with a virtual clock and an in-process schedule unless told otherwise. */
export function batchContext(fake: AwsFake, overrides: Partial<BatchContext> & { callsPerSecond?: number } = {}): BatchContext {
  const clock = new VirtualClock();
  const { callsPerSecond, ...rest } = overrides;
  const schedule: PacingSchedule = new LocalSchedule({ callsPerSecond: callsPerSecond ?? 20, clock: rest.clock ?? clock.now });
  return {
    bedrock: new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 }),
    retry: { sleep: async () => undefined, maxAttempts: 5 },
    log: silentLogger,
    region: 'us-east-1',
    schedule,
    clock: clock.now,
    sleep: clock.sleep,
    workBudgetMs: 600_000,
    ...rest,
  };
}

/** The outcome the framework reports to CloudFormation. */
export interface FrameworkResult {
  readonly physicalId: string;
  readonly data?: Record<string, string>;
  /** isComplete invocations it took */
  readonly polls: number;
}

/** The Provider framework: onEvent, then isComplete until complete (at most `maxPolls`). Throws what the handler threw. */
export async function runFramework(request: CfnEvent, onEvent: OnEvent, isComplete: IsComplete, maxPolls = 20): Promise<FrameworkResult> {
  const first = await onEvent(request);
  const physicalId = first.PhysicalResourceId ?? (request as { PhysicalResourceId?: string }).PhysicalResourceId ?? request.RequestId;
  const event = { ...request, ...first, PhysicalResourceId: physicalId } as IsCompleteEvent;
  for (let polls = 1; polls <= maxPolls; polls++) {
    const result = await isComplete(event);
    if (result.IsComplete) return { physicalId, data: { ...first.Data, ...result.Data }, polls };
    if (result.Data && Object.keys(result.Data).length > 0) throw new Error('"Data" is not allowed if "IsComplete" is "False"');
  }
  throw new Error('Operation timed out');
}

/** The framework's physical id for a Create that failed before onEvent answered (its delete is ignored). */
export const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

/** What CloudFormation believes about one batch resource, driving the framework as CloudFormation would. */
export class SimulatedBatch {
  public physicalId?: string;
  public props?: Props;
  public data?: Record<string, string>;
  private requests = 0;

  constructor(
    private readonly onEvent: OnEvent,
    private readonly isComplete: IsComplete,
    public readonly logicalId = 'FleetBatch0',
    public readonly stackId = STACK_ID,
  ) {}

  /** A Create; on failure CloudFormation deletes the resource it was told of (then rethrows). */
  public async create(properties: Props, requestId = this.nextRequest()): Promise<FrameworkResult> {
    const request = { ...this.base(requestId), RequestType: 'Create', ResourceProperties: properties } as CfnEvent;
    let physicalId: string | undefined;
    try {
      const onEvent: OnEvent = async (e) => {
        const r = await this.onEvent(e);
        physicalId = r.PhysicalResourceId;
        return r;
      };
      const result = await runFramework(request, onEvent, this.isComplete);
      this.physicalId = result.physicalId;
      this.props = properties;
      this.data = result.data;
      return result;
    } catch (error) {
      // CREATE_FAILED → the stack rolls back → Delete of the physical id the framework reported
      this.physicalId = physicalId ?? CREATE_FAILED_MARKER;
      this.props = properties;
      await this.delete();
      throw error;
    }
  }

  public async update(properties: Props): Promise<FrameworkResult> {
    const request = {
      ...this.base(this.nextRequest()), RequestType: 'Update', ResourceProperties: properties, OldResourceProperties: this.props, PhysicalResourceId: this.physicalId,
    } as CfnEvent;
    const result = await runFramework(request, this.onEvent, this.isComplete);
    this.props = properties;
    this.data = result.data;
    return result;
  }

  /** An update that fails is rolled back: Update with the old properties (and the failed ones as old). */
  public async updateOrRollBack(properties: Props): Promise<'updated' | Error> {
    const before = this.props!;
    try {
      await this.update(properties);
      return 'updated';
    } catch (error) {
      this.props = properties;
      await this.update(before);
      return error as Error;
    }
  }

  public async delete(): Promise<void> {
    if (this.physicalId === CREATE_FAILED_MARKER) return; // the framework ignores it
    const request = { ...this.base(this.nextRequest()), RequestType: 'Delete', ResourceProperties: this.props, PhysicalResourceId: this.physicalId } as CfnEvent;
    await runFramework(request, this.onEvent, this.isComplete);
  }

  private base(requestId: string) {
    return {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:framework-onEvent',
      ResponseURL: '...',
      StackId: this.stackId,
      RequestId: requestId,
      LogicalResourceId: this.logicalId,
      ResourceType: PROFILE_BATCH_RESOURCE_TYPE,
    };
  }

  private nextRequest(): string {
    return `7f9c2e1a-0000-4000-8000-${String(++this.requests).padStart(12, '0')}`;
  }
}
