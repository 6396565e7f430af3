import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { allowCloudWatchLogs, createKey } from './keys';
import { acknowledgeNagFinding } from './nag-acknowledgement';
import { ProviderOptions } from './provider-options';
import { propError } from './validation';

/** Lambda allows 4 KB for all environment variables of a function together (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;

/**
 * Throws when the environment (names and values, UTF-8) exceeds Lambda's 4 KB, naming the prop
 * that makes it large and what to shorten. Values with tokens are counted as written (a token's
 * placeholder is shorter than most values it stands for, so a token-bearing environment may still
 * fail at deployment).
 */
export function checkLambdaEnvironment(scope: IConstruct, prop: string, env: { [key: string]: string }, shorten: string): void {
  const size = Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > LAMBDA_ENVIRONMENT_MAX_BYTES) {
    throw propError(scope, prop, `makes the function's environment ${size} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_MAX_BYTES} `
      + `(https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): ${shorten}`);
  }
}

/** Properties of a {@link HandlerFunction}. */
export interface HandlerFunctionProps {
  /** The handler's folder under `assets/lambda/` (bundled at library build time). */
  readonly handlerName: string;
  /** What the function does. */
  readonly description: string;
  /** How long one invocation may take. @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Memory in MB. @default 256 */
  readonly memorySize?: number;
  /** Environment variables. @default - none */
  readonly environment?: { [key: string]: string };
  /** Network, logging and encryption settings. */
  readonly options: ProviderOptions;
  /** The entry point in the bundle. @default 'index.handler' */
  readonly entryPoint?: string;
}

/**
 * A plain function (not a custom resource provider) built the way every function of the library
 * is: the pre-bundled handler on Node.js 24 (ARM64), its own role, a KMS-encrypted log group kept
 * a year, optionally in a VPC. Callers add their own permissions to `role`.
 *
 * `HandlerProvider` builds its onEvent function from the same parts (below), in its own scope so
 * that the logical IDs of existing providers do not change.
 */
export class HandlerFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  public readonly logEncryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logEncryptionKey = logEncryptionKeyFor(this, 'LogKey', props.description, props.options);
    this.logGroup = handlerLogGroup(this, 'Logs', props.options, this.logEncryptionKey);
    this.role = handlerRole(this, 'Role', props.description, this.logGroup);
    this.function = new lambda.Function(this, 'Function', handlerFunctionProps({ ...props, role: this.role, logGroup: this.logGroup }));
    if (props.options.vpc) allowVpcNetworking(this.role);
  }
}

/** The key given in the options, or a new one (rotation on, usable by CloudWatch Logs) created as `id` in `scope`. */
export function logEncryptionKeyFor(scope: Construct, id: string, description: string, options: ProviderOptions): kms.IKey {
  if (options.logEncryptionKey) return options.logEncryptionKey;
  const key = createKey(scope, id, `Encrypts the logs of ${description}`);
  allowCloudWatchLogs(key);
  return key;
}

/** A log group kept as long as the options say (a year by default), encrypted with `key`. */
export function handlerLogGroup(scope: Construct, id: string, options: ProviderOptions, key: kms.IKey): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention: options.logRetention ?? logs.RetentionDays.ONE_YEAR, encryptionKey: key });
}

/** A role Lambda can assume, allowed to write to its own log group only. */
export function handlerRole(scope: Construct, id: string, description: string, logGroup: logs.LogGroup): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
  allowLogging(role, logGroup);
  return role;
}

/** The function properties every handler of the library shares. */
export function handlerFunctionProps(props: HandlerFunctionProps & { role: iam.IRole; logGroup: logs.ILogGroup }): lambda.FunctionProps {
  const options = props.options;
  return {
    description: `cdk-bedrock-cost-governance: ${props.description}`,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: props.entryPoint ?? 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'lambda', props.handlerName)),
    timeout: props.timeout ?? Duration.minutes(5),
    memorySize: props.memorySize ?? 256,
    role: props.role,
    logGroup: props.logGroup,
    ...(props.environment ? { environment: props.environment } : {}),
    ...networkOf(options),
  };
}

/** The network placement of the options (nothing when not in a VPC). */
export function networkOf(options: ProviderOptions): Pick<lambda.FunctionProps, 'vpc' | 'vpcSubnets' | 'securityGroups'> {
  return options.vpc ? { vpc: options.vpc, vpcSubnets: options.vpcSubnets, securityGroups: options.securityGroups } : {};
}

/** Lets the role write to its own log group (no other). */
export function allowLogging(role: iam.Role, logGroup: logs.LogGroup): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
}

/** Lets Lambda manage the network interfaces of the role's function in a VPC (acknowledged `*`). */
export function allowVpcNetworking(role: iam.Role): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'AttachToVpc',
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  }));
  acknowledgeNagFinding(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
    'Lambda manages the network interfaces of a function in a VPC; these EC2 actions do not support resource-level permissions for this use (the same actions as AWSLambdaVPCAccessExecutionRole).',
    'Resource::*');
}
