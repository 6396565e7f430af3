import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { checkProfileQuota, environmentKey, topStack as rootStack } from './profile-quota';
import { allowProfileManagement, SourcePermissions } from './source-permissions';
import { DEFAULT_CALLS_PER_SECOND, PACING_TABLE_KEY, PROFILE_BATCH_ENV, PROFILE_BATCH_OWNER_TAG } from '../contracts/profile-batch';
import { HandlerProvider } from '../util/handler-provider';
import { ProviderOptions } from '../util/provider-options';
import { StackSingleton } from '../util/stack-singleton';
import { propError } from '../util/validation';

const PROVIDER_ID = 'BedrockCostGovernanceProfileBatchProvider';

/**
 * How long one isComplete call works before it hands over to the next: Lambda stops a function
 * after 15 minutes (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), and
 * the last call must still list, tag and answer after its budget.
 */
const WORK_BUDGET = Duration.minutes(10);
const FUNCTION_TIMEOUT = Duration.minutes(15);
/**
 * The whole operation of one batch: the framework's waiter allows at most one hour ("The maximum
 * timeout is 1 hour", ProviderProps.totalTimeout), as does CloudFormation for a custom resource
 * (ServiceTimeout "from 1 to 3600" seconds, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html).
 */
export const BATCH_TOTAL_TIMEOUT = Duration.hours(1);
const QUERY_INTERVAL = Duration.seconds(30);
/** The share of the hour a first deployment may plan to use (the rest: listing, tagging, retries). */
const FIRST_DEPLOYMENT_SHARE = 0.9;

/**
 * The provider of `ProfileBatch` resources: one per app stack, in the top-level stack (nested
 * stacks of fleets use their parent's), so that one function, one log key and one pacing schedule
 * serve every batch of the stack. An asynchronous provider (the framework's Step Functions waiter):
 * each batch is worked on by isComplete calls of at most 15 minutes each, for up to an hour.
 *
 * **Pacing.** Every CreateInferenceProfile and DeleteInferenceProfile call first reserves a slot in
 * a schedule kept in a DynamoDB table (`ProviderOptions.pacingTable`, or the provider's own), so
 * that the account and Region see at most `ProviderOptions.profileCallsPerSecond` such calls per
 * second across every concurrent invocation and every stack that shares the table.
 */
export class ProfileBatchProvider extends Construct {
  /**
   * Creates the provider of the app stack that holds `scope` with these options. Must be called
   * before the first batch (or fleet) of that stack, and at most once.
   */
  public static configure(scope: IConstruct, options: ProviderOptions): ProfileBatchProvider {
    return StackSingleton.configure(rootStack(scope), PROVIDER_ID, 'ProfileBatchProvider.configure',
      (stack) => new ProfileBatchProvider(stack, PROVIDER_ID, options));
  }

  /** The provider of the app stack that holds `scope`, created with default options if it does not exist yet. */
  public static of(scope: IConstruct): ProfileBatchProvider {
    return StackSingleton.of(rootStack(scope), PROVIDER_ID, (stack) => new ProfileBatchProvider(stack, PROVIDER_ID, {}));
  }

  /**
   * The provider for a construct that takes provider options as a prop (a fleet): created with
   * them on first use; other options later fail.
   * @internal
   */
  public static _withOptions(scope: IConstruct, options: ProviderOptions | undefined): ProfileBatchProvider {
    return StackSingleton.withOptions(rootStack(scope), PROVIDER_ID, 'providerOptions', options,
      (stack, o) => new ProfileBatchProvider(stack, PROVIDER_ID, o ?? {}));
  }

  /** The service token of batch resources. */
  public readonly serviceToken: string;
  /** The function that does the work (isComplete). */
  public readonly workFunction: lambda.IFunction;
  /** The role of the function that does the work. */
  public readonly role: iam.IRole;
  /** The table that holds the shared schedule of mutating calls. */
  public readonly pacingTable: dynamodb.ITable;
  /** Mutating Bedrock calls per second across everything that shares `pacingTable`. */
  public readonly callsPerSecond: number;

  /** @internal */
  public readonly _ownsPacingTable: boolean;
  /** @internal */
  public _members = 0;
  private readonly sources: SourcePermissions;

  private constructor(scope: Construct, id: string, options: ProviderOptions) {
    super(scope, id);
    this.callsPerSecond = checkProfileCallsPerSecond(this, options);
    this._ownsPacingTable = options.pacingTable === undefined;
    this.node.addValidation({ validate: () => this.warnOfSeparatePaces() });
    this.node.addValidation({ validate: () => this.warnOfLongFirstDeployment() });
    checkProfileQuota(this);
    this.pacingTable = options.pacingTable ?? new dynamodb.Table(this, 'PacingTable', {
      partitionKey: { name: PACING_TABLE_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // one item per account and Region: the time of the next free slot (no personal or business data)
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // nothing in it outlives the stack: the next free slot, rebuilt on the first call
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const handler = new HandlerProvider(this, 'Handler', {
      handlerName: 'profile-batch',
      description: 'batches of Amazon Bedrock application inference profiles',
      options,
      timeout: FUNCTION_TIMEOUT,
      environment: {
        [PROFILE_BATCH_ENV.pacingTable]: this.pacingTable.tableName,
        [PROFILE_BATCH_ENV.callsPerSecond]: String(this.callsPerSecond),
        [PROFILE_BATCH_ENV.workBudgetSeconds]: String(WORK_BUDGET.toSeconds()),
      },
      waiter: { queryInterval: QUERY_INTERVAL, totalTimeout: BATCH_TOTAL_TIMEOUT },
    });
    this.serviceToken = handler.serviceToken;
    this.workFunction = handler.isCompleteFunction!;
    this.role = handler.role;
    this.sources = new SourcePermissions(handler.role);
    allowProfileManagement(handler.role, {
      findByName: 'the batches find their profiles by name with it',
      limit: `it deletes only profiles that carry its ${PROFILE_BATCH_OWNER_TAG} tag (checked by the handler)`,
    });
    this.pacingTable.grant(handler.role, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    // a table of your own encrypted with a customer managed key needs the key too (Table.grant does not add it)
    this.pacingTable.encryptionKey?.grantEncryptDecrypt(handler.role);
  }

  /**
   * Two providers of one account and Region, each with its own pacing table, each keep the pace:
   * Bedrock sees their sum. A warning names them (stacks of unknown environments are not judged).
   */
  private warnOfSeparatePaces(): string[] {
    if (!this._ownsPacingTable) return [];
    const env = environmentKey(this);
    if (env.includes('<token>')) return [];
    const others = this.node.root.node.findAll().filter((c): c is ProfileBatchProvider => c instanceof ProfileBatchProvider && c !== this
      && c._ownsPacingTable && environmentKey(c) === env);
    if (others.length > 0) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:separatePaces',
        `${others.length + 1} profile batch providers of ${env.replace('/', ', ')} keep separate paces (${[this, ...others].map((p) => p.node.path).join(', ')}): `
        + 'Bedrock sees the sum of their calls. Give them one pacingTable (ProviderOptions.pacingTable) to share one pace.');
    }
    return [];
  }

  /**
   * Every batch must finish within the hour CloudFormation gives a custom resource, and all of
   * them share the pace: a first deployment of more profiles than the pace creates in an hour
   * would time out. A warning says so (later deployments create only what is new).
   */
  private warnOfLongFirstDeployment(): string[] {
    const seconds = this._members / this.callsPerSecond;
    if (seconds > BATCH_TOTAL_TIMEOUT.toSeconds() * FIRST_DEPLOYMENT_SHARE) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:firstDeploymentTooLong',
        `the stack's profile batches hold ${this._members.toLocaleString('en-US')} profiles: created at ${this.callsPerSecond} per second `
        + `(profileCallsPerSecond) that takes ${Math.ceil(seconds / 60)} minutes, and CloudFormation gives a custom resource one hour. `
        + 'Deploy a new fleet of this size in waves (add cost centers over several deployments), or raise profileCallsPerSecond if Bedrock admits it.');
    }
    return [];
  }

  /**
   * Counts a profile added to one of this provider's batches.
   * @internal
   */
  public _countMember(): void {
    this._members++;
  }

  /**
   * Allows the provider to create profiles that copy this model source.
   * @internal
   */
  public _allowCopyFrom(sourceArn: string): void {
    this.sources.allowCopyFrom(sourceArn);
  }

  /**
   * Allows the provider to read a system-defined (cross-Region) profile a member copies: a member
   * whose model source changed under the same name is refused unless the existing profile already
   * routes to the source's models, which GetInferenceProfile on the source lists.
   * @internal
   */
  public _allowReadSource(sourceArn: string): void {
    this.sources.allowReadSource(sourceArn);
  }
}

/**
 * The pace of a provider's options, checked: more than 0 and at most 100 calls per second.
 * @returns the pace
 */
export function checkProfileCallsPerSecond(scope: IConstruct, options: ProviderOptions | undefined): number {
  const rate = options?.profileCallsPerSecond ?? DEFAULT_CALLS_PER_SECOND;
  if (!(rate > 0 && rate <= 100)) {
    throw propError(scope, 'profileCallsPerSecond', `must be more than 0 and at most 100 (got ${rate})`);
  }
  return rate;
}
