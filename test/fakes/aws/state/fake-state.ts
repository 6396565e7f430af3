import type { LoggingConfig } from '@aws-sdk/client-bedrock';
import { partitionOf } from '../sigv4-scope';
import { AccessPolicies } from './access-policies';
import { BillingBook, CostRecord, SeeTagKeysOptions } from './billing-book';
import { CredentialStore } from './credential-store';
import { CreatedRole, CreatedUser, CreateIamEntityOptions, IamStore } from './iam-store';
import { CreateBucketOptions, ObjectStore, StoredBucket, StoredObject } from './object-store';
import {
  AddOrganizationAccountOptions, CreateOrganizationOptions, StoredOrganization, StoredOrganizationAccount, StoredOrganizationalUnit,
} from './organization-store';
import { CreateStackSetOptions, StackSetStore, StoredStackInstance, StoredStackSet } from './stack-set-store';
import { TaggedResource, TaggedResources, TagMap } from './tagged-resources';
import { CreateTopicOptions, PublishedMessage, TopicStore } from './topic-store';

/** An application inference profile as the Bedrock fake stores it (its tags live in `resources`). */
export interface StoredProfile {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly copyFrom: string;
  /** Foundation-model ARNs the profile routes to. */
  readonly models: readonly string[];
  readonly createdAt: Date;
  updatedAt: Date;
  /** Creation order, the sort key of ListInferenceProfiles. */
  readonly seq: number;
}

/** One version of an SSM parameter. */
export interface StoredParameter {
  readonly name: string;
  readonly arn: string;
  readonly type: 'String' | 'StringList' | 'SecureString';
  readonly value: string;
  readonly version: number;
  readonly tier: 'Standard' | 'Advanced';
  readonly dataType: string;
  readonly description?: string;
  readonly keyId?: string;
  readonly allowedPattern?: string;
  readonly lastModifiedDate: Date;
}

/** What an idempotent create remembers about its client token. */
export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly arn: string;
}

/** The state of one account in one Region. */
export class RegionState {
  public readonly profiles = new Map<string, StoredProfile>();
  public readonly profileTokens = new Map<string, IdempotencyRecord>();
  public readonly resources = new TaggedResources();
  /** SSM parameters by name: every kept version, oldest first. */
  public readonly parameters = new Map<string, StoredParameter[]>();
  public profileSeq = 0;
  /** The model invocation logging configuration (Put/Get/DeleteModelInvocationLoggingConfiguration); undefined: logging off. */
  public invocationLogging?: LoggingConfig;
  /** CloudFormation stack sets administered from this account and Region. */
  public readonly stackSets = new StackSetStore();

  constructor(public readonly accountId: string, public readonly region: string) {}
}

/** The state of one account: its Regions and its billing data. */
export class AccountState {
  public readonly billing = new BillingBook();
  /** What IAM allows the account's callers (everything, until configured). */
  public readonly access: AccessPolicies;
  private readonly regions = new Map<string, RegionState>();

  constructor(public readonly accountId: string) {
    this.access = new AccessPolicies(accountId);
  }

  public region(region: string): RegionState {
    let state = this.regions.get(region);
    if (!state) {
      state = new RegionState(this.accountId, region);
      this.regions.set(region, state);
    }
    return state;
  }
}

/** A recorded sts:AssumeRole call. */
export interface AssumedRole {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly externalId?: string;
  /** The account of the caller. */
  readonly callerAccountId: string;
  /** The account of the role, in which the issued credentials act. */
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly at: Date;
}

/** Limits the fake enforces like the service's quotas. */
export interface FakeLimits {
  /** Application inference profiles per account and Region. */
  profileQuota: number;
  /** SSM parameters (standard tier) per account and Region. */
  parameterQuota: number;
  /** Groups per GetCostAndUsage page (CE pages large grouped results). */
  costAndUsagePageSize: number;
  /**
   * Days after a month ends before Cost Explorer stops marking it Estimated (the bill is
   * finalized some days into the next month); 0 or undefined: at once.
   */
  monthFinalAfterDays?: number;
  /** How long GetResources keeps listing a deleted Bedrock profile (ms of the fake's clock); 0 or undefined: not at all. */
  deletedResourcesListedForMs?: number;
  /** PutParameter calls admitted per second of the fake's clock, per account and Region; undefined: no limit. */
  putParameterPerSecond?: number;
  /** Parameters one DescribeParameters call examines before it returns a (possibly short or empty) page; undefined: no limit. */
  describeParametersScanLimit?: number;
}

/** A resource to seed into the Tagging API's view. */
export interface SeedResource {
  /** The resource ARN; its Region and account place it. */
  readonly arn: string;
  /** Its tags; `{}` seeds a previously tagged resource (returned with an empty tag list). */
  readonly tags: TagMap;
}

/** Everything one fake instance knows, shared by all its services. */
export class FakeState {
  public readonly credentials = new CredentialStore();
  public readonly assumedRoles: AssumedRole[] = [];
  /** S3 buckets and objects (one global namespace). */
  public readonly objectStore = new ObjectStore();
  /** SNS topics and what was published to them. */
  public readonly topics = new TopicStore();
  /** IAM roles, users and policies, per account (IAM is global). */
  public readonly iam = new IamStore();
  /** Role ARNs, log group names and bucket names PutModelInvocationLoggingConfiguration refuses (see rejectLoggingDestination). */
  public readonly rejectedLoggingDestinations = new Set<string>();
  /** The AWS Organizations organization (one per fake; undefined: none, AWSOrganizationsNotInUseException). */
  public organization?: StoredOrganization;
  private readonly accounts = new Map<string, AccountState>();

  constructor(public readonly defaultAccountId: string, public readonly defaultRegion: string, public readonly limits: FakeLimits) {
    this.credentials.forAccount(defaultAccountId);
  }

  /** The state of an account (the fake's own account by default). */
  public account(accountId: string = this.defaultAccountId): AccountState {
    let state = this.accounts.get(accountId);
    if (!state) {
      state = new AccountState(accountId);
      this.accounts.set(accountId, state);
    }
    return state;
  }

  /** The state of an account in a Region (defaults: the fake's account and Region). */
  public region(region: string = this.defaultRegion, accountId: string = this.defaultAccountId): RegionState {
    return this.account(accountId).region(region);
  }

  /** Seeds resources for GetResources; each lands in the account and Region of its ARN. */
  public seedResources(resources: readonly SeedResource[]): void {
    for (const { arn, tags } of resources) {
      const parts = arn.split(':');
      if (parts.length < 6 || parts[0] !== 'arn') throw new Error(`not an ARN: ${arn}`);
      this.region(parts[3] || this.defaultRegion, parts[4] || this.defaultAccountId).resources.seed(arn, tags);
    }
  }

  /** Tagged or previously tagged resources of an account and Region. */
  public resources(region?: string, accountId?: string): TaggedResource[] {
    return this.region(region, accountId).resources.list();
  }

  /** Seeds Cost Explorer records into the billing data of an account (the fake's account by default). */
  public seedCosts(records: readonly CostRecord[], accountId?: string): void {
    this.account(accountId).billing.seedCosts(records);
  }

  /** Marks tag keys as seen by billing in an account, optionally already Active. */
  public seeTagKeys(keys: readonly string[], options: SeeTagKeysOptions & { accountId?: string } = {}): void {
    this.account(options.accountId).billing.seeTagKeys(keys, options);
  }

  /**
   * What IAM allows the callers of an account (the fake's own by default): identity-based policy,
   * permissions boundary, explicit denies (e.g. of a service control policy). Cost Explorer, SSM,
   * S3 and SNS check it; nothing configured allows everything.
   */
  public access(accountId?: string): AccessPolicies {
    return this.account(accountId).access;
  }

  /** Makes an account a member (linked) account: it cannot manage cost allocation tags. */
  public setMemberAccount(accountId: string, member = true): void {
    this.account(accountId).billing.memberAccount = member;
  }

  /** Application inference profiles of an account and Region, in creation order. */
  public profiles(region?: string, accountId?: string): StoredProfile[] {
    return [...this.region(region, accountId).profiles.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Creates an S3 bucket (in the fake's account and Region unless told otherwise). */
  public createBucket(name: string, options: CreateBucketOptions = {}): StoredBucket {
    return this.objectStore.create({
      name,
      accountId: options.accountId ?? this.defaultAccountId,
      region: options.region ?? this.defaultRegion,
      kmsKeyArn: options.kmsKeyArn,
      versioned: options.versioned ?? false,
      createdAt: new Date(),
    });
  }

  /** The objects of a bucket by key; every version (oldest first) when the bucket is versioned. */
  public objects(bucket: string): StoredObject[] {
    return this.objectStore.all(bucket);
  }

  /** Creates an SNS standard topic and returns its ARN (`arn:aws:sns:<region>:<account>:<name>`). */
  public createTopic(name: string, options: CreateTopicOptions = {}): string {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) throw new Error(`not a valid topic name: ${name}`);
    const region = options.region ?? this.defaultRegion;
    return this.topics.create(`arn:${partitionOf(region)}:sns:${region}:${options.accountId ?? this.defaultAccountId}:${name}`);
  }

  /** The messages published to a topic, oldest first. */
  public published(topicArn: string): PublishedMessage[] {
    return this.topics.published(topicArn);
  }

  /** Seeds (or with undefined removes) the model invocation logging configuration of an account and Region. */
  public setInvocationLogging(config: LoggingConfig | undefined, region?: string, accountId?: string): void {
    this.region(region, accountId).invocationLogging = config === undefined ? undefined : JSON.parse(JSON.stringify(config));
  }

  /** The model invocation logging configuration of an account and Region (undefined: logging off). */
  public invocationLogging(region?: string, accountId?: string): LoggingConfig | undefined {
    return this.region(region, accountId).invocationLogging;
  }

  /**
   * Makes PutModelInvocationLoggingConfiguration refuse a destination (a role ARN, log group name or
   * bucket name) as Bedrock does when it cannot write there: `ValidationException: Failed to validate
   * permissions for log group: …`.
   */
  public rejectLoggingDestination(nameOrArn: string): void {
    this.rejectedLoggingDestinations.add(nameOrArn);
  }

  /** Creates an IAM role (RoleId `AROA` + 17 characters); path `/aws-reserved/sso.amazonaws.com/` makes an Identity Center role IAM refuses to change. */
  public createRole(name: string, options: CreateIamEntityOptions = {}): CreatedRole {
    const role = this.iam.account(options.accountId ?? this.defaultAccountId).createRole(name, options.path);
    return { arn: role.arn, roleId: role.id };
  }

  /** Creates an IAM user (UserId `AIDA` + 17 characters). */
  public createUser(name: string, options: CreateIamEntityOptions = {}): CreatedUser {
    const user = this.iam.account(options.accountId ?? this.defaultAccountId).createUser(name, options.path);
    return { arn: user.arn, userId: user.id };
  }

  /** Creates a customer managed policy and returns its ARN (AWS managed policies need no seeding). */
  public createPolicy(name: string, document: object | string, options: CreateIamEntityOptions = {}): string {
    return this.iam.account(options.accountId ?? this.defaultAccountId)
      .createPolicy(name, typeof document === 'string' ? document : JSON.stringify(document), options.path);
  }

  /** The managed policy ARNs attached to a role, in attachment order (undefined: no such role). */
  public attachedRolePolicies(roleName: string, accountId?: string): string[] | undefined {
    const role = this.iam.account(accountId ?? this.defaultAccountId).role(roleName);
    return role ? [...role.attached] : undefined;
  }

  /** A role's inline policies: `{ name: document }` as put (undefined: no such role). */
  public rolePolicies(roleName: string, accountId?: string): Record<string, string> | undefined {
    const role = this.iam.account(accountId ?? this.defaultAccountId).role(roleName);
    return role ? Object.fromEntries(role.inline) : undefined;
  }

  /** A user's inline policies: `{ name: document }` (undefined: no such user). */
  public userPolicies(userName: string, accountId?: string): Record<string, string> | undefined {
    const user = this.iam.account(accountId ?? this.defaultAccountId).user(userName);
    return user ? Object.fromEntries(user.inline) : undefined;
  }

  /** Seeds a stack set (service-managed by default) in an administrator account and Region. */
  public createStackSet(options: CreateStackSetOptions): StoredStackSet {
    const region = options.region ?? this.defaultRegion;
    const accountId = options.accountId ?? this.defaultAccountId;
    return this.region(region, accountId).stackSets.add(new StoredStackSet({ ...options, region, accountId, partition: partitionOf(region) }));
  }

  /** A seeded stack set (undefined: none of that name). */
  public stackSet(name: string, region?: string, accountId?: string): StoredStackSet | undefined {
    return this.region(region, accountId).stackSets.get(name);
  }

  /** The instances of a stack set, in creation order. */
  public stackInstances(name: string, region?: string, accountId?: string): StoredStackInstance[] {
    return this.stackSet(name, region, accountId)?.list() ?? [];
  }

  /** Creates the organization (replacing any), with its management account in the root. */
  public createOrganization(options: CreateOrganizationOptions = {}): StoredOrganization {
    this.organization = new StoredOrganization({ ...options, managementAccountId: options.managementAccountId ?? this.defaultAccountId });
    return this.organization;
  }

  /** Adds an OU under a root or OU (the root by default). */
  public addOrganizationalUnit(name: string, options: { parentId?: string; id?: string } = {}): StoredOrganizationalUnit {
    return this.requireOrganization().addUnit(name, options.parentId, options.id);
  }

  /** Adds (or moves) an account in the organization, with its tags. */
  public addOrganizationAccount(options: AddOrganizationAccountOptions): StoredOrganizationAccount {
    return this.requireOrganization().addAccount(options);
  }

  /** Tags an account, OU or root of the organization. */
  public tagOrganizationResource(resourceId: string, tags: Readonly<Record<string, string>>): void {
    this.requireOrganization().tag(resourceId, tags);
  }

  private requireOrganization(): StoredOrganization {
    if (!this.organization) throw new Error('no organization: call state.createOrganization() first');
    return this.organization;
  }

  /** Forgets every account, resource, record, bucket, topic, the organization and issued credentials. */
  public reset(): void {
    this.iam.clear();
    this.rejectedLoggingDestinations.clear();
    this.objectStore.clear();
    this.topics.clear();
    this.organization = undefined;
    this.accounts.clear();
    this.assumedRoles.length = 0;
    this.credentials.clear();
    this.credentials.forAccount(this.defaultAccountId);
  }
}
