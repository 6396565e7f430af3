import * as path from 'path';
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { allowCloudWatchLogs, createKey } from '../util/keys';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';

/** Per-stack settings of the provider that creates application inference profiles. */
export interface ProfileProviderOptions {
  /**
   * The VPC to run the provider's functions in (AWS Control Tower control CT.LAMBDA.PR.3
   * requires Lambda functions in a VPC). The subnets need a route to the Bedrock API
   * (a NAT gateway or a `bedrock` interface endpoint).
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` to use.
   * @default - the private subnets with egress of `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the functions in `vpc`.
   * @default - one security group with all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * How long the provider's logs are kept. At least one year passes AWS Control Tower control
   * CT.CLOUDWATCH.PR.2.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the provider's log groups (AWS Control Tower control
   * CT.CLOUDWATCH.PR.3). The key policy must let CloudWatch Logs use it.
   * @default - a new key with rotation enabled, usable by CloudWatch Logs of this account and Region only
   */
  readonly logEncryptionKey?: kms.IKey;
}

const PROVIDER_ID = 'BedrockCostGovernanceProfileProvider';

/**
 * The one provider per stack behind every `ApplicationInferenceProfile` of the stack: an onEvent
 * function (the handler bundled in `assets/lambda/profile-provider`) under the
 * `custom_resources.Provider` framework.
 *
 * Call `ProfileProvider.configure(stack, options)` before the first profile of a stack to place
 * the functions in a VPC or change log retention and encryption.
 */
export class ProfileProvider extends Construct {
  /**
   * Creates the stack's provider with these options. Must be called before any profile of the
   * stack is created, and at most once per stack.
   */
  public static configure(scope: IConstruct, options: ProfileProviderOptions): ProfileProvider {
    const stack = Stack.of(scope);
    if (stack.node.tryFindChild(PROVIDER_ID)) {
      throw new Error(`${stack.node.path}: ProfileProvider.configure must be called once, before the first ApplicationInferenceProfile of the stack is created`);
    }
    return new ProfileProvider(stack, PROVIDER_ID, options);
  }

  /** The stack's provider, created with default options if it does not exist yet. */
  public static of(scope: IConstruct): ProfileProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as ProfileProvider | undefined) ?? new ProfileProvider(stack, PROVIDER_ID, {});
  }

  /** The service token custom resources use. */
  public readonly serviceToken: string;
  /** The function that handles the lifecycle events of profiles. */
  public readonly onEventFunction: lambda.IFunction;
  /** The role of the onEvent function. */
  public readonly role: iam.IRole;
  /** The key that encrypts the provider's logs. */
  public readonly logEncryptionKey: kms.IKey;

  private readonly copySources = new Set<string>();

  private constructor(scope: Construct, id: string, options: ProfileProviderOptions) {
    super(scope, id);
    const stack = Stack.of(this);
    const retention = options.logRetention ?? logs.RetentionDays.ONE_YEAR;
    if (options.logEncryptionKey) {
      this.logEncryptionKey = options.logEncryptionKey;
    } else {
      const key = createKey(this, 'LogKey', 'Encrypts the logs of the cdk-bedrock-cost-governance profile provider');
      allowCloudWatchLogs(key);
      this.logEncryptionKey = key;
    }

    const onEventLogs = new logs.LogGroup(this, 'OnEventLogs', { retention, encryptionKey: this.logEncryptionKey });
    const frameworkLogs = new logs.LogGroup(this, 'FrameworkLogs', { retention, encryptionKey: this.logEncryptionKey });

    const role = new iam.Role(this, 'OnEventRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Creates, tags and deletes Amazon Bedrock application inference profiles for cdk-bedrock-cost-governance',
    });
    this.role = role;
    allowLogging(role, onEventLogs);
    const profilesArn = stack.formatArn({ service: 'bedrock', resource: 'application-inference-profile', resourceName: '*' });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageApplicationInferenceProfiles',
      actions: [
        'bedrock:CreateInferenceProfile',
        'bedrock:GetInferenceProfile',
        'bedrock:DeleteInferenceProfile',
        'bedrock:TagResource',
        'bedrock:UntagResource',
        'bedrock:ListTagsForResource',
      ],
      resources: [profilesArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CopyModelSources',
      actions: ['bedrock:CreateInferenceProfile'],
      resources: Lazy.list({ produce: () => [...this.copySources] }, { omitEmpty: false }),
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'FindProfilesByName',
      actions: ['bedrock:ListInferenceProfiles'],
      resources: ['*'],
    }));
    const policy = role.node.findChild('DefaultPolicy');
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      'Application inference profile IDs are generated by Amazon Bedrock when the profile is created, so the role is limited to application-inference-profile/* of this account and Region.',
      `Resource::${profilesArn}`);
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      'bedrock:ListInferenceProfiles does not support resource-level permissions; it is needed to find an existing profile by name (adoption, clear conflict errors).',
      'Resource::*');

    const fn = new lambda.Function(this, 'OnEvent', {
      description: 'cdk-bedrock-cost-governance: lifecycle of Amazon Bedrock application inference profiles',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'lambda', 'profile-provider')),
      timeout: Duration.minutes(5),
      memorySize: 256,
      role,
      logGroup: onEventLogs,
      vpc: options.vpc,
      vpcSubnets: options.vpc ? options.vpcSubnets : undefined,
      securityGroups: options.vpc ? options.securityGroups : undefined,
    });
    this.onEventFunction = fn;

    const frameworkRole = new iam.Role(this, 'FrameworkRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Invokes the onEvent function of the cdk-bedrock-cost-governance profile provider',
    });
    allowLogging(frameworkRole, frameworkLogs);
    if (options.vpc) {
      allowVpcNetworking(role);
      allowVpcNetworking(frameworkRole);
    }
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: fn,
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole,
      vpc: options.vpc,
      vpcSubnets: options.vpc ? options.vpcSubnets : undefined,
      securityGroups: options.vpc ? options.securityGroups : undefined,
    });
    acknowledgeNagFinding(frameworkRole.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'The custom_resources.Provider framework grants lambda:InvokeFunction on the onEvent function and its versions (<arn>:*); the function is this provider\'s own.',
      `Resource::${fn.functionArn}:*`);
    const frameworkFn = provider.node.tryFindChild('framework-onEvent');
    if (frameworkFn) {
      acknowledgeNagFinding(frameworkFn, 'AwsSolutions-L1',
        'The runtime of the custom_resources.Provider framework function is chosen by aws-cdk-lib, not by this library.');
    }
    this.serviceToken = provider.serviceToken;
  }

  /**
   * Allows the provider to create profiles that copy these model sources.
   * @internal
   */
  public _allowCopyFrom(sourceArn: string): void {
    this.copySources.add(sourceArn);
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
