/**
 * The contract between `ModelInvocationLogging` (src/metering) and the invocation-logging handler
 * (lambda/invocation-logging): the one source both import. Dependency-free.
 */

/** The CloudFormation type of the custom resource. */
export const INVOCATION_LOGGING_RESOURCE_TYPE = 'Custom::BedrockModelInvocationLogging';

/**
 * The version of the property schema. The handler accepts every version up to its own, so later
 * capabilities add properties without replacing the configurations deployed with an earlier version.
 */
export const INVOCATION_LOGGING_SCHEMA_VERSION = 1;

/**
 * The properties of the custom resource, as the construct writes them. CloudFormation delivers
 * every scalar to the handler as a string (`true` → `'true'`).
 */
export interface InvocationLoggingProperties {
  /** {@link INVOCATION_LOGGING_SCHEMA_VERSION}, as a string */
  readonly SchemaVersion: string;
  /** the CloudWatch Logs log group Bedrock writes to (LogGroupName: 1–512 characters) */
  readonly LogGroupName: string;
  /** the role Bedrock assumes to write to the log group (RoleArn: `arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+`) */
  readonly RoleArn: string;
  /** the S3 bucket Bedrock also delivers to (s3Config) and puts large data in (largeDataDeliveryS3Config); absent: none */
  readonly BucketName?: string;
  /** the key prefix in the bucket (KeyPrefix: 0–1024 characters); absent: none */
  readonly KeyPrefix?: string;
  readonly TextDataDelivery: boolean;
  readonly ImageDataDelivery: boolean;
  readonly EmbeddingDataDelivery: boolean;
  readonly VideoDataDelivery: boolean;
  readonly AudioDataDelivery: boolean;
  /** replace a configuration the resource did not create (and restore it on delete) */
  readonly AdoptExisting: boolean;
}

/** The attributes the handler returns (`Fn::GetAtt` names). */
export const INVOCATION_LOGGING_ATTRIBUTES = {
  /** 'true' when the resource replaced a configuration that existed before it (and restores it on delete) */
  adopted: 'Adopted',
} as const;

/** The data of a handler response: every attribute, as strings. */
export type InvocationLoggingAttributes = {
  readonly [K in (typeof INVOCATION_LOGGING_ATTRIBUTES)[keyof typeof INVOCATION_LOGGING_ATTRIBUTES]]: string
};

/**
 * The SSM parameter where the handler records which resource owns the account's and Region's
 * configuration and the configuration it replaced (restored on delete). One per account and
 * Region, like the configuration itself, so a resource of another stack sees the owner.
 *
 * Why a parameter and not the physical resource ID: the previous configuration may be larger than
 * CloudFormation's 4 KB response (a log group name of 512 characters, a role ARN of 2,048, two S3
 * configurations with key prefixes of 1,024 each, Bedrock API model), and the owner must be
 * readable by the handler of another stack. The parameter is written with the
 * `Intelligent-Tiering` tier: standard (4 KB, free) unless the record needs the advanced tier (8 KB).
 */
export const STATE_PARAMETER_NAME = '/cdk-bedrock-cost-governance/invocation-logging/state';

/** The physical resource ID of every invocation logging resource: the configuration is one per account and Region. */
export const INVOCATION_LOGGING_PHYSICAL_ID = 'bedrock-model-invocation-logging';

/** The longest key prefix Bedrock takes (KeyPrefix, 0–1024 characters). */
export const KEY_PREFIX_MAX_LENGTH = 1024;

/** The longest log group name Bedrock takes (LogGroupName, 1–512 characters). */
export const LOG_GROUP_NAME_MAX_LENGTH = 512;
