import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ProfileCatalog } from './profile-catalog';
import {
  RESOLVER_DEFAULTS, RESOLVER_ENV, ResolverTagSchema, SYNC_OWNER_TAG, SyncEvent,
} from '../contracts/profile-resolver';
import { CostAllocationTagSchema } from '../tags/cost-allocation-tag-schema';
import { tagKeyProblems } from '../tags/tag-rules';
import { checkLambdaEnvironment, HandlerFunction } from '../util/handler-function';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { generateName } from '../util/names';
import { ProviderOptions } from '../util/provider-options';
import { recurringScheduleProblem, scheduleInvocation } from '../util/schedule';
import { propError } from '../util/validation';

/**
 * How a {@link ProfileResolver} caches, syncs and runs: everything but the tag schema and the
 * catalog (`BedrockCostGovernance` gives those from its table).
 */
export interface ProfileResolverOptions {
  /**
   * Sync the catalog: every profile of the account whose tags hold all these keys gets the entry
   * `<prefix>/<values joined by '/'>` (e.g. `['dept', 'team']` → `/prefix/claims/intake`), kept up
   * to date on `syncSchedule` (see ProfileCatalog for who owns which entry). Needs `catalog`.
   * @default - no sync
   */
  readonly tenantKeyTags?: string[];

  /**
   * How often the catalog is synced, as an EventBridge Scheduler expression. Applies only with
   * `tenantKeyTags`. The default keeps a new tenant's entry at most about an hour (plus the
   * 15-minute flexible window) behind its profile, at the cost of one scan of the account's
   * profiles and of the catalog an hour; writes happen only on change.
   * @default 'rate(1 hour)'
   */
  readonly syncSchedule?: string;

  /**
   * Also sync when a profile is created, deleted, tagged or untagged (an EventBridge rule on
   * Amazon Bedrock's CreateInferenceProfile, DeleteInferenceProfile, TagResource and UntagResource
   * API calls). These events reach EventBridge through AWS CloudTrail, which delivers them only
   * when the account has a trail with logging enabled, and on a best-effort basis: the schedule
   * stays the guarantee. Every such call starts a full sync (TagResource of other Bedrock
   * resources too), so leave it off when profiles change in large batches.
   * @default false
   */
  readonly syncOnProfileChanges?: boolean;

  /**
   * The Parameter Store writes (PutParameter, DeleteParameter) per second the sync keeps to. The
   * quota is shared by the account and Region; AWS Support gives PutParameter's as 3 per second
   * (10 with higher throughput enabled).
   * @default 3
   */
  readonly syncPutsPerSecond?: number;

  /**
   * How long the function's index of profiles is used before it is rebuilt (whole seconds,
   * 1 second to 1 day).
   * @default Duration.minutes(5)
   */
  readonly ttl?: Duration;

  /**
   * How long "no profile carries these tags" is remembered (whole seconds, up to 1 day).
   * @default Duration.seconds(30)
   */
  readonly negativeTtl?: Duration;

  /**
   * After `ttl`, how long the old index is still served while one refresh runs (whole seconds,
   * up to 1 day).
   * @default Duration.minutes(5)
   */
  readonly staleWhileRevalidate?: Duration;

  /**
   * A bucket for a snapshot of the index, so that a new function instance can answer before its
   * first scan. The function may read and write the snapshot's object only.
   * @default - no snapshot
   */
  readonly snapshotBucket?: s3.IBucket;

  /**
   * The snapshot's object key in `snapshotBucket`.
   * @default 'cdk-bedrock-cost-governance/profile-resolver/<the resolver's unique address>/index.json'
   */
  readonly snapshotKey?: string;

  /**
   * How long one invocation may take.
   * @default - 15 minutes when the catalog is synced (a run makes up to about 2,700 writes at
   * 3 a second), else 1 minute
   */
  readonly timeout?: Duration;

  /**
   * Memory of the function in MB.
   * @default 512
   */
  readonly memorySize?: number;

  /**
   * Network, logging and encryption of the function (its own log group, encrypted, kept a year by
   * default).
   * @default - defaults of ProviderOptions
   */
  readonly providerOptions?: ProviderOptions;
}

/** Properties of a {@link ProfileResolver}. */
export interface ProfileResolverProps extends ProfileResolverOptions {
  /**
   * The tag schema requests are checked against: a request may name only its keys (unless it
   * allows unknown keys) and only values it allows.
   */
  readonly tagSchema: CostAllocationTagSchema;

  /**
   * The profile catalog: requests by `tenantKey` read its entries, and with `tenantKeyTags` the
   * function keeps the catalog's synced entries up to date.
   * @default - no catalog: requests by tags only
   */
  readonly catalog?: ProfileCatalog;
}

const MAX_CACHE_SECONDS = 86_400;
const MAX_PUTS_PER_SECOND = 1000;
/** Bedrock's management events as CloudTrail delivers them to EventBridge (detail-type, source, eventSource). */
const PROFILE_CHANGE_EVENTS = ['CreateInferenceProfile', 'DeleteInferenceProfile', 'TagResource', 'UntagResource'];

/**
 * A function that finds a cost center's application inference profile by its tags (through the
 * Resource Groups Tagging API, cached) or by tenant key (through the profile catalog), and
 * optionally keeps the catalog's synced entries up to date.
 *
 * Invoke it with `{ "tags": { "dept": "claims" } }` or `{ "tenantKey": "claims" }`; it answers
 * `{ profileArn, profileId, profileName, tags }`, or fails with `ProfileNotFound`,
 * `AmbiguousProfile`, `InvalidResolveRequest` or `ResolverUnavailable`.
 *
 * The catalog sync (with `catalog` and `tenantKeyTags`) runs on an EventBridge Scheduler schedule
 * and, optionally, on Bedrock API calls that change profiles. It writes only entries it owns
 * (tagged `cdk-bedrock-cost-governance:catalog-owner`); see {@link ProfileCatalog}.
 *
 * @example
 * declare const catalog: ProfileCatalog;
 * const resolver = new ProfileResolver(this, 'Resolver', {
 *   tagSchema: CostAllocationTagSchema.standard(),
 *   catalog,
 *   tenantKeyTags: ['dept'],
 * });
 * resolver.grantInvoke(fn);
 */
export class ProfileResolver extends Construct {
  /** The function (Node.js 24, ARM64). */
  public readonly function: lambda.IFunction;
  /** The function's role. */
  public readonly role: iam.IRole;
  /** The key that encrypts the function's logs. */
  public readonly logEncryptionKey: kms.IKey;
  /**
   * The value of `cdk-bedrock-cost-governance:catalog-owner` on the entries the sync owns.
   * @default - no sync
   */
  public readonly syncOwner?: string;

  constructor(scope: Construct, id: string, props: ProfileResolverProps) {
    super(scope, id);
    const tenantKeyTags = props.tenantKeyTags;
    const syncs = this.checkSyncProps(props);
    const environment = this.environment(props, syncs);

    const handler = new HandlerFunction(this, 'Handler', {
      handlerName: 'profile-resolver',
      description: 'the resolution of Amazon Bedrock application inference profiles by tags or tenant key',
      timeout: props.timeout ?? (syncs ? Duration.minutes(15) : Duration.minutes(1)),
      memorySize: props.memorySize ?? 512,
      environment,
      options: props.providerOptions ?? {},
    });
    this.function = handler.function;
    this.role = handler.role;
    this.logEncryptionKey = handler.logEncryptionKey;
    this.syncOwner = syncs ? environment[RESOLVER_ENV.syncOwner] : undefined;

    this.allowIndexing(handler.role);
    props.catalog?.grantRead(handler.function);
    if (props.snapshotBucket) this.allowSnapshot(handler.role, props.snapshotBucket, environment[RESOLVER_ENV.snapshotKey]);
    if (syncs && props.catalog && tenantKeyTags && this.syncOwner) {
      this.allowSync(handler.role, props.catalog, this.syncOwner);
      this.scheduleSync(handler.function, props.syncSchedule ?? 'rate(1 hour)');
      if (props.syncOnProfileChanges) this.syncOnProfileChanges(handler.function);
    }
  }

  /**
   * Allows the grantee to invoke the function (lambda:InvokeFunction on the function, not on its
   * versions or aliases).
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.function.functionArn] });
  }

  /** Checks the props of the sync; true when the catalog is synced. */
  private checkSyncProps(props: ProfileResolverProps): boolean {
    const tags = props.tenantKeyTags;
    if (tags === undefined) {
      for (const prop of ['syncSchedule', 'syncOnProfileChanges', 'syncPutsPerSecond'] as const) {
        if (props[prop] !== undefined) throw propError(this, prop, 'applies only to the catalog sync: give tenantKeyTags (and catalog) too');
      }
      return false;
    }
    if (!props.catalog) throw propError(this, 'tenantKeyTags', 'name the tags of the catalog sync, which needs a catalog: give catalog too');
    if (tags.length === 0) throw propError(this, 'tenantKeyTags', 'must name at least one tag key');
    const problems = tags.flatMap(tagKeyProblems);
    if (problems.length > 0) throw propError(this, 'tenantKeyTags', problems.join('; '));
    if (new Set(tags).size !== tags.length) throw propError(this, 'tenantKeyTags', `must not name a key twice (${tags.join(', ')})`);
    const schema = props.tagSchema;
    const unknown = tags.filter((t) => !schema.allowUnknownKeys && !schema.tagKeys.includes(t));
    if (unknown.length > 0) {
      throw propError(this, 'tenantKeyTags', `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a key of tagSchema, `
        + 'which allows no other keys: no profile could carry it');
    }
    const scheduleProblem = props.syncSchedule === undefined ? undefined : recurringScheduleProblem(props.syncSchedule);
    if (scheduleProblem) throw propError(this, 'syncSchedule', scheduleProblem);
    const rate = props.syncPutsPerSecond;
    if (rate !== undefined && !Token.isUnresolved(rate) && !(rate > 0 && rate <= MAX_PUTS_PER_SECOND)) {
      throw propError(this, 'syncPutsPerSecond', `${rate} must be more than 0 and at most ${MAX_PUTS_PER_SECOND}`);
    }
    return true;
  }

  /** The function's environment (RESOLVER_ENV), checked against Lambda's 4 KB. */
  private environment(props: ProfileResolverProps, syncs: boolean): { [key: string]: string } {
    const schema: ResolverTagSchema = {
      keys: props.tagSchema.keys.map((k) => ({
        key: k.key,
        ...(k.required ? { required: true } : {}),
        ...(k.allowedValues ? { allowedValues: k.allowedValues } : {}),
        ...(k.pattern !== undefined ? { pattern: k.pattern } : {}),
      })),
      allowUnknownKeys: props.tagSchema.allowUnknownKeys,
    };
    const env: { [key: string]: string } = {
      [RESOLVER_ENV.tagSchema]: JSON.stringify(schema),
      [RESOLVER_ENV.ttlSeconds]: this.seconds('ttl', props.ttl, RESOLVER_DEFAULTS.ttlSeconds, 1),
      [RESOLVER_ENV.negativeTtlSeconds]: this.seconds('negativeTtl', props.negativeTtl, RESOLVER_DEFAULTS.negativeTtlSeconds, 0),
      [RESOLVER_ENV.staleWhileRevalidateSeconds]: this.seconds('staleWhileRevalidate', props.staleWhileRevalidate,
        RESOLVER_DEFAULTS.staleWhileRevalidateSeconds, 0),
    };
    if (props.catalog) env[RESOLVER_ENV.catalogPrefix] = props.catalog.prefix;
    if (props.snapshotBucket) {
      const key = props.snapshotKey ?? `cdk-bedrock-cost-governance/profile-resolver/${generateName(this, { maxLength: 200 })}/index.json`;
      if (!Token.isUnresolved(key) && (key.length < 1 || key.length > 1024 || key.startsWith('/'))) {
        throw propError(this, 'snapshotKey', `'${key}' must be an S3 object key of 1–1024 characters, not beginning with '/'`);
      }
      env[RESOLVER_ENV.snapshotBucket] = props.snapshotBucket.bucketName;
      env[RESOLVER_ENV.snapshotKey] = key;
    } else if (props.snapshotKey !== undefined) {
      throw propError(this, 'snapshotKey', 'applies only with snapshotBucket');
    }
    if (syncs) {
      env[RESOLVER_ENV.tenantKeyTags] = JSON.stringify(props.tenantKeyTags);
      // unique in the app (the construct's address) and stable across deployments; an SSM tag value
      env[RESOLVER_ENV.syncOwner] = generateName(this, { maxLength: 128 });
      if (props.syncPutsPerSecond !== undefined) env[RESOLVER_ENV.syncPutsPerSecond] = String(props.syncPutsPerSecond);
    }
    checkLambdaEnvironment(this, 'tagSchema', env, 'shorten allowedValues or patterns of the schema');
    return env;
  }

  private seconds(prop: string, value: Duration | undefined, fallback: number, min: number): string {
    if (value === undefined) return String(fallback);
    const seconds = value.toSeconds({ integral: false });
    if (Token.isUnresolved(seconds)) return Token.asString(seconds);
    if (!Number.isInteger(seconds) || seconds < min || seconds > MAX_CACHE_SECONDS) {
      throw propError(this, prop, `${value.toHumanString()} must be a whole number of seconds from ${min} to ${MAX_CACHE_SECONDS}`);
    }
    return String(seconds);
  }

  /** Scanning the account's profiles: GetResources and ListInferenceProfiles, which take no resource ARN. */
  private allowIndexing(role: iam.Role): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'FindProfilesByTags',
      actions: ['tag:GetResources', 'bedrock:ListInferenceProfiles'],
      resources: ['*'],
    }));
    acknowledgeNagFinding(role.node.findChild('DefaultPolicy'), 'AwsSolutions-IAM5',
      'tag:GetResources (Resource Groups Tagging API) and bedrock:ListInferenceProfiles do not support resource-level permissions '
      + '(Service Authorization Reference); they list the profiles and their tags, nothing else.',
      'Resource::*');
  }

  /** The snapshot's object, read and written; with the bucket's key, if it has one. */
  private allowSnapshot(role: iam.Role, bucket: s3.IBucket, key: string): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'KeepIndexSnapshot',
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [bucket.arnForObjects(key)],
    }));
    bucket.encryptionKey?.grantEncryptDecrypt(role);
  }

  /**
   * The sync's writes: PutParameter (creating with the owner tag is also ssm:AddTagsToResource) on
   * the entries below the prefix; DeleteParameter only on entries tagged with this owner
   * (aws:ResourceTag, which DeleteParameter supports per the Service Authorization Reference);
   * DescribeParameters, which has no resource type, to find them.
   */
  private allowSync(role: iam.Role, catalog: ProfileCatalog, owner: string): void {
    const [, entries] = catalog.parameterArns();
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteCatalogEntries',
      actions: ['ssm:PutParameter', 'ssm:AddTagsToResource'],
      resources: [entries],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DeleteOwnCatalogEntries',
      actions: ['ssm:DeleteParameter'],
      resources: [entries],
      conditions: { StringEquals: { [`aws:ResourceTag/${SYNC_OWNER_TAG}`]: owner } },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'FindOwnCatalogEntries',
      actions: ['ssm:DescribeParameters'],
      resources: ['*'],
    }));
    const policy = role.node.findChild('DefaultPolicy');
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      `The sync writes the catalog entries of any tenant below ${catalog.prefix}; the tenants are the account's profiles, not known at deployment. `
      + 'It deletes only entries tagged as its own (aws:ResourceTag condition).',
      `Resource::${entries}`);
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
      'ssm:DescribeParameters has no resource type (Service Authorization Reference): the sync finds its own entries with it (Path and tag filters). '
      + 'It returns parameter metadata, not values.',
      'Resource::*');
  }

  /** An EventBridge Scheduler schedule that invokes the function with `{ action: 'sync' }`. */
  private scheduleSync(fn: lambda.IFunction, expression: string): void {
    const event: SyncEvent = { action: 'sync' };
    scheduleInvocation(this, 'SyncSchedule', {
      function: fn,
      expression,
      input: event,
      description: `Syncs the profile catalog of ${this.node.path}`,
      roleDescription: 'Lets EventBridge Scheduler start the profile catalog sync',
    });
  }

  /**
   * An EventBridge rule on Bedrock's profile-changing API calls as CloudTrail delivers them
   * (source `aws.bedrock`, detail-type `AWS API Call via CloudTrail`, eventSource
   * `bedrock.amazonaws.com`: EventBridge's Amazon Bedrock event reference). The event itself is
   * the input: the handler invalidates its index on any event with a `source`, then syncs.
   */
  private syncOnProfileChanges(fn: lambda.IFunction): void {
    new events.Rule(this, 'ProfileChanges', {
      description: 'Syncs the profile catalog when an application inference profile is created, deleted, tagged or untagged',
      eventPattern: {
        source: ['aws.bedrock'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['bedrock.amazonaws.com'], eventName: PROFILE_CHANGE_EVENTS },
      },
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
  }
}
