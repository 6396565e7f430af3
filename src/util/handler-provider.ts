import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
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
  /** Environment variables of the function that does the work. @default - none */
  readonly environment?: { [key: string]: string };
  /**
   * Asynchronous completion: the bundle exports `onEvent` (quick: validates, names the resource)
   * and `isComplete` (does the work, called until it says it is complete, through the framework's
   * Step Functions waiter). `timeout` is then that of each isComplete call.
   * @default - synchronous: the bundle's `handler` does the work in one call
   */
  readonly waiter?: HandlerWaiter;
}

/** How the framework polls an asynchronous handler. */
export interface HandlerWaiter {
  /** Between two isComplete calls. */
  readonly queryInterval: Duration;
  /** How long the whole operation may take (the framework allows at most one hour). */
  readonly totalTimeout: Duration;
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
  /** The isComplete function (asynchronous handlers only). */
  public readonly isCompleteFunction?: lambda.Function;

  constructor(scope: Construct, id: string, props: HandlerProviderProps) {
    super(scope, id);
    const options = props.options;
    this.logEncryptionKey = logEncryptionKeyFor(this, 'LogKey', props.description, options);
    const onEventLogs = handlerLogGroup(this, 'OnEventLogs', options, this.logEncryptionKey);
    const frameworkLogs = handlerLogGroup(this, 'FrameworkLogs', options, this.logEncryptionKey);

    const onEventRole = handlerRole(this, 'OnEventRole', props.description, onEventLogs);
    this.function = new lambda.Function(this, 'OnEvent', handlerFunctionProps({
      ...props,
      ...(props.waiter ? { entryPoint: 'index.onEvent', timeout: Duration.minutes(1), environment: undefined } : {}),
      role: onEventRole,
      logGroup: onEventLogs,
    }));
    this.role = onEventRole;
    if (props.waiter) {
      const workLogs = handlerLogGroup(this, 'IsCompleteLogs', options, this.logEncryptionKey);
      this.role = handlerRole(this, 'IsCompleteRole', props.description, workLogs);
      this.isCompleteFunction = new lambda.Function(this, 'IsComplete', handlerFunctionProps({
        ...props, entryPoint: 'index.isComplete', role: this.role, logGroup: workLogs,
      }));
    }

    const frameworkRole = new iam.Role(this, 'FrameworkRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Invokes the onEvent function of ${props.description}`,
    });
    allowLogging(frameworkRole, frameworkLogs);
    const waiterRole = props.waiter ? new iam.Role(this, 'FrameworkWaiterRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Polls the isComplete function of ${props.description}`,
    }) : undefined;
    if (waiterRole) allowLogging(waiterRole, frameworkLogs);
    if (options.vpc) {
      for (const role of new Set([onEventRole, this.role, frameworkRole, ...(waiterRole ? [waiterRole] : [])])) allowVpcNetworking(role);
    }
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function,
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole,
      ...networkOf(options),
      ...(props.waiter ? this.waiterProps(props.waiter, options, waiterRole!) : {}),
    });
    if (props.waiter) this.hardenWaiter(provider);
    const invokes = 'The custom_resources.Provider framework grants lambda:InvokeFunction on the functions it calls and their versions (<arn>:*); '
      + 'the functions are this provider\'s own.';
    acknowledgeNagFinding(frameworkRole.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5', invokes.replace('the functions it calls', 'the onEvent function'),
      `Resource::${this.function.functionArn}:*`);
    if (this.isCompleteFunction) {
      for (const role of [frameworkRole, waiterRole!]) {
        for (const fn of [this.function, this.isCompleteFunction]) {
          acknowledgeNagFinding(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5', invokes, `Resource::${fn.functionArn}:*`);
        }
      }
      const machineRole = provider.node.findChild('waiter-state-machine').node.findChild('Role');
      for (const child of ['framework-isComplete', 'framework-onTimeout']) {
        const fn = provider.node.findChild(child) as lambda.Function;
        acknowledgeNagFinding(machineRole.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5', invokes, `Resource::${fn.functionArn}:*`);
      }
    }
    const frameworkFn = provider.node.tryFindChild('framework-onEvent');
    if (frameworkFn) {
      acknowledgeNagFinding(frameworkFn, 'AwsSolutions-L1',
        'The runtime of the custom_resources.Provider framework function is chosen by aws-cdk-lib, not by this library.');
    }
    this.serviceToken = provider.serviceToken;
  }

  private waiterProps(waiter: HandlerWaiter, options: ProviderOptions, role: iam.Role): Partial<cr.ProviderProps> {
    // AWS Control Tower CT.STEPFUNCTIONS.PR.1 and cdk-nag AwsSolutions-SF1: the waiter state machine
    // logs every event (to a log group of its own, encrypted with the provider's key and kept as
    // long as the functions' logs), without the execution data (the resource's properties)
    const waiterLogs = handlerLogGroup(this, 'WaiterLogs', options, this.logEncryptionKey);
    return {
      isCompleteHandler: this.isCompleteFunction,
      queryInterval: waiter.queryInterval,
      totalTimeout: waiter.totalTimeout,
      frameworkCompleteAndTimeoutRole: role,
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: waiterLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    };
  }

  /**
   * AWS Control Tower CT.STEPFUNCTIONS.PR.2: X-Ray tracing on the waiter state machine (the
   * framework does not expose it), and the acknowledgements of the framework's own wildcards.
   */
  private hardenWaiter(provider: cr.Provider): void {
    const waiter = provider.node.findChild('waiter-state-machine');
    const machine = waiter.node.findChild('Resource') as sfn.CfnStateMachine;
    machine.tracingConfiguration = { enabled: true };
    const role = waiter.node.findChild('Role') as iam.Role;
    // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html (the actions of AWSXrayWriteOnlyAccess's tracing part)
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'XRayTracing',
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      resources: ['*'],
    }));
    const policy = role.node.findChild('DefaultPolicy');
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      'X-Ray\'s PutTraceSegments, PutTelemetryRecords and sampling actions do not support resource-level permissions '
      + '(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html); nor do the CloudWatch Logs log-delivery '
      + 'actions (CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, '
      + 'DescribeResourcePolicies, DescribeLogGroups) that aws-cdk-lib grants a state machine logging to CloudWatch Logs '
      + '(https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).',
      'Resource::*');
    for (const child of ['framework-isComplete', 'framework-onTimeout']) {
      acknowledgeNagFinding(provider.node.findChild(child), 'AwsSolutions-L1',
        'The runtime of the custom_resources.Provider framework functions is chosen by aws-cdk-lib, not by this library.');
    }
  }
}
