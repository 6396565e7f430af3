import { CallLog } from './call-log';
import { Faults } from './faults';
import { startHttpServer } from './http-server';
import { RequestPipeline } from './request-pipeline';
import { bedrockService } from './services/bedrock';
import { cloudFormationService } from './services/cloudformation';
import type { UnknownTagKeysMode } from './services/cost-allocation-tags';
import { costExplorerService } from './services/cost-explorer';
import { iamService } from './services/iam';
import { organizationsService } from './services/organizations';
import { resourceTaggingService } from './services/resource-tagging';
import { s3Service } from './services/s3';
import { snsService } from './services/sns';
import { ssmService } from './services/ssm';
import { stsService } from './services/sts';
import { FakeState } from './state/fake-state';

/** The `AWS_ENDPOINT_URL_<SERVICE_ID>` variables the SDK v3 reads (serviceId upper-cased, spaces → `_`). */
export const ENDPOINT_ENV_VARS = [
  'AWS_ENDPOINT_URL_BEDROCK',
  'AWS_ENDPOINT_URL_CLOUDFORMATION',
  'AWS_ENDPOINT_URL_COST_EXPLORER',
  'AWS_ENDPOINT_URL_IAM',
  'AWS_ENDPOINT_URL_ORGANIZATIONS',
  'AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_SNS',
  'AWS_ENDPOINT_URL_SSM',
  'AWS_ENDPOINT_URL_STS',
] as const;

/** Options of `startAwsFake`. */
export interface AwsFakeOptions {
  /** The account of the fixed test credentials. @default '123456789012' */
  readonly accountId?: string;
  /** Region of `clientConfig()`/`env()` and of the state helpers. @default 'us-east-1' */
  readonly region?: string;
  /** Application inference profiles per account and Region. @default 1000 */
  readonly profileQuota?: number;
  /** SSM parameters per account and Region. @default 10000 */
  readonly parameterQuota?: number;
  /** Groups (or ungrouped periods) per GetCostAndUsage page. @default 100 */
  readonly costAndUsagePageSize?: number;
  /** Days into the next month before a month's figures are final (no longer Estimated). @default 0 */
  readonly monthFinalAfterDays?: number;
  /** How long GetResources keeps listing a deleted Bedrock profile, as the service is reported to (ms of the fake's clock). @default 0 */
  readonly deletedResourcesListedForMs?: number;
  /** PutParameter calls admitted per second (fake clock), per account and Region. @default no limit */
  readonly putParameterPerSecond?: number;
  /** Parameters one DescribeParameters call examines (short or empty pages with a NextToken). @default no limit */
  readonly describeParametersScanLimit?: number;
  /** The fake's clock (createdAt, Estimated, forecasts, token expiry). @default the system clock */
  readonly clock?: () => Date;
  /** System-defined inference profile ids that ListInferenceProfiles lists. @default a few us/eu/apac/global profiles */
  readonly systemProfiles?: readonly string[];
  /** How UpdateCostAllocationTagsStatus answers unseen tag keys. @default 'exception' */
  readonly unknownTagKeys?: UnknownTagKeysMode;
  /** Accounts that are organization members (cost allocation tag calls are denied there). @default none */
  readonly memberAccounts?: readonly string[];
  /** Decides whether a caller may assume a role. @default every role may be assumed */
  readonly canAssumeRole?: (roleArn: string, callerAccountId: string) => boolean;
  /** Port to listen on. @default 0 (ephemeral) */
  readonly port?: number;
}

/** Static credentials for an SDK client. */
export interface FakeClientCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Configuration to spread into any SDK v3 client: `new BedrockClient({ ...fake.clientConfig(), maxAttempts: 1 })`. */
export interface FakeClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: FakeClientCredentials;
}

/** Which account and Region a client or environment acts in. */
export interface FakeCallerOptions {
  /** @default the fake's Region */
  readonly region?: string;
  /** @default the fake's account */
  readonly accountId?: string;
}

/** A running local AWS protocol fake. */
export interface AwsFake {
  /** `http://127.0.0.1:<port>` — the endpoint of every service. */
  readonly url: string;
  /** Same as `url`. */
  readonly endpoint: string;
  readonly port: number;
  readonly accountId: string;
  readonly region: string;
  readonly state: FakeState;
  readonly faults: Faults;
  readonly calls: CallLog;
  /** The fixed test credentials of an account (the fake's own by default). */
  credentials(accountId?: string): FakeClientCredentials;
  clientConfig(options?: FakeCallerOptions): FakeClientConfig;
  /** Environment for code that builds its own clients (handler bundles): endpoints, credentials, Region. */
  env(options?: FakeCallerOptions): Record<string, string>;
  /** Sets `env()` in process.env (removing AWS_SESSION_TOKEN and AWS_PROFILE); returns a function that restores it. */
  applyEnv(options?: FakeCallerOptions): () => void;
  /** Replaces the fake's clock. */
  setClock(clock: () => Date): void;
  /** Forgets state, faults and recorded calls. */
  reset(): void;
  stop(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 and returns it once it listens. */
export async function startAwsFake(options: AwsFakeOptions = {}): Promise<AwsFake> {
  const accountId = options.accountId ?? '123456789012';
  const region = options.region ?? 'us-east-1';
  let clock = options.clock ?? (() => new Date());
  const state = new FakeState(accountId, region, {
    profileQuota: options.profileQuota ?? 1000,
    parameterQuota: options.parameterQuota ?? 10000,
    costAndUsagePageSize: options.costAndUsagePageSize ?? 100,
    monthFinalAfterDays: options.monthFinalAfterDays,
    deletedResourcesListedForMs: options.deletedResourcesListedForMs,
    putParameterPerSecond: options.putParameterPerSecond,
    describeParametersScanLimit: options.describeParametersScanLimit,
  });
  const applyMembers = () => (options.memberAccounts ?? []).forEach(id => state.setMemberAccount(id));
  applyMembers();
  const faults = new Faults();
  const calls = new CallLog();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const sleep = (ms: number) => new Promise<void>(resolve => {
    const entry = { timer: setTimeout(() => { timers.delete(entry); resolve(); }, ms), resolve };
    timers.add(entry);
  });
  const pipeline = new RequestPipeline([
    bedrockService({ systemProfiles: options.systemProfiles }),
    resourceTaggingService(),
    costExplorerService({ unknownTagKeys: options.unknownTagKeys }),
    ssmService(),
    stsService({ canAssumeRole: options.canAssumeRole }),
    s3Service(),
    snsService(),
    iamService(),
    cloudFormationService(),
    organizationsService(),
  ], { state, faults, calls, now: () => clock(), sleep });
  const server = await startHttpServer(req => pipeline.handle(req), options.port);

  const credentials = (id: string = accountId): FakeClientCredentials => {
    const { accessKeyId, secretAccessKey } = state.credentials.forAccount(id);
    return { accessKeyId, secretAccessKey };
  };
  const env = (caller: FakeCallerOptions = {}): Record<string, string> => {
    const creds = credentials(caller.accountId);
    return {
      ...Object.fromEntries(ENDPOINT_ENV_VARS.map(name => [name, server.url])),
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_REGION: caller.region ?? region,
      AWS_DEFAULT_REGION: caller.region ?? region,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  };
  return {
    url: server.url,
    endpoint: server.url,
    port: server.port,
    accountId,
    region,
    state,
    faults,
    calls,
    credentials,
    clientConfig: (caller = {}) => ({ endpoint: server.url, region: caller.region ?? region, credentials: credentials(caller.accountId) }),
    env,
    applyEnv: (caller = {}) => {
      const values: Record<string, string> = { ...env(caller) };
      const names = [...Object.keys(values), 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];
      const saved = Object.fromEntries(names.map(name => [name, process.env[name]]));
      for (const name of names) {
        if (values[name] === undefined) delete process.env[name];
        else process.env[name] = values[name];
      }
      return () => {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      };
    },
    setClock: next => { clock = next; },
    reset: () => {
      state.reset();
      applyMembers();
      faults.clear();
      calls.clear();
    },
    stop: async () => {
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      await server.close();
    },
  };
}
