import { ArnFormat, CustomResource, Lazy, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct, IConstruct } from 'constructs';
import { CostAllocationTagSchema } from './cost-allocation-tag-schema';
import { tagKeyProblems } from './tag-rules';
import { HandlerProvider } from '../util/handler-provider';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { ProviderOptions } from '../util/provider-options';
import { propError } from '../util/validation';

/** Properties of a {@link CostAllocationTagActivation}. */
export interface CostAllocationTagActivationProps {
  /**
   * The schema whose keys are activated.
   * @default - only `tagKeys`
   */
  readonly schema?: CostAllocationTagSchema;

  /**
   * Tag keys to activate (in addition to the schema's).
   * @default - none
   */
  readonly tagKeys?: string[];

  /**
   * Also activate the IAM-principal form of every key (`iamPrincipal/<key>`), under which
   * Amazon Bedrock bills the tags of the calling IAM role or user (IAM principal cost
   * allocation, April 2026). Use it with `grantInvoke(grantee, { tagPrincipal: true })`.
   * @see https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/iam-principal-cost-allocation.html
   * @default false
   */
  readonly includeIamPrincipalTags?: boolean;

  /**
   * How often keys that billing has not seen yet are retried, as an EventBridge Scheduler
   * expression. A key appears in billing only after a resource carrying it has been used
   * (up to 24 hours later), so the first deployment usually leaves keys pending.
   * @default 'rate(1 day)'
   */
  readonly retrySchedule?: string;

  /**
   * Backfill the active keys over this many past months (1–12) with
   * StartCostAllocationTagBackfill, so that earlier spend is tagged too. Cost Explorer allows one
   * backfill per 24 hours; a refusal is recorded in the state parameter, not a failure.
   * @default - no backfill
   */
  readonly backfillMonths?: number;

  /**
   * Deactivate the keys when the resource is deleted (or a key is removed from it). Keys that
   * another activation of the account and Region still holds stay active (so a replacement
   * never switches off what its successor activated). Deactivating stops their reporting in
   * Cost Explorer and budgets, so the default keeps them.
   * @default false
   */
  readonly deactivateOnDelete?: boolean;

  /**
   * Network, logging and encryption of the provider's functions. The stack's first activation
   * creates the provider, so only its options count.
   * @default - defaults of ProviderOptions
   */
  readonly providerOptions?: ProviderOptions;
}

const PROVIDER_ID = 'BedrockCostGovernanceTagActivator';
const PARAMETER_PREFIX = '/cdk-bedrock-cost-governance/tag-activation/';
const SCHEDULE = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;

/**
 * Activates tag keys as user-defined cost allocation tags in the payer account
 * (UpdateCostAllocationTagsStatus, 20 keys per call), so that budgets, Cost Explorer and the
 * chargeback report can use them. Deploy it in the management (payer) account — a member
 * account's request is refused and the deployment says so.
 *
 * Keys that billing has not seen yet do not fail the deployment: they stay pending and are
 * retried on a schedule until active. The state (active, pending, errors) is kept in an SSM
 * parameter.
 */
export class CostAllocationTagActivation extends Construct {
  /** The keys this resource activates. */
  public readonly tagKeys: string[];
  /** The SSM parameter that holds the activation state (JSON: keys, active, pending, errors). */
  public readonly stateParameterName: string;
  /** The keys active after the last deployment, comma-separated. */
  public readonly activeKeys: string;
  /** The keys still pending after the last deployment, comma-separated. */
  public readonly pendingKeys: string;

  constructor(scope: Construct, id: string, props: CostAllocationTagActivationProps) {
    super(scope, id);
    const base = [...new Set([...(props.schema?.tagKeys ?? []), ...(props.tagKeys ?? [])])];
    if (base.length === 0) throw propError(this, 'tagKeys', 'must name at least one key (or give a schema)');
    const problems = base.flatMap(tagKeyProblems);
    if (problems.length > 0) throw propError(this, 'tagKeys', problems.join('; '));
    const keys = props.includeIamPrincipalTags ? [...base, ...base.map((k) => `iamPrincipal/${k}`)] : base;
    if (keys.some((k) => k.length > 1024)) throw propError(this, 'tagKeys', 'must be at most 1024 characters each (the Cost Explorer limit)');
    const retrySchedule = props.retrySchedule ?? 'rate(1 day)';
    if (!Token.isUnresolved(retrySchedule) && !SCHEDULE.test(retrySchedule)) {
      throw propError(this, 'retrySchedule', `'${retrySchedule}' must be an EventBridge Scheduler rate(...) or cron(...) expression`);
    }
    const months = props.backfillMonths;
    if (months !== undefined && !Token.isUnresolved(months) && (!Number.isInteger(months) || months < 1 || months > 12)) {
      throw propError(this, 'backfillMonths', `${months} must be an integer from 1 to 12 (Cost Explorer backfills at most 12 months)`);
    }
    // the state (active and pending keys, JSON) must fit a standard SSM parameter (4 KB)
    const stateSize = JSON.stringify({ active: keys, pending: [] }).length;
    if (stateSize > 3500) {
      throw propError(this, 'tagKeys', `hold too many or too long keys for one activation (${stateSize} characters of state; at most 3500): split them over several activations`);
    }
    this.tagKeys = keys;
    this.stateParameterName = `${PARAMETER_PREFIX}${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`;

    const provider = ActivatorProvider.of(this, props.providerOptions ?? {});
    provider.allowStateParameter(this.stateParameterName);
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.handler.serviceToken,
      resourceType: 'Custom::CostAllocationTagActivation',
      properties: {
        SchemaVersion: '1',
        TagKeys: keys,
        StateParameterName: this.stateParameterName,
        BackfillMonths: months,
        DeactivateOnDelete: props.deactivateOnDelete ?? false,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.activeKeys = resource.getAttString('ActiveKeys');
    this.pendingKeys = resource.getAttString('PendingKeys');

    const schedulerRole = new iam.Role(this, 'RetryRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler retry pending cost allocation tag keys',
    });
    provider.handler.function.grantInvoke(schedulerRole);
    acknowledgeNagFinding(schedulerRole.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'lambda.Function.grantInvoke also allows the function\'s versions and aliases (<arn>:*); the function is the activation provider\'s own.',
      `Resource::${provider.handler.function.functionArn}:*`);
    new scheduler.CfnSchedule(this, 'RetrySchedule', {
      description: `Retries pending cost allocation tag keys of ${this.node.path}`.slice(0, 512),
      scheduleExpression: retrySchedule,
      flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 60 },
      target: {
        arn: provider.handler.function.functionArn,
        roleArn: schedulerRole.roleArn,
        input: JSON.stringify({ action: 'retry-pending', stateParameterName: this.stateParameterName }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    });
  }
}

/** The stack's activation provider (one per stack). */
class ActivatorProvider extends Construct {
  public static of(scope: IConstruct, options: ProviderOptions): ActivatorProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(PROVIDER_ID) as ActivatorProvider | undefined) ?? new ActivatorProvider(stack, PROVIDER_ID, options);
  }

  public readonly handler: HandlerProvider;
  private readonly parameters = new Set<string>();

  private constructor(scope: Construct, id: string, options: ProviderOptions) {
    super(scope, id);
    this.handler = new HandlerProvider(this, 'Handler', {
      handlerName: 'tag-activator',
      description: 'the activation of cost allocation tags',
      options,
    });
    const stack = Stack.of(this);
    const role = this.handler.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageCostAllocationTags',
      actions: ['ce:ListCostAllocationTags', 'ce:UpdateCostAllocationTagsStatus', 'ce:StartCostAllocationTagBackfill'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'KeepActivationState',
      actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
      resources: Lazy.list({
        produce: () => [...this.parameters].map((name) => stack.formatArn({
          service: 'ssm', resource: 'parameter', resourceName: name.slice(1), arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        })),
      }),
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadOtherActivationStates',
      actions: ['ssm:GetParametersByPath'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: PARAMETER_PREFIX.slice(1, -1), arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
    }));
    acknowledgeNagFinding(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'Cost Explorer\'s cost allocation tag actions (ListCostAllocationTags, UpdateCostAllocationTagsStatus, StartCostAllocationTagBackfill) do not support resource-level permissions.',
      'Resource::*');
  }

  public allowStateParameter(name: string): void {
    this.parameters.add(name);
  }
}
