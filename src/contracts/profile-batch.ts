/**
 * The contract between `ProfileBatch` (src/profiles, used by fleets) and the profile-batch handler
 * (lambda/profile-batch): one custom resource that owns up to {@link PROFILE_BATCH_MAX_MEMBERS}
 * application inference profiles. The one source both import. Dependency-free but for Node's
 * `crypto` (the attribute names are hashes).
 *
 * Why batches: a fleet of thousands of profiles cannot have one CloudFormation resource and one
 * Lambda invocation per profile (500 resources per template; 1,000 concurrent executions per
 * account by default), and provisioning must keep to a create rate across all of them.
 */
import { createHash } from 'crypto';
import { ProfileResourceTag } from './profile-resource';

/** The CloudFormation type of the custom resource. */
export const PROFILE_BATCH_RESOURCE_TYPE = 'Custom::BedrockApplicationInferenceProfileBatch';

/** The version of the property schema (the handler accepts every version up to its own). */
export const PROFILE_BATCH_SCHEMA_VERSION = 1;

/**
 * Members per batch at most. Bounded by the custom resource response: CloudFormation accepts at
 * most 4,096 bytes ("The maximum size of the response object is 4096 bytes",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html), and
 * the response carries one attribute per member ({@link memberAttribute} → the profile ID, about
 * 29 bytes of JSON) besides StackId, RequestId, LogicalResourceId and PhysicalResourceId.
 */
export const PROFILE_BATCH_MAX_MEMBERS = 100;

/** The bytes of a custom resource response CloudFormation accepts. */
export const CUSTOM_RESOURCE_RESPONSE_MAX_BYTES = 4096;

/**
 * The tag the handler puts on every profile it creates: its value is the batch's owner id (a hash
 * of the stack ID and the resource's logical ID, {@link batchOwnerId}). The handler deletes, and
 * counts as its own, only profiles that carry it with its id: a profile of the same name made by
 * anyone else is a conflict, never adopted or deleted by accident.
 */
export const PROFILE_BATCH_OWNER_TAG = 'cdk-bedrock-cost-governance:profile-batch';

/** One member as the resource passes it. */
export interface ProfileBatchMember {
  /** unique in the batch, stable for the life of the member (e.g. `<cost center>/<profile key>`) */
  readonly Key: string;
  readonly ProfileName: string;
  readonly Description?: string;
  /** the model source ARN (foundation model or system-defined profile) */
  readonly CopyFrom: string;
  readonly Tags: ProfileResourceTag[];
}

/**
 * The properties of the custom resource, as the construct writes them. CloudFormation delivers
 * every scalar to the handler as a string.
 */
export interface ProfileBatchProperties {
  /** {@link PROFILE_BATCH_SCHEMA_VERSION}, as a string */
  readonly SchemaVersion: string;
  /** at most {@link PROFILE_BATCH_MAX_MEMBERS}, keys and profile names unique */
  readonly Members: ProfileBatchMember[];
}

/**
 * The attribute (`Fn::GetAtt` name) under which the response gives a member's profile ID:
 * `Id` and the first 10 hex characters of sha256(key). Letters and digits only, whatever the key.
 * (The ARN is built from the ID, the stack's partition, Region and account.)
 */
export function memberAttribute(key: string): string {
  return `Id${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

/** The attribute that gives the number of members the batch holds once complete. */
export const PROFILE_BATCH_COUNT_ATTRIBUTE = 'MemberCount';

/**
 * The owner id of a batch: the first 16 hex characters of sha256(`<StackId>|<LogicalResourceId>`).
 * The stack ID holds a UUID, so two stacks (or two deployments of one template in two accounts)
 * never share an owner id. It is also the physical ID's suffix: `profile-batch:<owner id>`.
 */
export function batchOwnerId(stackId: string, logicalResourceId: string): string {
  return createHash('sha256').update(`${stackId}|${logicalResourceId}`).digest('hex').slice(0, 16);
}

/** The prefix of a batch's physical ID (`profile-batch:<owner id>`), stable across updates. */
export const PROFILE_BATCH_PHYSICAL_ID_PREFIX = 'profile-batch:';

/**
 * The environment of the profile-batch functions (names of the variables the construct sets and
 * the handler reads).
 */
export const PROFILE_BATCH_ENV = {
  /** the DynamoDB table that holds the shared create schedule (absent: pace within the function only) */
  pacingTable: 'PACING_TABLE',
  /** mutating Bedrock calls (create, delete) per second, across every function that shares the table */
  callsPerSecond: 'PACING_CALLS_PER_SECOND',
  /** how long one isComplete invocation may work before it hands over to the next, in seconds */
  workBudgetSeconds: 'WORK_BUDGET_SECONDS',
} as const;

/**
 * The default pace of mutating calls (CreateInferenceProfile, DeleteInferenceProfile) per account
 * and Region. AWS publishes no rate quota for Bedrock's inference-profile control-plane operations
 * (Amazon Bedrock endpoints and quotas, https://docs.aws.amazon.com/general/latest/gr/bedrock.html,
 * lists none), so this is the library's choice: 2 per second provisions 1,000 profiles in about
 * 8 minutes and 5,000 within CloudFormation's one-hour custom resource timeout, and leaves room for
 * other callers in the account. Throttling that happens anyway is retried with jittered backoff.
 */
export const DEFAULT_CALLS_PER_SECOND = 2;

/** The key of the schedule item of an account and Region in the pacing table. */
export function pacingKey(account: string, region: string): string {
  return `bedrock:inference-profile-writes#${account}#${region}`;
}

/** The pacing table's partition key attribute. */
export const PACING_TABLE_KEY = 'pk';
