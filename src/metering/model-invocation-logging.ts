import { ArnFormat, CustomResource, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import {
  INVOCATION_LOGGING_ATTRIBUTES, INVOCATION_LOGGING_RESOURCE_TYPE, INVOCATION_LOGGING_SCHEMA_VERSION, InvocationLoggingProperties,
  KEY_PREFIX_MAX_LENGTH, STATE_PARAMETER_NAME,
} from '../contracts/invocation-logging';
import { recordGovernanceFact } from '../util/governance-metadata';
import { HandlerProvider } from '../util/handler-provider';
import { allowCloudWatchLogs, createKey } from '../util/keys';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { ProviderOptions } from '../util/provider-options';
import { createSecureBucket } from '../util/secure-bucket';
import { StackSingleton } from '../util/stack-singleton';
import { isToken, propError } from '../util/validation';

/** Properties of a {@link ModelInvocationLogging}. */
export interface ModelInvocationLoggingProps {
  /**
   * The CloudWatch Logs log group Bedrock writes the invocation records to. It must be in the
   * stack's account and Region ("Only destinations from the same account and Region are
   * supported", Bedrock user guide). A log group you pass keeps its own encryption and retention.
   * @default - a new log group, encrypted with `logEncryptionKey` and kept `logRetention`
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the created log group keeps the records. At least one year passes AWS Control Tower
   * control CT.CLOUDWATCH.PR.2. Ignored when `logGroup` is given.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the created log group. Its key policy must let CloudWatch Logs of
   * the account and Region use it. Ignored when `logGroup` is given.
   * @default - a new key with rotation enabled, usable by CloudWatch Logs of this account and Region only
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Also deliver the records to Amazon S3 (cheaper to keep for years than CloudWatch Logs). With
   * CloudWatch Logs, Bedrock also puts there the data too large for a log event.
   * @default false (true when `bucket` is given)
   */
  readonly s3Delivery?: boolean;

  /**
   * The bucket for S3 delivery, in the stack's account and Region. A bucket of this app gets the
   * bucket policy Bedrock needs (and, if it is SSE-KMS with a key of this app, the key policy); an
   * imported bucket must already have them (see docs/model-invocation-logging.md).
   * @default - with `s3Delivery`, a new SSE-KMS, versioned bucket that blocks public access and
   * requires TLS; otherwise no S3 delivery
   */
  readonly bucket?: s3.IBucket;

  /**
   * The key prefix of the records in the bucket (Bedrock writes below
   * `<prefix>/AWSLogs/<account>/BedrockModelInvocationLogs/`). Without a leading or trailing `/`.
   * @default 'bedrock-invocation-logs'
   */
  readonly keyPrefix?: string;

  /**
   * Deliver the text of every prompt and completion. That is personal and confidential data (what
   * people asked and what the model answered) in the log group and bucket: a deliberate choice.
   * Without it a record keeps its metadata — who called which model, when, the operation and, as
   * AWS's log schema places them beside the bodies, the token counts — but AWS does not say in so
   * many words that the counts stay when every data delivery flag is off (see
   * docs/model-invocation-logging.md).
   * @default false
   */
  readonly textDataDelivery?: boolean;

  /**
   * Deliver image data (inputs and outputs of image models).
   * @default false
   */
  readonly imageDataDelivery?: boolean;

  /**
   * Deliver embedding data (the vectors embedding models return).
   * @default false
   */
  readonly embeddingDataDelivery?: boolean;

  /**
   * Deliver video data.
   * @default false
   */
  readonly videoDataDelivery?: boolean;

  /**
   * Deliver audio data.
   * @default false
   */
  readonly audioDataDelivery?: boolean;

  /**
   * Replace a configuration that exists in the account and Region and that this construct did not
   * create. Without it the deployment fails, naming the configuration found. The replaced
   * configuration is recorded and restored when this construct's resource is deleted.
   * @default false
   */
  readonly adoptExisting?: boolean;

  /**
   * Network, logging and encryption of the provider's function.
   * @default - defaults of ProviderOptions
   */
  readonly providerOptions?: ProviderOptions;
}

const PROVIDER_ID = 'BedrockCostGovernanceInvocationLogging';
const DEFAULT_KEY_PREFIX = 'bedrock-invocation-logs';

/**
 * The log stream Bedrock writes to in the log group: the role may create it and put events in it,
 * nothing else (Bedrock user guide, "Set up a CloudWatch Logs destination": `logs:CreateLogStream`
 * and `logs:PutLogEvents` on `arn:aws:logs:<region>:<account>:log-group:<logGroupName>:log-stream:aws/bedrock/modelinvocations`).
 */
const BEDROCK_LOG_STREAM = 'aws/bedrock/modelinvocations';

/**
 * Turns on Amazon Bedrock model invocation logging for the account and Region: every
 * Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream call through
 * `bedrock-runtime` is recorded in a CloudWatch Logs log group (and optionally an S3 bucket) —
 * the source the spend meter prices.
 *
 * Bedrock has one logging configuration per account and Region and no CloudFormation resource for
 * it, so a custom resource puts it with PutModelInvocationLoggingConfiguration. It refuses to
 * replace a configuration it did not create unless `adoptExisting`, and on deletion restores the
 * configuration it replaced (or deletes its own). One per stack (a second is a synth error); a
 * second stack of the same account and Region fails at deployment, naming the first.
 *
 * By default only metadata is delivered (no prompt or completion text): see `textDataDelivery`.
 */
export class ModelInvocationLogging extends Construct {
  /** The log group Bedrock writes the records to (the spend meter subscribes to it). */
  public readonly logGroup: logs.ILogGroup;
  /** The bucket of S3 delivery, if any. */
  public readonly bucket?: s3.IBucket;
  /** The key prefix of the records in `bucket`, if any. */
  public readonly keyPrefix?: string;
  /** The role Bedrock assumes to write to the log group. */
  public readonly role: iam.IRole;
  /** Whether prompt and completion text is delivered. */
  public readonly textDataDelivery: boolean;
  /** Whether image data is delivered. */
  public readonly imageDataDelivery: boolean;
  /** Whether embedding data is delivered. */
  public readonly embeddingDataDelivery: boolean;
  /** Whether video data is delivered. */
  public readonly videoDataDelivery: boolean;
  /** Whether audio data is delivered. */
  public readonly audioDataDelivery: boolean;
  /** 'true' when the deployment replaced a configuration that existed before (restored on delete). */
  public readonly adopted: string;

  constructor(scope: Construct, id: string, props: ModelInvocationLoggingProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const first = stack.node.tryFindChild(PROVIDER_ID) as InvocationLoggingProvider | undefined;
    if (first) {
      throw propError(this, 'ModelInvocationLogging', 'is one per account and Region (Bedrock keeps one model invocation logging configuration), '
        + `and ${first.configuredBy} configures it in stack ${stack.node.path} already`);
    }
    this.validate(props);
    const s3Delivery = props.s3Delivery ?? props.bucket !== undefined;
    this.textDataDelivery = props.textDataDelivery ?? false;
    this.imageDataDelivery = props.imageDataDelivery ?? false;
    this.embeddingDataDelivery = props.embeddingDataDelivery ?? false;
    this.videoDataDelivery = props.videoDataDelivery ?? false;
    this.audioDataDelivery = props.audioDataDelivery ?? false;

    this.logGroup = props.logGroup ?? this.createLogGroup(props);

    // Trust: Bedrock of this account and Region only (confused deputy protection), as the Bedrock user
    // guide's CloudWatch Logs destination role: aws:SourceAccount = <account>, aws:SourceArn like arn:aws:bedrock:<region>:<account>:*
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com', { conditions: bedrockSourceConditions(stack) }),
      description: 'Lets Amazon Bedrock write model invocation logs',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteInvocationLogStream',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `${this.logGroup.logGroupName}:log-stream:${BEDROCK_LOG_STREAM}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));
    this.role = role;

    if (s3Delivery) {
      this.keyPrefix = props.keyPrefix ?? DEFAULT_KEY_PREFIX;
      this.bucket = props.bucket ?? createSecureBucket(this, 'Bucket', { description: 'Amazon Bedrock model invocation logs' }).bucket;
      this.allowS3Delivery(this.bucket, this.keyPrefix, role);
    }

    const provider = InvocationLoggingProvider.of(this, props.providerOptions);
    provider.allowPassRole(role, props.adoptExisting ?? false);
    const properties: InvocationLoggingProperties = {
      SchemaVersion: String(INVOCATION_LOGGING_SCHEMA_VERSION),
      LogGroupName: this.logGroup.logGroupName,
      RoleArn: role.roleArn,
      BucketName: this.bucket?.bucketName,
      KeyPrefix: this.keyPrefix,
      TextDataDelivery: this.textDataDelivery,
      ImageDataDelivery: this.imageDataDelivery,
      EmbeddingDataDelivery: this.embeddingDataDelivery,
      VideoDataDelivery: this.videoDataDelivery,
      AudioDataDelivery: this.audioDataDelivery,
      AdoptExisting: props.adoptExisting ?? false,
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.handler.serviceToken,
      resourceType: INVOCATION_LOGGING_RESOURCE_TYPE,
      properties: { ...properties },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Bedrock checks the role's permissions (and the bucket policy) when the configuration is put:
    // the policies must exist first, and outlive the configuration on deletion.
    resource.node.addDependency(role);
    recordGovernanceFact(resource, { kind: 'invocation-logging', logGroupPath: this.logGroup.node.path });
    if (this.bucket) resource.node.addDependency(this.bucket);
    this.adopted = resource.getAttString(INVOCATION_LOGGING_ATTRIBUTES.adopted);
  }

  private validate(props: ModelInvocationLoggingProps): void {
    if (props.s3Delivery === false && props.bucket) throw propError(this, 'bucket', 'is given but s3Delivery is false: remove one of them');
    if (props.keyPrefix !== undefined && !(props.s3Delivery || props.bucket)) throw propError(this, 'keyPrefix', 'needs S3 delivery (s3Delivery: true or a bucket)');
    const prefix = props.keyPrefix;
    if (prefix !== undefined && !isToken(prefix)) {
      if (prefix.length < 1 || prefix.length > KEY_PREFIX_MAX_LENGTH) {
        throw propError(this, 'keyPrefix', `must be 1–${KEY_PREFIX_MAX_LENGTH} characters long (got ${prefix.length}; Bedrock's KeyPrefix)`);
      }
      if (prefix.startsWith('/') || prefix.endsWith('/')) throw propError(this, 'keyPrefix', `'${prefix}' must not start or end with '/'`);
    }
    if (props.logGroup && (props.logRetention !== undefined || props.logEncryptionKey)) {
      throw propError(this, props.logRetention !== undefined ? 'logRetention' : 'logEncryptionKey', 'applies to the created log group only: remove it or logGroup');
    }
    this.requireSameEnvironment('logGroup', props.logGroup);
    this.requireSameEnvironment('bucket', props.bucket);
  }

  /** Bedrock delivers only to destinations of its own account and Region (Bedrock user guide). */
  private requireSameEnvironment(prop: string, resource: IConstruct & { env: { account: string; region: string } } | undefined): void {
    if (!resource) return;
    const stack = Stack.of(this);
    const differs = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
    // S3 bucket ARNs carry no Region or account: an imported bucket's env is the stack's
    if (differs(resource.env.account, stack.account) || differs(resource.env.region, stack.region)) {
      throw propError(this, prop, `must be in the stack's account and Region (${stack.account}, ${stack.region}), not (${resource.env.account}, `
        + `${resource.env.region}): Bedrock delivers invocation logs only to destinations of the same account and Region`);
    }
  }

  private createLogGroup(props: ModelInvocationLoggingProps): logs.LogGroup {
    let key = props.logEncryptionKey;
    if (!key) {
      const created = createKey(this, 'LogKey', 'Encrypts Amazon Bedrock model invocation logs');
      allowCloudWatchLogs(created);
      key = created;
    }
    return new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR, encryptionKey: key });
  }

  /**
   * S3 delivery: the bucket policy lets Bedrock of this account and Region put objects below
   * `<prefix>/AWSLogs/<account>/BedrockModelInvocationLogs/` (Bedrock user guide, "Set up an Amazon S3
   * destination"); with SSE-KMS, the key policy lets it generate data keys (same page). The role
   * may put objects below the prefix: Bedrock writes the CloudWatch Logs delivery's large data
   * (largeDataDeliveryS3Config) with it.
   */
  private allowS3Delivery(bucket: s3.IBucket, prefix: string, role: iam.Role): void {
    const stack = Stack.of(this);
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AmazonBedrockLogsWrite',
      principals: [new iam.ServicePrincipal('bedrock.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${prefix}/AWSLogs/${stack.account}/BedrockModelInvocationLogs/*`)],
      conditions: bedrockSourceConditions(stack),
    }));
    bucket.encryptionKey?.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AmazonBedrockLogsEncrypt',
      principals: [new iam.ServicePrincipal('bedrock.amazonaws.com')],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      conditions: bedrockSourceConditions(stack),
    }));
    const largeData = bucket.arnForObjects(`${prefix}/*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteLargeData', actions: ['s3:PutObject'], resources: [largeData] }));
    if (bucket.encryptionKey) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'EncryptLargeData', actions: ['kms:GenerateDataKey'], resources: [bucket.encryptionKey.keyArn] }));
    }
    acknowledgeNagFinding(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'Bedrock names the objects of large data it delivers; the role may put objects below the configured key prefix only.',
      `Resource::${largeData}`);
  }
}

/** aws:SourceAccount and aws:SourceArn of Bedrock in the stack's account and Region (confused deputy protection). */
function bedrockSourceConditions(stack: Stack): Record<string, Record<string, string>> {
  return {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:*` },
  };
}

/** The stack's invocation logging provider (one per stack, like the configuration per account and Region). */
class InvocationLoggingProvider extends Construct {
  public static of(scope: IConstruct, options: ProviderOptions | undefined): InvocationLoggingProvider {
    return StackSingleton.withOptions(scope, PROVIDER_ID, 'providerOptions', options,
      (stack, given) => new InvocationLoggingProvider(stack, PROVIDER_ID, given ?? {}, scope.node.path));
  }

  public readonly handler: HandlerProvider;

  private constructor(scope: Construct, id: string, options: ProviderOptions, public readonly configuredBy: string) {
    super(scope, id);
    this.handler = new HandlerProvider(this, 'Handler', {
      handlerName: 'invocation-logging',
      description: 'the Amazon Bedrock model invocation logging configuration',
      options,
    });
    const role = this.handler.role;
    // The logging configuration is not a resource: these actions support no resource-level permissions
    // (Service Authorization Reference, Amazon Bedrock).
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageInvocationLogging',
      actions: [
        'bedrock:GetModelInvocationLoggingConfiguration',
        'bedrock:PutModelInvocationLoggingConfiguration',
        'bedrock:DeleteModelInvocationLoggingConfiguration',
      ],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'KeepLoggingState',
      actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
      resources: [Stack.of(this).formatArn({
        service: 'ssm', resource: 'parameter', resourceName: STATE_PARAMETER_NAME.slice(1), arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      })],
    }));
    acknowledgeNagFinding(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'Amazon Bedrock\'s model invocation logging actions (Get/Put/DeleteModelInvocationLoggingConfiguration) do not support resource-level permissions: the configuration is one per account and Region.',
      'Resource::*');
  }

  /**
   * PutModelInvocationLoggingConfiguration passes the logging role to Bedrock (iam:PassRole on it,
   * as IAM answers a caller without it). Restoring an adopted configuration passes that
   * configuration's role, unknown at synth: any role of the account, to Bedrock only.
   */
  public allowPassRole(loggingRole: iam.IRole, adoptExisting: boolean): void {
    const role = this.handler.role;
    const passedToBedrock = { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } };
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'PassLoggingRole', actions: ['iam:PassRole'], resources: [loggingRole.roleArn], conditions: passedToBedrock,
    }));
    if (!adoptExisting) return;
    const anyRole = Stack.of(this).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'PassAdoptedLoggingRole', actions: ['iam:PassRole'], resources: [anyRole], conditions: passedToBedrock,
    }));
    acknowledgeNagFinding(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'With adoptExisting the handler restores the replaced configuration on deletion, passing that configuration\'s role, which is unknown at synth; the role can be passed to Amazon Bedrock only (iam:PassedToService).',
      `Resource::${anyRole}`);
  }
}
