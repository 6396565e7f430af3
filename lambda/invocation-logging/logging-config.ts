import {
  BedrockClient, DeleteModelInvocationLoggingConfigurationCommand, GetModelInvocationLoggingConfigurationCommand, LoggingConfig,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import { LoggingSpec } from './properties';
import { errorMessage, errorName, Logger } from '../shared/log';
import { RetryOptions, withLoggedRetry } from '../shared/retry';

export interface BedrockContext {
  readonly bedrock: BedrockClient;
  readonly retry: RetryOptions;
  readonly log: Logger;
  /** the Region the handler runs in, for messages */
  readonly region: string;
}

/**
 * The configuration a spec asks for. Every data delivery flag is sent, false included, so that the
 * configuration says exactly what is delivered whatever the service assumes for a missing flag.
 * The bucket, when there is one, is both a destination (s3Config) and where the CloudWatch Logs
 * delivery puts data too large for a log event (largeDataDeliveryS3Config; "S3 configuration for
 * delivering a large amount of data", Bedrock API model).
 */
export function desiredConfig(spec: LoggingSpec): LoggingConfig {
  const s3 = spec.bucketName === undefined ? undefined : { bucketName: spec.bucketName, ...(spec.keyPrefix ? { keyPrefix: spec.keyPrefix } : {}) };
  return {
    cloudWatchConfig: { logGroupName: spec.logGroupName, roleArn: spec.roleArn, ...(s3 ? { largeDataDeliveryS3Config: s3 } : {}) },
    ...(s3 ? { s3Config: s3 } : {}),
    textDataDeliveryEnabled: spec.text,
    imageDataDeliveryEnabled: spec.image,
    embeddingDataDeliveryEnabled: spec.embedding,
    videoDataDeliveryEnabled: spec.video,
    audioDataDeliveryEnabled: spec.audio,
  };
}

/** A configuration without empty members, flags absent read as false, keys sorted: comparable as JSON. */
export function normalizeConfig(config: LoggingConfig): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => [k, strip(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return Object.fromEntries(entries);
  };
  const flags = ['textDataDeliveryEnabled', 'imageDataDeliveryEnabled', 'embeddingDataDeliveryEnabled', 'videoDataDeliveryEnabled', 'audioDataDeliveryEnabled'];
  const out = strip(config) as Record<string, unknown>;
  for (const flag of flags) if (out[flag] === false) delete out[flag];
  return out;
}

export function sameConfig(a: LoggingConfig | undefined, b: LoggingConfig | undefined): boolean {
  if (!a || !b) return a === b;
  return JSON.stringify(normalizeConfig(a)) === JSON.stringify(normalizeConfig(b));
}

/** A one-line description of a configuration for messages: its destinations and what data it delivers. */
export function describeConfig(config: LoggingConfig): string {
  const parts: string[] = [];
  if (config.cloudWatchConfig) parts.push(`CloudWatch Logs log group ${config.cloudWatchConfig.logGroupName} (role ${config.cloudWatchConfig.roleArn})`);
  if (config.s3Config) parts.push(`S3 bucket ${config.s3Config.bucketName}${config.s3Config.keyPrefix ? `/${config.s3Config.keyPrefix}` : ''}`);
  const data = (['text', 'image', 'embedding', 'video', 'audio'] as const)
    .filter((kind) => config[`${kind}DataDeliveryEnabled`]);
  return `${parts.join(' and ') || 'no destination'}, delivering ${data.length > 0 ? `${data.join(', ')} data` : 'metadata only'}`;
}

/** A Bedrock call refused or failed, with what it means and what to do. */
export class BedrockLoggingError extends Error {
  constructor(message: string, public readonly code: string) {
    super(message);
    this.name = 'BedrockLoggingError';
  }
}

/** Makes an SDK error readable: which call, what Bedrock said, and the likely fix. */
export function explain(error: unknown, operation: string, ctx: BedrockContext): unknown {
  const name = errorName(error);
  const message = errorMessage(error);
  if (name === 'ValidationException') {
    // Bedrock checks the destinations when the configuration is put: "Failed to validate permissions for
    // log group: <name>, with role: <arn>. Verify the IAM role permissions are correct." (reported answer)
    return new BedrockLoggingError(`${operation} was refused: ${message} — Bedrock checks that the role can write to the log group `
      + '(and that the bucket policy lets it write to the bucket) when the configuration is put.', name);
  }
  if (name === 'AccessDeniedException') {
    return new BedrockLoggingError(`${operation} was denied: ${message} — the handler's role needs bedrock:${operation} `
      + 'and iam:PassRole on the logging role (the stack grants both; check service control policies and permissions boundaries).', name);
  }
  if (/ENOTFOUND|UnknownEndpoint|getaddrinfo/i.test(`${name} ${message} ${(error as { code?: string }).code ?? ''}`)) {
    return new BedrockLoggingError(`${operation} could not reach Amazon Bedrock in ${ctx.region} (${message}): `
      + 'Bedrock may not be available in this Region (https://docs.aws.amazon.com/general/latest/gr/bedrock.html).', 'BedrockUnavailable');
  }
  return error;
}

function call<T>(ctx: BedrockContext, operation: string, fn: () => Promise<T>): Promise<T> {
  return withLoggedRetry(fn, operation, ctx.retry, ctx.log).catch((error) => {
    throw explain(error, operation, ctx);
  });
}

/** The account's configuration in the Region, or undefined when logging is off (Get answers without a loggingConfig). */
export async function getConfig(ctx: BedrockContext): Promise<LoggingConfig | undefined> {
  const out = await call(ctx, 'GetModelInvocationLoggingConfiguration',
    () => ctx.bedrock.send(new GetModelInvocationLoggingConfigurationCommand({})));
  const config = out.loggingConfig;
  return config && Object.keys(normalizeConfig(config)).length > 0 ? config : undefined;
}

/** Replaces the configuration: one call, so it is either applied whole or not at all. */
export async function putConfig(ctx: BedrockContext, config: LoggingConfig): Promise<void> {
  await call(ctx, 'PutModelInvocationLoggingConfiguration',
    () => ctx.bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: config })));
}

export async function deleteConfig(ctx: BedrockContext): Promise<void> {
  await call(ctx, 'DeleteModelInvocationLoggingConfiguration',
    () => ctx.bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({})));
}
