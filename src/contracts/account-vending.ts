/**
 * The contract between `AccountVendingHook` (src/organization/account-vending-hook.ts) and its
 * handler (lambda/account-vending-hook): the environment variable that carries the settings, their
 * shape and schema version, the scheduled reconcile event, the fields read from Control Tower's
 * lifecycle events, and the AWS rules both sides check.
 */
import { REGION_NAME } from './region-name';

/** The environment variable holding the settings as JSON. */
export const ACCOUNT_VENDING_ENV = { settings: 'ACCOUNT_VENDING_SETTINGS' } as const;

/** Bumped when the settings change shape; the handler refuses versions it does not know. */
export const ACCOUNT_VENDING_SCHEMA_VERSION = 2;

/** `action` of the scheduled event that reconciles every account. */
export const RECONCILE_ACTION = 'reconcile';

/** The scheduled reconcile event. */
export interface ReconcileEvent {
  readonly action: typeof RECONCILE_ACTION;
}

/** `CallAs` of the CloudFormation StackSets API ([model] cloudformation.json `CallAs`). */
export type StackSetCallAs = 'SELF' | 'DELEGATED_ADMIN';

/** One stack set the hook manages instances of. */
export interface VendedStackSet {
  readonly stackSetName: string;
  /** The Regions of the stack instances. */
  readonly regions: readonly string[];
  readonly callAs: StackSetCallAs;
  /** The Region the stack set itself lives in (its administrator Region), where the StackSets API is called for it. */
  readonly region: string;
  /**
   * The stack set's target OUs or root: accounts in them or in their descendants are vended, others
   * are not. Absent: read from DescribeStackSet (`StackSet.OrganizationalUnitIds`).
   */
  readonly organizationalUnits?: readonly string[];
}

/** `StackSetOperationPreferences` as the API takes them ([model] cloudformation.json). */
export interface VendingOperationPreferences {
  readonly MaxConcurrentCount?: number;
  readonly MaxConcurrentPercentage?: number;
  readonly FailureToleranceCount?: number;
  readonly FailureTolerancePercentage?: number;
  readonly ConcurrencyMode?: 'STRICT_FAILURE_TOLERANCE' | 'SOFT_FAILURE_TOLERANCE';
  readonly RegionConcurrencyType?: 'SEQUENTIAL' | 'PARALLEL';
}

/** The settings the construct writes and the handler reads. */
export interface AccountVendingSettings {
  readonly schemaVersion: number;
  readonly stackSets: readonly VendedStackSet[];
  /** account ID → parameter key → value */
  readonly parameters: { readonly [accountId: string]: { readonly [parameterKey: string]: string } };
  /** Organizations account tag key → stack set parameter key */
  readonly parametersFromAccountTags: { readonly [tagKey: string]: string };
  readonly operationPreferences?: VendingOperationPreferences;
  /** Milliseconds between two accounts in a reconcile run. */
  readonly reconcilePaceMs: number;
  /** The management account (never a stack set target), skipped in events and reconcile runs. */
  readonly managementAccountId?: string;
}

/**
 * StackSet names: "can contain only alphanumeric characters (case-sensitive) and hyphens. It must
 * start with an alphabetic character and can't be longer than 128 characters" ([model]
 * cloudformation.json `CreateStackSetInput.StackSetName`; `StackSetNameOrId` has the same pattern).
 */
export const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;
/** `Account`: `^[0-9]{12}$` ([model] cloudformation.json). */
export const ACCOUNT_ID_PATTERN = /^[0-9]{12}$/;
/** Region names: the library's one shape (region-name.ts). */
export const REGION_PATTERN = REGION_NAME;
/** `OrganizationalUnitId` ([model] cloudformation.json): an OU or the organization root. */
export const ORGANIZATIONAL_UNIT_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
/**
 * Template parameter names are alphanumeric, at most 255 characters (CloudFormation user guide,
 * "Parameters syntax"; the API's `ParameterKey` has no pattern of its own).
 */
export const PARAMETER_KEY = /^[a-zA-Z0-9]{1,255}$/;
/** Parameter values: at most 4,096 bytes (CloudFormation quotas page, "Parameter value size"). */
export const PARAMETER_VALUE_MAX_BYTES = 4096;
/** `ClientRequestToken` (the type of `OperationId`): `[a-zA-Z0-9][-a-zA-Z0-9]*`, 1–128 ([model] cloudformation.json). */
export const OPERATION_ID = /^[a-zA-Z0-9][-a-zA-Z0-9]{0,127}$/;
/** Organizations tag keys: 1–128 characters of `[\s\S]` with no `aws:` prefix ([model] organizations.json `TagKey`). */
export const TAG_KEY_MAX = 128;

/** The Control Tower lifecycle events the hook acts on (https://docs.aws.amazon.com/controltower/latest/userguide/lifecycle-events.html). */
export const MANAGED_ACCOUNT_EVENTS = {
  CreateManagedAccount: 'createManagedAccountStatus',
  UpdateManagedAccount: 'updateManagedAccountStatus',
} as const;

/** A Control Tower lifecycle event as EventBridge delivers it (only the fields read). */
export interface ManagedAccountEvent {
  /** EventBridge's event ID: the same for every delivery and retry of one event. */
  readonly 'id'?: string;
  readonly 'source'?: string;
  readonly 'detail-type'?: string;
  readonly 'detail'?: {
    readonly eventName?: string;
    readonly serviceEventDetails?: {
      readonly [status: string]: {
        readonly state?: string;
        readonly account?: { readonly accountId?: string; readonly accountName?: string };
        readonly organizationalUnit?: { readonly organizationalUnitId?: string; readonly organizationalUnitName?: string };
      } | undefined;
    };
  };
}

/** The account and OU a SUCCEEDED managed-account event names, or a reason it names none. */
export function vendedAccountOf(event: ManagedAccountEvent): { accountId: string; organizationalUnitId: string } | { ignored: string } {
  const name = event.detail?.eventName ?? '';
  const statusKey = (MANAGED_ACCOUNT_EVENTS as Record<string, string>)[name];
  if (!statusKey) return { ignored: `event ${name || '(no eventName)'} is not a managed-account event` };
  const status = event.detail?.serviceEventDetails?.[statusKey];
  if (status?.state !== 'SUCCEEDED') return { ignored: `${name} state is ${status?.state ?? 'missing'}, not SUCCEEDED` };
  const accountId = status.account?.accountId ?? '';
  const organizationalUnitId = status.organizationalUnit?.organizationalUnitId ?? '';
  if (!ACCOUNT_ID_PATTERN.test(accountId)) return { ignored: `${name} names no valid account ID ('${accountId}')` };
  if (!ORGANIZATIONAL_UNIT_ID.test(organizationalUnitId)) return { ignored: `${name} names no valid OU ID ('${organizationalUnitId}')` };
  return { accountId, organizationalUnitId };
}

/** Parses and checks the settings; throws with the rule broken. */
export function parseAccountVendingSettings(json: string | undefined): AccountVendingSettings {
  if (!json) throw new Error(`${ACCOUNT_VENDING_ENV.settings} is not set`);
  const settings = JSON.parse(json) as AccountVendingSettings;
  if (settings.schemaVersion !== ACCOUNT_VENDING_SCHEMA_VERSION) {
    throw new Error(`settings schemaVersion ${settings.schemaVersion} is not ${ACCOUNT_VENDING_SCHEMA_VERSION}`);
  }
  if (!Array.isArray(settings.stackSets) || settings.stackSets.length === 0) throw new Error('settings name no stack set');
  for (const s of settings.stackSets) {
    if (!STACK_SET_NAME.test(s.stackSetName)) throw new Error(`stack set name '${s.stackSetName}' must match ${STACK_SET_NAME.source}`);
    if (!Array.isArray(s.regions) || s.regions.length === 0) throw new Error(`stack set ${s.stackSetName} names no Region`);
    if (s.callAs !== 'SELF' && s.callAs !== 'DELEGATED_ADMIN') throw new Error(`stack set ${s.stackSetName}: callAs '${s.callAs}' is not SELF or DELEGATED_ADMIN`);
    if (typeof s.region !== 'string' || !REGION_PATTERN.test(s.region)) throw new Error(`stack set ${s.stackSetName}: region '${s.region}' is not a Region name`);
    if (s.organizationalUnits !== undefined) {
      if (!Array.isArray(s.organizationalUnits) || s.organizationalUnits.length === 0) {
        throw new Error(`stack set ${s.stackSetName}: organizationalUnits must name at least one OU or root when given`);
      }
      for (const ou of s.organizationalUnits) {
        if (!ORGANIZATIONAL_UNIT_ID.test(ou)) throw new Error(`stack set ${s.stackSetName}: '${ou}' is not an OU or root ID`);
      }
    }
  }
  for (const account of Object.keys(settings.parameters ?? {})) {
    if (!ACCOUNT_ID_PATTERN.test(account)) throw new Error(`parameters: '${account}' is not a 12-digit account ID`);
  }
  return { ...settings, parameters: settings.parameters ?? {}, parametersFromAccountTags: settings.parametersFromAccountTags ?? {} };
}
