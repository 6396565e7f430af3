import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { allowCloudWatchLogs, createKey } from './keys';
import { acknowledgeNagFinding } from './nag-acknowledgement';
import { ProviderOptions } from './provider-options';

/** Properties of a {@link HandlerProvider}. */
export interface HandlerProviderProps {
  /** The handler's folder under `assets/lambda/` (bundled at library build time). */
  readonly handlerName: string;
  /** What the function does. */
  readonly description: string;
  /** How long one event may take. @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Network, logging and encryption settings. */
  readonly options: ProviderOptions;
}

/**
 * A custom resource provider built the way every provider of the library is: the pre-bundled
 * handler on Node.js 24 (ARM64) as the onEvent function of a `custom_resources.Provider`, each
 * function with its own role and a KMS-encrypted log group kept a year, optionally in a VPC.
 * Callers add their own permissions to `role`.
 */
export class HandlerProvider extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly serviceToken: string;
  public readonly logEncryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: HandlerProviderProps) {
    super(scope, id);
    const options = props.options;
    const retention = options.logRetention ?? logs.RetentionDays.ONE_YEAR;
    if (options.logEncryptionKey) {
      this.logEncryptionKey = options.logEncryptionKey;
    } else {
      const key = createKey(this, 'LogKey', `Encrypts the logs of ${props.description}`);
      allowCloudWatchLogs(key);
      this.logEncryptionKey = key;
    }
    const onEventLogs = new logs.LogGroup(this, 'OnEventLogs', { retention, encryptionKey: this.logEncryptionKey });
    const frameworkLogs = new logs.LogGroup(this, 'FrameworkLogs', { retention, encryptionKey: this.logEncryptionKey });

    this.role = new iam.Role(this, 'OnEventRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    allowLogging(this.role, onEventLogs);
    const network = options.vpc ? { vpc: options.vpc, vpcSubnets: options.vpcSubnets, securityGroups: options.securityGroups } : {};

    this.function = new lambda.Function(this, 'OnEvent', {
      description: `cdk-bedrock-cost-governance: ${props.description}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'lambda', props.handlerName)),
      timeout: props.timeout ?? Duration.minutes(5),
      memorySize: 256,
      role: this.role,
      logGroup: onEventLogs,
      ...network,
    });

    const frameworkRole = new iam.Role(this, 'FrameworkRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Invokes the onEvent function of ${props.description}`,
    });
    allowLogging(frameworkRole, frameworkLogs);
    if (options.vpc) {
      allowVpcNetworking(this.role);
      allowVpcNetworking(frameworkRole);
    }
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function,
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole,
      ...network,
    });
    acknowledgeNagFinding(frameworkRole.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'The custom_resources.Provider framework grants lambda:InvokeFunction on the onEvent function and its versions (<arn>:*); the function is this provider\'s own.',
      `Resource::${this.function.functionArn}:*`);
    const frameworkFn = provider.node.tryFindChild('framework-onEvent');
    if (frameworkFn) {
      acknowledgeNagFinding(frameworkFn, 'AwsSolutions-L1',
        'The runtime of the custom_resources.Provider framework function is chosen by aws-cdk-lib, not by this library.');
    }
    this.serviceToken = provider.serviceToken;
  }
}

function allowLogging(role: iam.Role, logGroup: logs.LogGroup): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
}

function allowVpcNetworking(role: iam.Role): void {
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
