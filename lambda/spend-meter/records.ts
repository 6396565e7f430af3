import { gunzipSync } from 'zlib';
import { INVOCATION_LOG_SCHEMA_TYPE, InvocationLogRecord } from '../../src/contracts/spend-meter';

/**
 * Decoding of what CloudWatch Logs delivers to a subscription's Lambda function: `{ awslogs: {
 * data } }`, where data is base64 of gzip of a JSON document with `messageType`
 * (`DATA_MESSAGE`, or `CONTROL_MESSAGE` when CloudWatch Logs checks that the destination is
 * reachable) and `logEvents[]` (`id`, `timestamp`, `message`)
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample).
 * Each message is one model invocation log record (see InvocationLogRecord for the fields and
 * their source). A bad record is skipped and counted; it never fails the batch.
 */

/** The event a subscription filter's Lambda destination receives. */
export interface SubscriptionEvent {
  readonly awslogs?: { readonly data?: string };
}

/** The decoded payload. */
export interface SubscriptionPayload {
  readonly messageType?: string;
  readonly logGroup?: string;
  readonly logStream?: string;
  readonly logEvents?: ReadonlyArray<{ readonly id?: string; readonly timestamp?: number; readonly message?: string }>;
}

/** A record the meter can price: the fields it reads, checked and normalized. */
export interface MeterRecord {
  readonly requestId: string;
  readonly accountId: string;
  readonly region: string;
  /** epoch ms of the invocation */
  readonly time: number;
  readonly operation: string;
  readonly modelId: string;
  /** identity.arn, or undefined when the record has none */
  readonly identityArn?: string;
  readonly inferenceRegion?: string;
  readonly errorCode?: string;
  /** the tier named by the record, else undefined (priced at Standard) */
  readonly serviceTier?: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

/** Why a message was skipped. */
export type MalformedReason = 'not-json' | 'not-an-invocation-log' | 'missing-field' | 'bad-token-count' | 'bad-timestamp';

export interface ParsedBatch {
  readonly records: MeterRecord[];
  readonly malformed: Array<{ readonly reason: MalformedReason; readonly eventId?: string; readonly detail: string }>;
  readonly messageType?: string;
  readonly logGroup?: string;
}

/** Decodes the subscription event; throws only when the envelope itself cannot be read (nothing in it can be metered). */
export function decodeSubscriptionEvent(event: SubscriptionEvent): SubscriptionPayload {
  const data = event?.awslogs?.data;
  if (typeof data !== 'string' || data.length === 0) throw new Error('not a CloudWatch Logs subscription event: awslogs.data is missing');
  const json = gunzipSync(Buffer.from(data, 'base64')).toString('utf8');
  return JSON.parse(json) as SubscriptionPayload;
}

/** The records of a decoded payload; a CONTROL_MESSAGE has none. */
export function parseBatch(payload: SubscriptionPayload): ParsedBatch {
  const records: MeterRecord[] = [];
  const malformed: ParsedBatch['malformed'][number][] = [];
  if (payload.messageType === 'CONTROL_MESSAGE') return { records, malformed, messageType: payload.messageType, logGroup: payload.logGroup };
  for (const event of payload.logEvents ?? []) {
    const parsed = parseRecord(event.message);
    if ('reason' in parsed) malformed.push({ ...parsed, eventId: event.id });
    else records.push(parsed);
  }
  return { records, malformed, messageType: payload.messageType, logGroup: payload.logGroup };
}

/** One log message as a MeterRecord, or why it is not one. */
export function parseRecord(message: string | undefined): MeterRecord | { reason: MalformedReason; detail: string } {
  let raw: Partial<InvocationLogRecord>;
  try {
    raw = JSON.parse(message ?? '') as Partial<InvocationLogRecord>;
  } catch {
    return { reason: 'not-json', detail: `${String(message).slice(0, 80)}` };
  }
  if (!raw || typeof raw !== 'object' || raw.schemaType !== INVOCATION_LOG_SCHEMA_TYPE) {
    return { reason: 'not-an-invocation-log', detail: `schemaType ${JSON.stringify((raw as { schemaType?: unknown })?.schemaType)}` };
  }
  for (const field of ['requestId', 'accountId', 'region', 'modelId', 'timestamp'] as const) {
    if (typeof raw[field] !== 'string' || raw[field]!.length === 0) return { reason: 'missing-field', detail: field };
  }
  const time = Date.parse(raw.timestamp!);
  if (!Number.isFinite(time)) return { reason: 'bad-timestamp', detail: raw.timestamp! };
  const counts = {
    inputTokens: raw.input?.inputTokenCount,
    outputTokens: raw.output?.outputTokenCount,
    cacheReadTokens: raw.input?.cacheReadInputTokenCount,
    cacheWriteTokens: raw.input?.cacheWriteInputTokenCount,
  };
  const checked: Record<keyof typeof counts, number> = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  for (const [name, value] of Object.entries(counts) as Array<[keyof typeof counts, unknown]>) {
    // absent is 0: a failed call, a model without prompt caching, or an output the caller never received
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return { reason: 'bad-token-count', detail: `${name} ${JSON.stringify(value)}` };
    checked[name] = value;
  }
  const arn = raw.identity?.arn;
  return {
    requestId: raw.requestId!,
    accountId: raw.accountId!,
    region: raw.region!,
    time,
    operation: typeof raw.operation === 'string' ? raw.operation : 'unknown',
    modelId: raw.modelId!,
    identityArn: typeof arn === 'string' && arn.length > 0 ? arn : undefined,
    inferenceRegion: typeof raw.inferenceRegion === 'string' ? raw.inferenceRegion : undefined,
    errorCode: typeof raw.errorCode === 'string' && raw.errorCode.length > 0 ? raw.errorCode : undefined,
    serviceTier: tierOf(raw.serviceTier),
    ...checked,
  };
}

function tierOf(value: unknown): string | undefined {
  const name = typeof value === 'string' ? value : (value as { type?: unknown } | undefined)?.type;
  return typeof name === 'string' && /^[a-z][a-z0-9_-]{0,31}$/.test(name) ? name : undefined;
}
