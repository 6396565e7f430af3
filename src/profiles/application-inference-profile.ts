import { CustomResource, Lazy, RemovalPolicy, TagManager, TagType, ITaggable, Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { profileIdFromArn } from './profile-arn';
import { ApplicationInferenceProfileBase, GrantInvokeOptions, IApplicationInferenceProfile } from './profile-base';
import { generateProfileName, PROFILE_NAME_RULES } from './profile-name';
import { ProfileProvider } from './profile-provider';
import { declareProfileAccount } from './profile-quota';
import { knownTargetAccountId, TargetAccount, targetAccountId, validateTargetAccount } from './target-account';
import { APPLICATION_PROFILE_ARN } from '../contracts/bedrock-rules';
import {
  PROFILE_ATTRIBUTES, PROFILE_RESOURCE_TYPE, PROFILE_SCHEMA_VERSION, PROFILE_SCHEMA_VERSION_IN_ACCOUNT, ProfileResourceProperties, ProfileResourceTag,
} from '../contracts/profile-resource';
import { ModelSource, ModelSourceKind } from '../models/model-source';
import { CostCenter } from '../tags/cost-center';
import { tagMapProblems } from '../tags/tag-rules';
import { costCenterFact, recordGovernanceFact } from '../util/governance-metadata';
import { propError, requireString } from '../util/validation';

/** Properties of an {@link ApplicationInferenceProfile}. */
export interface ApplicationInferenceProfileProps {
  /** What the profile copies: a foundation model or a system-defined cross-Region profile. */
  readonly modelSource: ModelSource;

  /**
   * The profile's name, unique per account and Region: 1–64 characters matching
   * `([0-9a-zA-Z][ _-]?)+`. A change of name creates a new profile and deletes the old one.
   * @default - generated from the construct's address and a hash of the model source and
   * description, so a change of either yields a new profile instead of a failed update
   */
  readonly profileName?: string;

  /**
   * A description: 1–200 characters matching `([0-9a-zA-Z:.][ _-]?)+`.
   * @default - no description
   */
  readonly description?: string;

  /**
   * The cost center the profile belongs to: its tags are applied to the profile (before
   * `tags`, which win on a conflict).
   * @default - none
   */
  readonly costCenter?: CostCenter;

  /**
   * Cost allocation tags of the profile (e.g. `{ dept: 'claims' }`). Tags applied with
   * `Tags.of(scope)` to an enclosing scope are added too; these win on a conflict.
   * @default - only the tags applied to enclosing scopes
   */
  readonly tags?: { [key: string]: string };

  /**
   * What happens to the profile when it leaves the stack. Profiles the resource created are
   * deleted by default; adopted profiles are kept unless this is set to DESTROY explicitly.
   * @default RemovalPolicy.DESTROY (created profiles); adopted profiles are retained
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Take over an existing profile with the same name (its tags are reconciled) instead of
   * failing with a conflict. Requires `profileName`.
   * @default false
   */
  readonly adoptExisting?: boolean;

  /**
   * Create the profile in another account, through a role of that account that the stack's
   * profile provider assumes (e.g. a `ProfileManagementRole` deployed there by a StackSet). The
   * profile's ARN and ID are that account's, in this stack's Region; creation, tag updates,
   * adoption and deletion behave as for a profile of this account. The model-source permissions
   * are the target role's (they are evaluated in its account); the provider's role only gets
   * `sts:AssumeRole` on `roleArn`. Bedrock has no resource-based policies, so `grantInvoke` and
   * `grantRead` refuse: grant access in the target account. A change of account creates the
   * profile in the new account and deletes it from the old one.
   * @default - the stack's own account
   */
  readonly targetAccount?: TargetAccount;
}

/** What is known of a profile imported from the L1 beyond what the L1 says. */
export interface ImportedProfileOptions {
  /**
   * The cost center it belongs to; its tags count as the profile's (the L1's own tags win).
   * @default - none
   */
  readonly costCenter?: CostCenter;

  /**
   * What it copies, when the L1's `modelSource.copyFrom` is a token.
   * @default - read from the L1's `modelSource.copyFrom`
   */
  readonly modelSource?: ModelSource;
}

/** The model source of an L1 profile: its literal `copyFrom` ARN, or an unknown model (a token). */
function modelSourceOfL1(cfn: bedrock.CfnApplicationInferenceProfile): ModelSource | undefined {
  const source = cfn.modelSource;
  if (source === undefined || Token.isUnresolved(source)) return undefined;
  const copyFrom = (source as bedrock.CfnApplicationInferenceProfile.InferenceProfileModelSourceProperty).copyFrom;
  return copyFrom === undefined ? undefined : ModelSource.fromArn(copyFrom);
}

/** Attributes of an application inference profile made elsewhere. */
export interface ApplicationInferenceProfileAttributes {
  /** The profile's ARN. */
  readonly profileArn: string;

  /**
   * Its cost allocation tags, as deployed (used by tag policies, budgets and the catalog).
   * @default - no tags known
   */
  readonly tags?: { [key: string]: string };

  /**
   * What it copies; grants then name the underlying model instead of every foundation model.
   * @default - unknown: grants allow any foundation model, only through this profile
   */
  readonly modelSource?: ModelSource;

  /**
   * The cost center it belongs to; its tags count as the profile's (before `tags`, which win).
   * @default - none
   */
  readonly costCenter?: CostCenter;
}

/**
 * An Amazon Bedrock application inference profile that carries cost allocation tags, created by
 * a custom resource (one provider function per stack).
 *
 * @example
 * const claims = new ApplicationInferenceProfile(this, 'Claims', {
 *   modelSource: ModelSource.crossRegion(InferenceGeo.US, 'anthropic.claude-sonnet-4-5-20250929-v1:0'),
 *   tags: { dept: 'claims' },
 * });
 */
export class ApplicationInferenceProfile extends ApplicationInferenceProfileBase implements ITaggable {
  /** Imports a profile by ARN. */
  public static fromProfileArn(scope: Construct, id: string, profileArn: string): IApplicationInferenceProfile {
    return ApplicationInferenceProfile.fromProfileAttributes(scope, id, { profileArn });
  }

  /**
   * Imports a profile made with the L1 `CfnApplicationInferenceProfile` (directly, or inside
   * another construct such as `@aws-cdk/aws-bedrock-alpha`'s `ApplicationInferenceProfile`: pass
   * its `node.defaultChild`, or use {@link ApplicationInferenceProfile.fromConstruct}). It gets
   * every feature of the library's own profiles: its tags are read from the L1 when the template
   * is rendered (so `Tags.of()` counts), its model source from `modelSource.copyFrom` (a literal
   * ARN names the model for grants and prices; a token leaves it unknown).
   */
  public static fromCfnApplicationInferenceProfile(scope: Construct, id: string, cfn: bedrock.CfnApplicationInferenceProfile,
    options: ImportedProfileOptions = {}): IApplicationInferenceProfile {
    const path = `${scope.node.path}/${id}`;
    const modelSource = options.modelSource ?? modelSourceOfL1(cfn);
    class Import extends ApplicationInferenceProfileBase {
      public readonly profileArn = cfn.attrInferenceProfileArn;
      public readonly profileId = cfn.attrInferenceProfileId;
      public readonly modelSource = modelSource;
      public readonly costCenter = options.costCenter;
      public get costAllocationTags(): { [key: string]: string } {
        // the L1's own tags (its `tags` prop), then those applied with Tags.of() (which win, as when rendered)
        const own = Token.isUnresolved(cfn.tags) ? [] : cfn.tags ?? [];
        return { ...(options.costCenter?.tags ?? {}), ...Object.fromEntries(own.map((t) => [t.key, t.value])), ...cfn.cdkTagManager.tagValues() };
      }
    }
    const imported = new Import(scope, id);
    if (options.costCenter) recordGovernanceFact(cfn, { kind: 'profile', costCenter: costCenterFact(options.costCenter) });
    imported.node.addValidation({ validate: () => tagMapProblems(imported.costAllocationTags).map((p) => `${path}: tags ${p}`) });
    return imported;
  }

  /**
   * Imports the application inference profile a construct made with the L1: the construct itself
   * when it is a `CfnApplicationInferenceProfile`, else its `node.defaultChild` (as in
   * `@aws-cdk/aws-bedrock-alpha`'s `ApplicationInferenceProfile`).
   */
  public static fromConstruct(scope: Construct, id: string, construct: IConstruct,
    options: ImportedProfileOptions = {}): IApplicationInferenceProfile {
    const candidate = construct instanceof bedrock.CfnApplicationInferenceProfile ? construct : construct.node.defaultChild;
    if (!(candidate instanceof bedrock.CfnApplicationInferenceProfile)) {
      throw new Error(`${scope.node.path}/${id}: ${construct.node.path} is not an application inference profile made with `
        + 'CfnApplicationInferenceProfile, nor a construct whose defaultChild is one: import it with fromProfileAttributes');
    }
    return ApplicationInferenceProfile.fromCfnApplicationInferenceProfile(scope, id, candidate, options);
  }

  /** Imports a profile made elsewhere (the L1, another stack, the console) with what is known of it. */
  public static fromProfileAttributes(scope: Construct, id: string, attrs: ApplicationInferenceProfileAttributes): IApplicationInferenceProfile {
    class Import extends ApplicationInferenceProfileBase {
      public readonly profileArn = attrs.profileArn;
      public readonly profileId = profileIdFromArn(attrs.profileArn);
      public readonly modelSource = attrs.modelSource;
      public readonly costCenter = attrs.costCenter;
      public readonly costAllocationTags = { ...(attrs.costCenter?.tags ?? {}), ...(attrs.tags ?? {}) };
    }
    const path = `${scope.node.path}/${id}`;
    if (!Token.isUnresolved(attrs.profileArn) && !APPLICATION_PROFILE_ARN.test(attrs.profileArn)) {
      throw new Error(`${path}: profileArn '${attrs.profileArn}' must be an application inference profile ARN (arn:<partition>:bedrock:<region>:<account>:application-inference-profile/<id>)`);
    }
    const problems = tagMapProblems(attrs.tags ?? {});
    if (problems.length > 0) throw new Error(`${path}: tags ${problems.join('; ')}`);
    const imported = new Import(scope, id, { environmentFromArn: attrs.profileArn });
    return imported;
  }

  public readonly profileArn: string;
  public readonly profileId: string;
  /** The profile's name. */
  public readonly profileName: string;
  public readonly modelSource?: ModelSource;
  /**
   * The cost center the profile was created for.
   * @default - none
   */
  public readonly costCenter?: CostCenter;
  /** The tags of the profile; `Tags.of(scope)` adds to them. */
  public readonly tags: TagManager;
  /** The foundation model ARNs the profile reaches, comma-separated (as Bedrock reports them). */
  public readonly modelArns: string;
  /** The profile's status (ACTIVE). */
  public readonly status: string;

  /**
   * The account the profile lives in when it is not the stack's own.
   * @default - the stack's own account
   */
  public readonly targetAccount?: TargetAccount;

  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ApplicationInferenceProfileProps) {
    // the profile's environment is its account's (the target's, when given)
    super(scope, id, props.targetAccount ? { account: targetAccountId(scope, props.targetAccount) } : {});
    this.validate(props);
    this.targetAccount = props.targetAccount;
    this.modelSource = props.modelSource;
    const source = props.modelSource.bind(this);
    this.profileName = props.profileName ?? generateProfileName(this, props.modelSource.identity, props.description);
    this.tags = new TagManager(TagType.MAP, PROFILE_RESOURCE_TYPE, undefined, { tagPropertyName: 'tags' });
    this.costCenter = props.costCenter;
    for (const [key, value] of Object.entries({ ...props.costCenter?.tags, ...props.tags })) {
      // priority above the default (100) of Tags.of(), so the construct's own tags win
      this.tags.setTag(key, value, 200);
    }
    this.node.addValidation({ validate: () => tagMapProblems(this.costAllocationTags).map((p) => `tags: ${p}`) });

    const provider = ProfileProvider.of(this);
    const target = props.targetAccount;
    const adopted = props.adoptExisting ?? false;
    if (target) {
      // in the target account the target role's permissions apply, not the provider's
      provider._allowAssumeRole(target.roleArn);
    } else {
      provider._allowCopyFrom(source.copyFromArn);
      // adoption, and an update that must tell a refused change of source from the rollback of one,
      // compare the profile's models with those of a system-defined source (GetInferenceProfile on it)
      if (props.modelSource.kind !== ModelSourceKind.FOUNDATION_MODEL) provider._allowReadSource(source.copyFromArn);
    }
    // typed by the contract the handler parses (src/contracts/profile-resource.ts)
    const properties: ProfileResourceProperties = {
      SchemaVersion: String(target ? PROFILE_SCHEMA_VERSION : PROFILE_SCHEMA_VERSION_IN_ACCOUNT),
      ProfileName: this.profileName,
      Description: props.description,
      CopyFrom: source.copyFromArn,
      // read when the template is rendered, so that tags applied with Tags.of() count
      Tags: Lazy.any({ produce: (): ProfileResourceTag[] => Object.entries(this.costAllocationTags).map(([Key, Value]) => ({ Key, Value })) },
        { omitEmptyArray: false }) as unknown as ProfileResourceTag[],
      AdoptExisting: adopted,
      DeleteAdoptedOnRemoval: adopted && props.removalPolicy === RemovalPolicy.DESTROY,
      // the handler rewrites a system-defined source's account to the target's (its ARN names the account that uses it)
      TargetRoleArn: target?.roleArn,
      TargetExternalId: target?.externalId,
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: PROFILE_RESOURCE_TYPE,
      properties: { ...properties },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.profileArn = this.resource.getAttString(PROFILE_ATTRIBUTES.profileArn);
    this.profileId = this.resource.getAttString(PROFILE_ATTRIBUTES.profileId);
    this.modelArns = this.resource.getAttString(PROFILE_ATTRIBUTES.modelArns);
    this.status = this.resource.getAttString(PROFILE_ATTRIBUTES.status);
    // the quota counts the CloudFormation resource, in the target account
    if (target) declareProfileAccount(this.resource.node.defaultChild!, knownTargetAccountId(this, target));
    recordGovernanceFact(this.resource, { kind: 'profile', costCenter: costCenterFact(props.costCenter) });
  }

  /**
   * Allows the grantee to invoke the model through this profile. Refused for a profile in another
   * account (`targetAccount`): Amazon Bedrock has no resource-based policies, so an identity policy
   * in this account cannot open a profile of another account; grant in that account instead.
   */
  public grantInvoke(grantee: iam.IGrantable, options: GrantInvokeOptions = {}): iam.Grant {
    if (this.targetAccount) throw this.crossAccountGrantError('grantInvoke');
    return super.grantInvoke(grantee, options);
  }

  /** Allows the grantee to read the profile. Refused for a profile in another account (see `grantInvoke`). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    if (this.targetAccount) throw this.crossAccountGrantError('grantRead');
    return super.grantRead(grantee);
  }

  /** The tags as they will be deployed: those set on the profile and those applied to enclosing scopes. */
  public get costAllocationTags(): { [key: string]: string } {
    return this.tags.tagValues();
  }

  private crossAccountGrantError(method: string): Error {
    return new Error(`${this.node.path}: ${method} is not supported for a profile in another account (targetAccount ${this.targetAccount!.roleArn}): `
      + 'Amazon Bedrock has no resource-based policies, so a principal of this account cannot use a profile of the target account '
      + 'whatever its own identity policy says. Grant in the target account: import the profile there with '
      + 'ApplicationInferenceProfile.fromProfileArn and grant to a role of that account, or let callers assume such a role.');
  }

  private validate(props: ApplicationInferenceProfileProps): void {
    if (props.targetAccount) validateTargetAccount(this, 'targetAccount', props.targetAccount);
    const r = PROFILE_NAME_RULES;
    if (props.profileName !== undefined) {
      requireString(this, 'profileName', props.profileName, r.nameMinLength, r.nameMaxLength, r.namePattern);
    }
    if (props.description !== undefined) {
      requireString(this, 'description', props.description, r.descriptionMinLength, r.descriptionMaxLength, r.descriptionPattern);
    }
    const problems = tagMapProblems(props.tags ?? {});
    if (problems.length > 0) throw propError(this, 'tags', problems.join('; '));
    if (props.adoptExisting && props.profileName === undefined) {
      throw propError(this, 'adoptExisting', 'requires profileName: only a profile with a known name can be adopted');
    }
    if (props.removalPolicy === RemovalPolicy.SNAPSHOT) {
      throw propError(this, 'removalPolicy', 'SNAPSHOT is not supported by application inference profiles: use DESTROY or RETAIN');
    }
  }
}
