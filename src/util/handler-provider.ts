import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  allowLogging, allowVpcNetworking, handlerFunctionProps, handlerLogGroup, handlerRole, logEncryptionKeyFor, networkOf,
} from './handler-function';
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
 * Callers add their own permissions to `role`. The parts are those of `HandlerFunction`, created
 * directly in this scope (the logical IDs of deployed providers stay as they were).
 */
export class HandlerProvider extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly serviceToken: string;
  public readonly logEncryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: HandlerProviderProps) {
    super(scope, id);
    const options = props.options;
    this.logEncryptionKey = logEncryptionKeyFor(this, 'LogKey', props.description, options);
    const onEventLogs = handlerLogGroup(this, 'OnEventLogs', options, this.logEncryptionKey);
    const frameworkLogs = handlerLogGroup(this, 'FrameworkLogs', options, this.logEncryptionKey);

    this.role = handlerRole(this, 'OnEventRole', props.description, onEventLogs);
    this.function = new lambda.Function(this, 'OnEvent', handlerFunctionProps({ ...props, role: this.role, logGroup: onEventLogs }));

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
      ...networkOf(options),
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
