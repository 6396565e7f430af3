/**
 * The invocation logging custom resource's properties (what `ModelInvocationLogging` synthesizes),
 * parsed and validated before any call. The property names, the schema version and the limits
 * come from the one contract both sides use.
 */
import {
  INVOCATION_LOGGING_SCHEMA_VERSION, InvocationLoggingProperties, KEY_PREFIX_MAX_LENGTH, LOG_GROUP_NAME_MAX_LENGTH,
} from '../../src/contracts/invocation-logging';
import { boolProp } from '../shared/cfn-event';
import { InvalidPropertiesError, schemaVersionProblem } from '../shared/properties';

/** The newest property schema this handler understands. */
export const HANDLER_SCHEMA_VERSION = INVOCATION_LOGGING_SCHEMA_VERSION;

/** RoleArn of the Bedrock API model. */
const ROLE_ARN = /^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role\/.+$/;

export interface LoggingSpec {
  readonly logGroupName: string;
  readonly roleArn: string;
  readonly bucketName?: string;
  readonly keyPrefix?: string;
  readonly text: boolean;
  readonly image: boolean;
  readonly embedding: boolean;
  readonly video: boolean;
  readonly audio: boolean;
  readonly adoptExisting: boolean;
}

/** The properties as CloudFormation delivers them: the contract's names, scalars as strings. */
type Delivered = { readonly [K in keyof InvocationLoggingProperties]?: unknown };

/** Parses and validates the properties; throws InvalidPropertiesError listing every problem. */
export function parseLoggingProperties(raw: Record<string, unknown>): LoggingSpec {
  const props = raw as Delivered;
  const problems: string[] = [];
  const versionProblem = schemaVersionProblem(props.SchemaVersion, HANDLER_SCHEMA_VERSION);
  if (versionProblem) problems.push(versionProblem);
  const logGroupName = props.LogGroupName;
  if (typeof logGroupName !== 'string' || logGroupName.length < 1 || logGroupName.length > LOG_GROUP_NAME_MAX_LENGTH) {
    problems.push(`LogGroupName must be a log group name of 1–${LOG_GROUP_NAME_MAX_LENGTH} characters`);
  }
  const roleArn = props.RoleArn;
  if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn)) problems.push(`RoleArn '${String(roleArn)}' must be an IAM role ARN`);
  const bucketName = props.BucketName;
  if (bucketName !== undefined && (typeof bucketName !== 'string' || bucketName.length < 3 || bucketName.length > 63)) {
    problems.push(`BucketName '${String(bucketName)}' must be a bucket name of 3–63 characters`);
  }
  const keyPrefix = props.KeyPrefix;
  if (keyPrefix !== undefined && (typeof keyPrefix !== 'string' || keyPrefix.length > KEY_PREFIX_MAX_LENGTH)) {
    problems.push(`KeyPrefix must be at most ${KEY_PREFIX_MAX_LENGTH} characters`);
  }
  if (keyPrefix !== undefined && bucketName === undefined) problems.push('KeyPrefix needs a BucketName');
  if (problems.length > 0) throw new InvalidPropertiesError('the model invocation logging resource', problems);
  return {
    logGroupName: logGroupName as string,
    roleArn: roleArn as string,
    bucketName: bucketName as string | undefined,
    keyPrefix: (keyPrefix as string | undefined) || undefined,
    text: boolProp(props.TextDataDelivery),
    image: boolProp(props.ImageDataDelivery),
    embedding: boolProp(props.EmbeddingDataDelivery),
    video: boolProp(props.VideoDataDelivery),
    audio: boolProp(props.AudioDataDelivery),
    adoptExisting: boolProp(props.AdoptExisting),
  };
}
