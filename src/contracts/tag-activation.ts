/**
 * The contract between `CostAllocationTagActivation` (src/tags) and the tag-activator handler
 * (lambda/tag-activator): the one source both import. Dependency-free.
 */

/** The CloudFormation type of the custom resource. */
export const TAG_ACTIVATION_RESOURCE_TYPE = 'Custom::CostAllocationTagActivation';

/**
 * The version of the property schema. The handler accepts every version up to its own, so later
 * capabilities add properties without replacing the activations deployed with an earlier version.
 */
export const TAG_ACTIVATION_SCHEMA_VERSION = 1;

/**
 * The properties of the custom resource, as the construct writes them. CloudFormation delivers
 * every scalar to the handler as a string (`true` → `'true'`, `3` → `'3'`).
 */
export interface TagActivationProperties {
  /** {@link TAG_ACTIVATION_SCHEMA_VERSION}, as a string */
  readonly SchemaVersion: string;
  /** the keys to activate, {@link TAG_KEY_MAX_LENGTH} characters at most each */
  readonly TagKeys: string[];
  /** the SSM parameter that holds the activation state, under {@link STATE_PARAMETER_PREFIX} */
  readonly StateParameterName: string;
  /** months to backfill once keys are active ({@link BACKFILL_MONTHS}); absent: no backfill */
  readonly BackfillMonths?: number;
  /** deactivate the keys no other activation holds when the resource is deleted */
  readonly DeactivateOnDelete: boolean;
}

/** The attributes the handler returns (`Fn::GetAtt` names): comma-separated keys. */
export const TAG_ACTIVATION_ATTRIBUTES = {
  activeKeys: 'ActiveKeys',
  pendingKeys: 'PendingKeys',
} as const;

/** The data of a handler response: every attribute, as strings. */
export type TagActivationAttributes = {
  readonly [K in (typeof TAG_ACTIVATION_ATTRIBUTES)[keyof typeof TAG_ACTIVATION_ATTRIBUTES]]: string
};

/**
 * StartCostAllocationTagBackfill goes back at most twelve months ("Dates can't precede the previous
 * twelve months", Cost Explorer API model); a backfill of zero months would do nothing.
 */
export const BACKFILL_MONTHS = { min: 1, max: 12 } as const;

/** The longest tag key Cost Explorer takes (TagKey, 1024 characters). */
export const TAG_KEY_MAX_LENGTH = 1024;

/**
 * The form under which Amazon Bedrock bills the tags of the calling IAM role or user (IAM principal
 * cost allocation): `iamPrincipal/<key>`.
 */
export const IAM_PRINCIPAL_TAG_PREFIX = 'iamPrincipal/';

/**
 * The SSM path under which every activation of an account and Region keeps its state (one
 * parameter each, a standard parameter of at most 4 KB). The handler may touch only parameters
 * below it, and reads all of them to know which keys other activations still hold.
 */
export const STATE_PARAMETER_PREFIX = '/cdk-bedrock-cost-governance/tag-activation';

/** SSM parameter names: letters, digits and `_.-`, in `/`-separated levels (1011 characters with the ARN prefix). */
const STATE_PARAMETER_NAME = /^\/cdk-bedrock-cost-governance\/tag-activation(\/[a-zA-Z0-9_.-]+)+$/;

/** The longest state parameter name the construct makes (the suffix is a unique resource name of at most 200). */
export const STATE_PARAMETER_NAME_MAX_LENGTH = STATE_PARAMETER_PREFIX.length + 1 + 200;

/** The state parameter of an activation whose unique name is `suffix`. */
export function stateParameterName(suffix: string): string {
  return `${STATE_PARAMETER_PREFIX}/${suffix}`;
}

/** Whether `name` is a state parameter: below {@link STATE_PARAMETER_PREFIX}, and a valid SSM name. */
export function isStateParameterName(name: string): boolean {
  return name.length <= STATE_PARAMETER_NAME_MAX_LENGTH && STATE_PARAMETER_NAME.test(name);
}

/**
 * The largest state (JSON of the keys, as `{ active, pending }`) one activation may hold: the
 * rest of the 4 KB parameter is left for errors, dates and the backfill record.
 */
export const MAX_STATE_KEYS_CHARS = 3500;

/** The size {@link MAX_STATE_KEYS_CHARS} limits: every key once, in the state's JSON. */
export function stateKeysChars(keys: readonly string[]): number {
  return JSON.stringify({ active: keys, pending: [] }).length;
}

/** The `action` of the event the retry schedule sends. */
export const RETRY_ACTION = 'retry-pending';

/** The event EventBridge Scheduler sends to the handler to retry the keys still pending. */
export interface TagActivationRetryEvent {
  readonly action: typeof RETRY_ACTION;
  readonly stateParameterName: string;
}
