import { Annotations, ArnFormat, CustomResource, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct, IConstruct } from 'constructs';
import { CostAllocationTagSchema } from './cost-allocation-tag-schema';
import { tagKeyProblems } from './tag-rules';
import {
  BACKFILL_MONTHS, IAM_PRINCIPAL_TAG_PREFIX, MAX_STATE_KEYS_CHARS, RETRY_ACTION, STATE_PARAMETER_PREFIX, stateKeysChars, stateParameterName,
  TAG_ACTIVATION_ATTRIBUTES, TAG_ACTIVATION_RESOURCE_TYPE, TAG_ACTIVATION_SCHEMA_VERSION, TAG_KEY_MAX_LENGTH, TagActivationProperties,
  TagActivationRetryEvent,
} from '../contracts/tag-activation';
import { HandlerProvider } from '../util/handler-provider';
import { ManagementAccount } from '../util/management-account';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { generateName } from '../util/names';
import { ProviderOptions } from '../util/provider-options';
import { recurringScheduleProblem } from '../util/schedule';
import { StackSingleton } from '../util/stack-singleton';
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
   * Network, logging and encryption of the provider's functions. The stack has one activation
   * provider: give every activation of the stack the same object (or give it to the first one
   * only); an activation with other options fails at synth.
   * @default - defaults of ProviderOptions
   */
  readonly providerOptions?: ProviderOptions;
}

const PROVIDER_ID = 'BedrockCostGovernanceTagActivator';

/**
 * Activates tag keys as user-defined cost allocation tags in the payer account
 * (UpdateCostAllocationTagsStatus, 20 keys per call), so that budgets, Cost Explorer and the
 * chargeback report can use them. Deploy it in the management (payer) account — a member
 * account's request is refused and the deployment says so (and synth warns when the stack's
 * account is known not to be the {@link ManagementAccount}).
 *
 * Keys that billing has not seen yet do not fail the deployment: they stay pending and are
 * retried on a schedule until active. The state (active, pending, never seen, errors) is kept in
 * an SSM parameter under `/cdk-bedrock-cost-governance/tag-activation/`.
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
    const keys = props.includeIamPrincipalTags ? [...base, ...base.map((k) => `${IAM_PRINCIPAL_TAG_PREFIX}${k}`)] : base;
    if (keys.some((k) => k.length > TAG_KEY_MAX_LENGTH)) {
      throw propError(this, 'tagKeys', `must be at most ${TAG_KEY_MAX_LENGTH} characters each (the Cost Explorer limit)`);
    }
    const retrySchedule = props.retrySchedule ?? 'rate(1 day)';
    const scheduleProblem = recurringScheduleProblem(retrySchedule);
    if (scheduleProblem) throw propError(this, 'retrySchedule', scheduleProblem);
    const months = props.backfillMonths;
    if (months !== undefined && !Token.isUnresolved(months)
      && (!Number.isInteger(months) || months < BACKFILL_MONTHS.min || months > BACKFILL_MONTHS.max)) {
      throw propError(this, 'backfillMonths', `${months} must be an integer from ${BACKFILL_MONTHS.min} to ${BACKFILL_MONTHS.max} `
        + `(Cost Explorer backfills at most ${BACKFILL_MONTHS.max} months)`);
    }
    // the state (active and pending keys, JSON) must fit a standard SSM parameter (4 KB)
    const stateSize = stateKeysChars(keys);
    if (stateSize > MAX_STATE_KEYS_CHARS) {
      throw propError(this, 'tagKeys', `hold too many or too long keys for one activation (${stateSize} characters of state; `
        + `at most ${MAX_STATE_KEYS_CHARS}): split them over several activations`);
    }
    this.tagKeys = keys;
    this.stateParameterName = stateParameterName(generateName(this, { maxLength: 200 }));
    this.warnOutsideManagementAccount();

    const provider = ActivatorProvider.of(this, props.providerOptions);
    const properties: TagActivationProperties = {
      SchemaVersion: String(TAG_ACTIVATION_SCHEMA_VERSION),
      TagKeys: keys,
      StateParameterName: this.stateParameterName,
      BackfillMonths: months,
      DeactivateOnDelete: props.deactivateOnDelete ?? false,
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.handler.serviceToken,
      resourceType: TAG_ACTIVATION_RESOURCE_TYPE,
      properties: { ...properties },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.activeKeys = resource.getAttString(TAG_ACTIVATION_ATTRIBUTES.activeKeys);
    this.pendingKeys = resource.getAttString(TAG_ACTIVATION_ATTRIBUTES.pendingKeys);

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
    const retryEvent: TagActivationRetryEvent = { action: RETRY_ACTION, stateParameterName: this.stateParameterName };
    new scheduler.CfnSchedule(this, 'RetrySchedule', {
      description: `Retries pending cost allocation tag keys of ${this.node.path}`.slice(0, 512),
      scheduleExpression: retrySchedule,
      flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 60 },
      target: {
        arn: provider.handler.function.functionArn,
        roleArn: schedulerRole.roleArn,
        input: JSON.stringify(retryEvent),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    });
  }

  /**
   * Cost Explorer refuses activation from a member account ("Linked account doesn't have access to
   * cost allocation tags"): warn at synth when the stack's account is known not to be the
   * management account.
   */
  private warnOutsideManagementAccount(): void {
    if (ManagementAccount.isDeployedTo(this) !== false) return;
    Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:activationOutsideManagementAccount',
      `Cost allocation tags can be activated only in the management (payer) account of the organization (${ManagementAccount.of(this)}), `
      + `but this stack deploys to account ${Stack.of(this).account}: Cost Explorer will refuse the activation and the deployment will fail. `
      + 'Deploy CostAllocationTagActivation in a stack of the management account '
      + '(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/custom-tags.html).');
  }
}

/** The stack's activation provider (one per stack). */
class ActivatorProvider extends Construct {
  /** The stack's provider; `options` must be the object the first activation gave, if any. */
  public static of(scope: IConstruct, options: ProviderOptions | undefined): ActivatorProvider {
    return StackSingleton.withOptions(scope, PROVIDER_ID, 'providerOptions', options,
      (stack, given) => new ActivatorProvider(stack, PROVIDER_ID, given ?? {}));
  }

  public readonly handler: HandlerProvider;

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
    // Every activation's state lies below the prefix. The permission covers the prefix, not a list
    // of the activations in the app: when one is removed, CloudFormation updates this policy before
    // it deletes the removed activation, whose handler must still delete its own parameter.
    const statePath = STATE_PARAMETER_PREFIX.slice(1);
    const stateParameters = stack.formatArn({
      service: 'ssm', resource: 'parameter', resourceName: `${statePath}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'KeepActivationState',
      actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:DeleteParameter'],
      resources: [stateParameters],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadOtherActivationStates',
      actions: ['ssm:GetParametersByPath'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: statePath, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
    }));
    const policy = role.node.findChild('DefaultPolicy');
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      'Cost Explorer\'s cost allocation tag actions (ListCostAllocationTags, UpdateCostAllocationTagsStatus, StartCostAllocationTagBackfill) do not support resource-level permissions.',
      'Resource::*');
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      `The activation states are the parameters below ${STATE_PARAMETER_PREFIX}/ (one per activation, all of the account and Region): `
      + 'the handler must delete the parameter of an activation removed from the app after CloudFormation has already updated this policy.',
      `Resource::${stateParameters}`);
  }
}
