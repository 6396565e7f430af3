/**
 * Invocation log records shaped like AWS's documented example (schemaType ModelInvocationLog,
 * schemaVersion 1.0, https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html)
 * with metadata only (no inputBodyJson / outputBodyJson: text delivery off), and the CloudWatch
 * Logs subscription payload that carries them (gzip of JSON, base64).
 */
import { gzipSync } from 'zlib';
import { MeterSettings } from '../../../src/contracts/spend-meter';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
export const NOVA = 'amazon.nova-pro-v1:0';
export const ROLE_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/ClaimsApp/alice@example.com`;
export const CLAIMS_PROFILE_ID = 'abcd1234efgh';
export const CLAIMS_PROFILE_ARN = `arn:aws:bedrock:${REGION}:${ACCOUNT}:application-inference-profile/${CLAIMS_PROFILE_ID}`;

/** The built-in prices (USD per 1,000 tokens), as the construct hands them over. */
export const SETTINGS: MeterSettings = {
  version: 1,
  meterName: 'test-meter',
  tableName: 'meter-ledger',
  tagKey: 'dept',
  prices: [
    { modelId: SONNET, inputPer1kTokens: 0.0033, outputPer1kTokens: 0.0165, cacheReadPer1kTokens: 0.00033, cacheWritePer1kTokens: 0.004125 },
    { modelId: SONNET, geo: 'global', inputPer1kTokens: 0.003, outputPer1kTokens: 0.015, cacheReadPer1kTokens: 0.0003, cacheWritePer1kTokens: 0.00375 },
    { modelId: NOVA, inputPer1kTokens: 0.0008, outputPer1kTokens: 0.0032, cacheReadPer1kTokens: 0.0002, cacheWritePer1kTokens: 0 },
  ],
  metricNamespace: 'Test/SpendMeter',
  principalMetricThresholdUsd: 0.01,
  requestTtlSeconds: 86_400,
};

export interface RecordOptions {
  readonly requestId: string;
  readonly modelId?: string;
  readonly operation?: 'Converse' | 'ConverseStream' | 'InvokeModel' | 'InvokeModelWithResponseStream';
  readonly timestamp?: string;
  readonly arn?: string;
  readonly input?: number;
  readonly output?: number;
  readonly cacheRead?: number;
  readonly cacheWrite?: number;
  readonly inferenceRegion?: string;
  readonly errorCode?: string;
}

/** A record as Bedrock logs it (metadata only). */
export function invocationRecord(o: RecordOptions): Record<string, unknown> {
  const input: Record<string, unknown> = { inputContentType: 'application/json' };
  if (o.input !== undefined) input.inputTokenCount = o.input;
  if (o.cacheRead !== undefined) input.cacheReadInputTokenCount = o.cacheRead;
  if (o.cacheWrite !== undefined) input.cacheWriteInputTokenCount = o.cacheWrite;
  const output: Record<string, unknown> = { outputContentType: 'application/json' };
  if (o.output !== undefined) output.outputTokenCount = o.output;
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: o.timestamp ?? '2026-11-30T12:00:05Z',
    accountId: ACCOUNT,
    identity: { arn: o.arn ?? ROLE_SESSION },
    region: REGION,
    requestId: o.requestId,
    operation: o.operation ?? 'Converse',
    modelId: o.modelId ?? CLAIMS_PROFILE_ARN,
    input,
    output,
    ...(o.inferenceRegion ? { inferenceRegion: o.inferenceRegion } : {}),
    ...(o.errorCode ? { errorCode: o.errorCode } : {}),
  };
}

/** The event CloudWatch Logs sends a subscription's Lambda function. */
export function subscriptionEvent(messages: Array<Record<string, unknown> | string>): { awslogs: { data: string } } {
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: ACCOUNT,
    logGroup: '/aws/bedrock/modelinvocations',
    logStream: 'aws/bedrock/modelinvocations',
    subscriptionFilters: ['spend-meter'],
    logEvents: messages.map((m, i) => ({ id: `3720000000000000000000000000000000000000000000000000000${i}`, timestamp: 1_764_504_005_000 + i, message: typeof m === 'string' ? m : JSON.stringify(m) })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}
