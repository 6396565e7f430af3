/**
 * The contract between the SpendMeter construct (src/metering) and the spend-meter handler
 * (lambda/spend-meter): the function's settings, the invocation log record it reads, the
 * DynamoDB items it writes (the meter's ledger) and the metrics it publishes.
 * Dependency-free (bundled into the handler by esbuild).
 *
 * ## How prices reach the function (decision)
 * The construct resolves its `ModelPricing` table (built-in prices, overrides, fallback) into
 * {@link MeterPrice} entries and puts them in the settings JSON ({@link METER_ENV}.settings): the
 * function bundles no price table of its own, so the meter prices with exactly the table the
 * dashboards and alarms use, and a price change is a deployment like any other. The settings
 * must keep the function's environment within Lambda's 4 KB (the construct checks it with
 * `checkLambdaEnvironment`): an entry is about 150 bytes, so some 20 prices fit beside the
 * other settings; the construct sends only the prices of the models its profiles copy when the
 * whole table does not fit, and fails at synth, naming the prop, when even those do not.
 * Prices in the DynamoDB table (editable without a deployment) are left for a later version.
 *
 * ## Amounts
 * Costs are stored as integer nano-dollars (USD × 10^9, attribute suffix `NanoUsd`): each record's
 * cost is rounded once, to the nearest nano-dollar, and totals are exact integer sums under
 * DynamoDB's `ADD` (a DynamoDB number holds 38 significant digits; a float sum of many small
 * costs would drift). A record priced at Claude Sonnet 4.5's cache read price costs 0.33 µ$ a
 * token: micro-dollars would round away most of a one-token record, nano-dollars lose at most
 * 0.5 n$ a record ($0.50 in a billion records). Handlers read totals as strings into BigInt.
 */
import type { TokenPrice } from './usage-cost';

/** Version of {@link MeterSettings}. */
export const METER_SCHEMA_VERSION = 1;

/** The environment variables of the function. */
export const METER_ENV = {
  /** JSON of a {@link MeterSettings} */
  settings: 'METER_SETTINGS',
} as const;

/** A price the meter uses: a `TokenPrice` keyed like the construct's `ModelPrice` (see price-lookup.ts). */
export interface MeterPrice extends TokenPrice {
  /** the foundation model ID, without a geography prefix */
  readonly modelId: string;
  /** the geography prefix of a cross-Region profile (`us`, `global` …), when the price is specific to it */
  readonly geo?: string;
  /** the service tier name (`default`, `priority`, `flex`); absent for Standard */
  readonly tier?: string;
}

/** The function's settings (METER_ENV.settings). */
export interface MeterSettings {
  readonly version: number;
  /** a name for the meter: the `Meter` dimension of its metrics */
  readonly meterName: string;
  /** the ledger table (key schema: {@link LEDGER_KEY_SCHEMA}) */
  readonly tableName: string;
  /** the cost allocation tag key whose values are the cost centers (e.g. `dept`) */
  readonly tagKey: string;
  /** the prices (see "How prices reach the function") */
  readonly prices: readonly MeterPrice[];
  /** the Standard price of models without a price; without it such records are counted as unpriced, at cost 0 */
  readonly fallbackPrice?: TokenPrice;
  /** the CloudWatch namespace of the meter's metrics (embedded metric format) */
  readonly metricNamespace: string;
  /** a principal's own cost metric is published only once its month's total reaches this (USD) */
  readonly principalMetricThresholdUsd: number;
  /** how long a request ID is remembered, in seconds (the marker's TTL) */
  readonly requestTtlSeconds: number;
  /** seconds the profile index is fresh before a rescan (default {@link METER_DEFAULTS}.profileIndexTtlSeconds) */
  readonly profileIndexTtlSeconds?: number;
  /** per capped cost center: the deny policy the construct made and the roles it is attached to on crossing the cap */
  readonly costCenterEnforcement?: { readonly [costCenter: string]: CostCenterEnforcement };
  /** the cost alert topic notified when a cap is crossed or lifted, and of reconciliation drift */
  readonly topicArn?: string;
  /** what the daily reconciliation compares with (absent: no reconciliation) */
  readonly reconciliation?: MeterReconciliation;
}

/** A capped cost center's enforcement (MeterSettings.costCenterEnforcement). */
export interface CostCenterEnforcement {
  /** the ARN of the managed deny policy (BudgetEnforcement's statement) */
  readonly denyPolicyArn: string;
  /** the names of the roles (of the meter's account) the policy is attached to */
  readonly roleNames: readonly string[];
}

/** How the meter reconciles its estimate with billed cost (the chargeback report's query). */
export interface MeterReconciliation {
  /** the Cost Explorer cost metric (e.g. NetUnblendedCost) */
  readonly metric: string;
  /** the billing scope as a Cost Explorer `Expression` (API casing), or absent for every charge */
  readonly filter?: object;
}

/**
 * The name prefix of the inline policy the function puts on a capped principal's role (a deny
 * scoped to the session by `aws:userid`). IAM has no condition key on an inline policy's name,
 * so the prefix cannot be enforced by the function's permissions: the function only deletes
 * policies with this prefix, and its PutRolePolicy/DeleteRolePolicy are limited to the roles of
 * the principal caps.
 */
export const PRINCIPAL_DENY_POLICY_PREFIX = 'BedrockSpendCapDeny-';

/** The events the function takes besides CloudWatch Logs subscription payloads. */
export type MeterAction = 'lift' | 'reconcile' | 'liftAll';

/** A scheduled or custom-resource invocation of the function. */
export interface MeterActionEvent {
  /** lift: lift the denies whose period rolled over or whose cap was raised (hourly); reconcile: compare with Cost Explorer (daily); liftAll: lift every deny (stack deletion) */
  readonly action: MeterAction;
}

/** Defaults the construct applies. */
export const METER_DEFAULTS = {
  metricNamespace: 'CdkBedrockCostGovernance/SpendMeter',
  principalMetricThresholdUsd: 10,
  /**
   * Seven days. CloudWatch Logs invokes a subscription's Lambda function asynchronously, and
   * Lambda retries an asynchronous event for at most 6 hours (MaximumEventAgeInSeconds ≤ 21,600,
   * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): a
   * redelivery after a week is not expected. DynamoDB deletes expired items within a few days
   * of expiry, not at once (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).
   */
  requestTtlSeconds: 7 * 86_400,
  profileIndexTtlSeconds: 300,
} as const;

/**
 * The ledger table: string partition key `pk`, string sort key `sk`, TTL attribute
 * {@link LEDGER_ATTRIBUTES}.expiresAt, on-demand. Items:
 *
 * | item | pk | sk | attributes |
 * | --- | --- | --- | --- |
 * | running total of a cost center | `CC#<cost center>` | `<period>#<account>#<Region>` | costNanoUsd, invocations, token counts |
 * | running total of a principal | `PRINCIPAL#<principal>` | `<period>#<account>#<Region>` | the same, plus bypassNanoUsd |
 * | a counted request | `REQUEST#<account>#<Region>#<requestId>` | `REQUEST` | expiresAt, costNanoUsd, costCenter |
 * | a cap (read by the enforcement, later) | `CAP#CC#<cost center>` or `CAP#PRINCIPAL#<principal>` | `CAP` | monthlyUsd, dailyUsd |
 *
 * A period is `M#YYYY-MM` (month) or `D#YYYY-MM-DD` (day), UTC, of the invocation's own timestamp
 * (not of its delivery). Totals are per account and Region: the meter reads one Region's log
 * group; a cost center's total over Regions is a Query on its `pk` with `begins_with(sk, 'M#2026-11#')`.
 * Spend through a foundation model or a system-defined profile (bypass) is totalled under the
 * cost center {@link BYPASS_COST_CENTER}.
 */
export const LEDGER_KEY_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
} as const;

/** Attribute names of the ledger's items. */
export const LEDGER_ATTRIBUTES = {
  costNanoUsd: 'costNanoUsd',
  /** a principal's spend that bypassed the application inference profiles */
  bypassNanoUsd: 'bypassNanoUsd',
  invocations: 'invocations',
  inputTokens: 'inputTokens',
  outputTokens: 'outputTokens',
  cacheReadTokens: 'cacheReadTokens',
  cacheWriteTokens: 'cacheWriteTokens',
  /** the role ARN of an assumed-role principal */
  role: 'role',
  /** ISO 8601 time of the last update */
  updatedAt: 'updatedAt',
  /** epoch seconds: DynamoDB's TTL deletes the item after it */
  expiresAt: 'expiresAt',
  costCenter: 'costCenter',
  /** a cap in USD (numbers an operator edits) */
  monthlyUsd: 'monthlyUsd',
  dailyUsd: 'dailyUsd',
} as const;

/** The cost center of spend that bypassed the application inference profiles (a tag value cannot hold parentheses). */
export const BYPASS_COST_CENTER = '(bypass)';

/** The kinds of period a total is kept for. */
export type LedgerPeriodKind = 'month' | 'day';

/** A period's sort key prefix: `M#2026-11` or `D#2026-11-30` (UTC). */
export function ledgerPeriod(kind: LedgerPeriodKind, epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return kind === 'month' ? `M#${iso.slice(0, 7)}` : `D#${iso.slice(0, 10)}`;
}

/** The key of a cost center's running total. */
export function costCenterTotalKey(costCenter: string, period: string, accountId: string, region: string): LedgerKey {
  return { pk: `CC#${costCenter}`, sk: `${period}#${accountId}#${region}` };
}

/** The key of a principal's running total. */
export function principalTotalKey(principal: string, period: string, accountId: string, region: string): LedgerKey {
  return { pk: `PRINCIPAL#${principal}`, sk: `${period}#${accountId}#${region}` };
}

/** The key of a counted request's marker. */
export function requestKey(accountId: string, region: string, requestId: string): LedgerKey {
  return { pk: `REQUEST#${accountId}#${region}#${requestId}`, sk: 'REQUEST' };
}

/** The key of a cap (defined here; the enforcement reads it in a later version). */
export function capKey(scope: 'CC' | 'PRINCIPAL', name: string): LedgerKey {
  return { pk: `CAP#${scope}#${name}`, sk: 'CAP' };
}

/** A ledger item's key. */
export interface LedgerKey {
  readonly pk: string;
  readonly sk: string;
}

/** A cost center's or principal's cap, as an operator writes it in the table (USD). */
export interface SpendCapItem {
  readonly monthlyUsd?: number;
  readonly dailyUsd?: number;
}

/**
 * The fields of a Bedrock model invocation log record the meter reads (schemaType
 * `ModelInvocationLog`, schemaVersion `1.0`), one JSON document per CloudWatch Logs event.
 * Source: "Monitor model invocation using CloudWatch Logs and Amazon S3",
 * https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html (whose
 * example record carries schemaType, schemaVersion, timestamp, accountId, identity.arn, region,
 * requestId, operation, modelId, input.inputTokenCount, output.outputTokenCount), with the
 * optional fields errorCode, inferenceRegion, input.cacheReadInputTokenCount,
 * input.cacheWriteInputTokenCount and performanceConfig.latency as listed by a log schema
 * written against that page (Panther's AWS.BedrockModelInvocation,
 * https://docs.panther.com/data-onboarding/supported-logs/aws/bedrock-model-invocation).
 * Neither names a service tier field: see `serviceTier` below.
 */
export interface InvocationLogRecord {
  readonly schemaType: string;
  readonly schemaVersion: string;
  /** ISO 8601 (RFC 3339) time of the invocation */
  readonly timestamp: string;
  readonly accountId: string;
  /** the Region the request was sent to (the profile's Region) */
  readonly region: string;
  readonly requestId: string;
  /** Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream */
  readonly operation?: string;
  /** what the caller named: a foundation model ID or ARN, a system-defined profile ID or ARN, or an application inference profile ARN */
  readonly modelId: string;
  readonly identity?: { readonly arn?: string };
  /** the Region that served a cross-Region request */
  readonly inferenceRegion?: string;
  /** set on failed calls (e.g. ThrottlingException) */
  readonly errorCode?: string;
  readonly input?: {
    readonly inputTokenCount?: number;
    readonly cacheReadInputTokenCount?: number;
    readonly cacheWriteInputTokenCount?: number;
  };
  readonly output?: { readonly outputTokenCount?: number };
  /**
   * Not documented for invocation logs (checked 2026-12): read when present, as a string or
   * `{ type }` (the Converse API's ServiceTier shape), so that tiered requests are priced at
   * their tier once AWS logs it. Without it a record is priced at the Standard tier.
   */
  readonly serviceTier?: string | { readonly type?: string };
}

/** The schema type of invocation log records. */
export const INVOCATION_LOG_SCHEMA_TYPE = 'ModelInvocationLog';

/** Metric names of the meter (embedded metric format, namespace from the settings). */
export const METER_METRICS = {
  /** USD per cost center (dimensions Meter, CostCenter), bypass as CostCenter `(bypass)`; Sum per minute */
  costCenterCost: 'MeteredCost',
  /** USD that bypassed the profiles, per principal's role or user (dimensions Meter, Principal) */
  bypassCost: 'BypassCost',
  /** USD per principal whose month's total reached the threshold (dimensions Meter, Principal) */
  principalCost: 'PrincipalCost',
  /** records per batch (dimension Meter) */
  records: 'MeterRecords',
  malformed: 'MalformedRecords',
  duplicates: 'DuplicateRecords',
  unpriced: 'UnpricedRecords',
  /**
   * metered minus billed USD of the previous day (UTC), by the daily reconciliation: per cost
   * center (dimensions Meter, CostCenter) and for all together (dimension Meter only, which the
   * construct's alarm watches)
   */
  reconciliationDrift: 'ReconciliationDrift',
} as const;
