import { Aws, CustomResource, Lazy, RemovalPolicy, TagManager, TagType, ITaggable, Token, Fn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApplicationInferenceProfileBase } from './profile-base';
import { ProfileBatchProvider } from './profile-batch-provider';
import { generateProfileName, PROFILE_NAME_RULES } from './profile-name';
import { declareProfileWithoutResource } from './profile-quota';
import {
  memberAttribute, PROFILE_BATCH_COUNT_ATTRIBUTE, PROFILE_BATCH_MAX_MEMBERS, PROFILE_BATCH_OWNER_TAG, PROFILE_BATCH_RESOURCE_TYPE,
  PROFILE_BATCH_SCHEMA_VERSION, ProfileBatchMember, ProfileBatchProperties,
} from '../contracts/profile-batch';
import { ProfileResourceTag } from '../contracts/profile-resource';
import { ModelSource, ModelSourceKind } from '../models/model-source';
import { CostCenter } from '../tags/cost-center';
import { tagMapProblems } from '../tags/tag-rules';
import { costCenterFact, recordGovernanceFact } from '../util/governance-metadata';
import { propError, requireString } from '../util/validation';

/** Properties of a {@link ProfileBatch}. */
export interface ProfileBatchProps {
  /**
   * The provider.
   * @default ProfileBatchProvider.of(this) - the one of the app stack (the top-level stack, also for a batch in a nested stack)
   */
  readonly provider?: ProfileBatchProvider;

  /**
   * What happens to the profiles when the batch leaves the stack.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A profile of a {@link ProfileBatch}. */
export interface BatchedProfileProps {
  /**
   * The member's key: unique in the batch and stable for the life of the profile (the response
   * attribute that carries its ID is named after it). 1–256 characters.
   */
  readonly key: string;

  /** What the profile copies. */
  readonly modelSource: ModelSource;

  /**
   * The profile's name, unique per account and Region (1–64 characters of `([0-9a-zA-Z][ _-]?)+`).
   * A change creates a new profile and deletes the old one.
   * @default - generated from the member's construct address and a hash of the model source and description
   */
  readonly profileName?: string;

  /**
   * A description (1–200 characters of `([0-9a-zA-Z:.][ _-]?)+`).
   * @default - none
   */
  readonly description?: string;

  /**
   * The cost center the profile belongs to: its tags are the profile's (before `tags`).
   * @default - none
   */
  readonly costCenter?: CostCenter;

  /**
   * Cost allocation tags; `Tags.of()` on an enclosing scope adds to them, these win.
   * @default - only the cost center's and those applied to enclosing scopes
   */
  readonly tags?: { [key: string]: string };
}

/**
 * One profile of a batch: an `IApplicationInferenceProfile` like any other (grants, metrics,
 * budgets, dashboards, catalog), taggable with `Tags.of()`, but no CloudFormation resource of its
 * own: the batch's custom resource creates it, and answers its ID.
 */
export class BatchedProfile extends ApplicationInferenceProfileBase implements ITaggable {
  public readonly profileArn: string;
  public readonly profileId: string;
  /** The profile's name. */
  public readonly profileName: string;
  /** The member's key in its batch. */
  public readonly key: string;
  /** What the profile copies. */
  public readonly modelSource?: ModelSource;
  /**
   * The cost center the profile was created for.
   * @default - none
   */
  public readonly costCenter?: CostCenter;
  /** The tags of the profile; `Tags.of(scope)` adds to them. */
  public readonly tags: TagManager;
  /** @internal */
  public readonly _copyFrom: string;
  /** @internal */
  public readonly _description?: string;

  /** @internal */
  constructor(batch: ProfileBatch, id: string, props: BatchedProfileProps, idToken: string) {
    super(batch, id);
    const r = PROFILE_NAME_RULES;
    if (props.profileName !== undefined) requireString(this, 'profileName', props.profileName, r.nameMinLength, r.nameMaxLength, r.namePattern);
    if (props.description !== undefined) {
      requireString(this, 'description', props.description, r.descriptionMinLength, r.descriptionMaxLength, r.descriptionPattern);
    }
    const tagProblems = tagMapProblems(props.tags ?? {});
    if (tagProblems.length > 0) throw propError(this, 'tags', tagProblems.join('; '));
    this.key = props.key;
    this.modelSource = props.modelSource;
    this.costCenter = props.costCenter;
    this._description = props.description;
    this._copyFrom = props.modelSource.bind(this).copyFromArn;
    this.profileName = props.profileName ?? generateProfileName(this, props.modelSource.identity, props.description);
    this.tags = new TagManager(TagType.MAP, PROFILE_BATCH_RESOURCE_TYPE, undefined, { tagPropertyName: 'tags' });
    for (const [key, value] of Object.entries({ ...props.costCenter?.tags, ...props.tags })) {
      this.tags.setTag(key, value, 200);
    }
    this.node.addValidation({ validate: () => tagMapProblems(this.costAllocationTags).map((p) => `tags: ${p}`) });
    declareProfileWithoutResource(this);
    this.profileId = idToken;
    this.profileArn = Fn.join('', [`arn:${Aws.PARTITION}:bedrock:${Aws.REGION}:${Aws.ACCOUNT_ID}:application-inference-profile/`, idToken]);
  }

  public get costAllocationTags(): { [key: string]: string } {
    return this.tags.tagValues();
  }
}

/**
 * Up to 100 application inference profiles owned by one custom resource
 * (`Custom::BedrockApplicationInferenceProfileBatch`): how fleets stay within CloudFormation's
 * 500 resources per template and Lambda's concurrency. The provider creates, re-tags and deletes
 * the members idempotently, at a pace shared by every batch of the account and Region
 * (`ProviderOptions.profileCallsPerSecond`), each isComplete call within Lambda's 15 minutes and
 * the whole batch within CloudFormation's hour.
 *
 * The provider marks the profiles it creates with the tag
 * `cdk-bedrock-cost-governance:profile-batch` (the batch's owner id) and deletes only profiles
 * that carry it; a profile of the same name made otherwise is a conflict, never taken over.
 *
 * A member removed from the batch is deleted during the update. If that update then rolls back,
 * the member is created again, with a new ID: references follow, but callers that cached the old
 * ARN must look it up again.
 *
 * @example
 * const batch = new ProfileBatch(this, 'Tenants');
 * const acme = batch.addProfile('Acme', {
 *   key: 'acme',
 *   modelSource: ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0'),
 *   tags: { tenant: 'acme' },
 * });
 * acme.grantInvoke(fn);
 */
export class ProfileBatch extends Construct {
  /** The members, in the order they were added. */
  public readonly profiles: BatchedProfile[] = [];
  /** The custom resource. */
  public readonly resource: CustomResource;

  private readonly provider: ProfileBatchProvider;

  constructor(scope: Construct, id: string, props: ProfileBatchProps = {}) {
    super(scope, id);
    this.provider = props.provider ?? ProfileBatchProvider.of(this);
    if (props.removalPolicy === RemovalPolicy.SNAPSHOT) {
      throw propError(this, 'removalPolicy', 'SNAPSHOT is not supported by application inference profiles: use DESTROY or RETAIN');
    }
    const properties: ProfileBatchProperties = {
      SchemaVersion: String(PROFILE_BATCH_SCHEMA_VERSION),
      // read when the template is rendered: members added later and tags applied with Tags.of() count
      Members: Lazy.any({ produce: () => this.profiles.map((p) => memberOf(p)) }, { omitEmptyArray: false }) as unknown as ProfileBatchMember[],
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: PROFILE_BATCH_RESOURCE_TYPE,
      properties: { ...properties },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** The number of members the deployed batch holds. */
  public get memberCount(): string {
    return this.resource.getAttString(PROFILE_BATCH_COUNT_ATTRIBUTE);
  }

  /**
   * Adds a profile to the batch.
   * @param id the member's construct ID (its address names the generated profile name)
   */
  public addProfile(id: string, props: BatchedProfileProps): BatchedProfile {
    const path = `${this.node.path}/${id}`;
    if (Token.isUnresolved(props.key) || props.key.length < 1 || props.key.length > 256) {
      throw new Error(`${path}: key must be 1–256 characters known at synth (it names the member's response attribute)`);
    }
    if (this.profiles.some((p) => p.key === props.key)) throw new Error(`${path}: key '${props.key}' is in batch ${this.node.path} already`);
    if (this.profiles.length >= PROFILE_BATCH_MAX_MEMBERS) {
      throw new Error(`${path}: batch ${this.node.path} holds ${PROFILE_BATCH_MAX_MEMBERS} profiles already, the most one batch can hold `
        + '(CloudFormation accepts custom resource responses of at most 4,096 bytes)');
    }
    const member = new BatchedProfile(this, id, props, this.resource.getAttString(memberAttribute(props.key)));
    this.provider._allowCopyFrom(member._copyFrom);
    this.provider._countMember();
    if (props.modelSource.kind !== ModelSourceKind.FOUNDATION_MODEL) this.provider._allowReadSource(member._copyFrom);
    this.profiles.push(member);
    recordGovernanceFact(this.resource, { kind: 'batch-member', key: props.key, costCenter: costCenterFact(props.costCenter) });
    return member;
  }

  private problems(): string[] {
    const problems: string[] = [];
    const names = new Map<string, string>();
    const attributes = new Map<string, string>();
    for (const p of this.profiles) {
      if (!Token.isUnresolved(p.profileName)) {
        const other = names.get(p.profileName);
        if (other) problems.push(`profiles ${other} and ${p.node.path} have the same name '${p.profileName}'`);
        names.set(p.profileName, p.node.path);
      }
      const attribute = memberAttribute(p.key);
      const clash = attributes.get(attribute);
      if (clash) problems.push(`keys '${clash}' and '${p.key}' hash to the same attribute ${attribute}: rename one`);
      attributes.set(attribute, p.key);
      if (PROFILE_BATCH_OWNER_TAG in p.costAllocationTags) problems.push(`${p.node.path}: the tag ${PROFILE_BATCH_OWNER_TAG} is the provider's own`);
    }
    return problems;
  }
}

function memberOf(p: BatchedProfile): ProfileBatchMember {
  const tags: ProfileResourceTag[] = Object.entries(p.costAllocationTags).map(([Key, Value]) => ({ Key, Value }));
  return {
    Key: p.key,
    ProfileName: p.profileName,
    ...(p._description !== undefined ? { Description: p._description } : {}),
    CopyFrom: p._copyFrom,
    Tags: tags,
  };
}
