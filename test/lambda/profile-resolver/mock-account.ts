/**
 * An account's profiles behind aws-sdk-client-mock: GetResources and ListInferenceProfiles answer
 * from one list, paged like the services (GetResources by ResourcesPerPage with an empty last
 * token, ListInferenceProfiles by maxResults without a last token).
 */
import { BedrockClient, ListInferenceProfilesCommand, ListInferenceProfilesCommandInput } from '@aws-sdk/client-bedrock';
import { GetResourcesCommand, GetResourcesCommandInput, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AwsStub, mockClient } from 'aws-sdk-client-mock';
import { ResolverContext } from '../../../lambda/profile-resolver/resolver';
import { Logger } from '../../../lambda/shared/log';

export interface MockProfile {
  readonly id: string;
  readonly name: string;
  tags: Record<string, string>;
  /** listed by ListInferenceProfiles (false: deleted, GetResources still lists it) @default true */
  listed?: boolean;
  /** listed by GetResources @default true */
  tagged?: boolean;
  status?: string;
}

export const ACCOUNT = '123456789012';
export const arnOf = (id: string) => `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${id}`;

/** `n` profiles `p0000…`, each with `tenant=t<i>`, `dept` cycling over three departments and `env=prod`. */
export function fleet(n: number): MockProfile[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `p${String(i).padStart(4, '0')}abcdef`,
    name: `tenant-${i}`,
    tags: { tenant: `t${i}`, dept: ['claims', 'underwriting', 'billing'][i % 3], env: 'prod' },
  }));
}

export interface MockAccount {
  readonly profiles: MockProfile[];
  readonly tagging: AwsStub<any, any, any>;
  readonly bedrock: AwsStub<any, any, any>;
  readonly ssm: AwsStub<any, any, any>;
  /** GetResources calls so far */
  getResourcesCalls(): number;
  listCalls(): number;
  /** Makes every later GetResources call wait for `gate` (then answer), to hold a scan in flight. */
  hold(gate: Promise<void>): void;
}

let mocks: { tagging: AwsStub<any, any, any>; bedrock: AwsStub<any, any, any>; ssm: AwsStub<any, any, any> } | undefined;

/** Resets the mocks of the three clients (made once per test file) and installs the account's handlers: call in beforeEach. */
export function mockAccount(profiles: MockProfile[]): MockAccount {
  mocks ??= { tagging: mockClient(ResourceGroupsTaggingAPIClient), bedrock: mockClient(BedrockClient), ssm: mockClient(SSMClient) };
  const { tagging, bedrock, ssm } = mocks;
  tagging.reset();
  bedrock.reset();
  ssm.reset();
  let gate: Promise<void> | undefined;
  tagging.on(GetResourcesCommand).callsFake(async (input: GetResourcesCommandInput) => {
    if (gate) await gate;
    const all = profiles.filter((p) => p.tagged !== false);
    const size = input.ResourcesPerPage ?? 50;
    const start = input.PaginationToken ? Number(input.PaginationToken) : 0;
    const page = all.slice(start, start + size);
    return {
      ResourceTagMappingList: page.map((p) => ({ ResourceARN: arnOf(p.id), Tags: Object.entries(p.tags).map(([Key, Value]) => ({ Key, Value })) })),
      PaginationToken: start + size < all.length ? String(start + size) : '',
    };
  });
  bedrock.on(ListInferenceProfilesCommand).callsFake(async (input: ListInferenceProfilesCommandInput) => {
    const all = input.typeEquals === 'APPLICATION' ? profiles.filter((p) => p.listed !== false) : [];
    const size = input.maxResults ?? 10;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const page = all.slice(start, start + size);
    return {
      inferenceProfileSummaries: page.map((p) => ({
        inferenceProfileArn: arnOf(p.id),
        inferenceProfileId: p.id,
        inferenceProfileName: p.name,
        status: (p.status ?? 'ACTIVE') as 'ACTIVE',
        type: 'APPLICATION' as const,
        models: [],
      })),
      nextToken: start + size < all.length ? String(start + size) : undefined,
    };
  });
  return {
    profiles,
    tagging,
    bedrock,
    ssm,
    getResourcesCalls: () => tagging.commandCalls(GetResourcesCommand).length,
    listCalls: () => bedrock.commandCalls(ListInferenceProfilesCommand).length,
    hold: (g) => { gate = g; },
  };
}

/** A settable clock (epoch ms). */
export class TestClock {
  constructor(public ms = Date.UTC(2026, 11, 1, 12)) {}
  public readonly now = () => this.ms;
  public advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** Log lines kept for assertions. */
export function recordingLogger(): { log: Logger; lines: Array<{ level: string; message: string; [k: string]: unknown }> } {
  const lines: Array<{ level: string; message: string; [k: string]: unknown }> = [];
  return { lines, log: (level, message, fields = {}) => void lines.push({ level, message, ...fields }) };
}

/** A context over fresh clients (the mocks intercept them), with instant retries. */
export function contextFor(clock: TestClock, log: Logger, extra: Partial<ResolverContext> = {}): ResolverContext {
  return {
    bedrock: new BedrockClient({ region: 'us-east-1', maxAttempts: 1 }),
    tagging: new ResourceGroupsTaggingAPIClient({ region: 'us-east-1', maxAttempts: 1 }),
    ssm: new SSMClient({ region: 'us-east-1', maxAttempts: 1 }),
    retry: { sleep: async () => undefined, random: () => 0.5, maxAttempts: 4 },
    log,
    now: clock.now,
    ...extra,
  };
}

/** A promise and its resolve function. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

/** Lets pending promise callbacks (and mocked calls) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
