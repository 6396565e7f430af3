/**
 * The contract between `ApplicationInferenceProfile` (src/profiles) and the profile-provider
 * handler (lambda/profile-provider): the one source both import. Dependency-free.
 */

/** The CloudFormation type of the custom resource. */
export const PROFILE_RESOURCE_TYPE = 'Custom::BedrockApplicationInferenceProfile';

/**
 * The newest version of the property schema (the handler's own). The handler accepts every
 * version up to its own, so later capabilities (another target account, several profiles per
 * resource) add properties without replacing the profiles deployed with an earlier version.
 * Version 2 added `TargetRoleArn` and `TargetExternalId` (a profile in another account).
 */
export const PROFILE_SCHEMA_VERSION = 2;

/**
 * The version a profile in the stack's own account is written with: the oldest that describes
 * it, so that profiles deployed before version 2 see no property change (no Update event) when
 * the library is upgraded. A profile in another account is written with version 2, which a
 * handler of version 1 (that would create it in its own account) refuses.
 */
export const PROFILE_SCHEMA_VERSION_IN_ACCOUNT = 1;

/** One tag as the resource passes it. */
export interface ProfileResourceTag {
  readonly Key: string;
  readonly Value: string;
}

/**
 * The properties of the custom resource, as the construct writes them. CloudFormation delivers
 * every scalar to the handler as a string (`true` → `'true'`, `1` → `'1'`).
 */
export interface ProfileResourceProperties {
  /** {@link PROFILE_SCHEMA_VERSION}, as a string */
  readonly SchemaVersion: string;
  readonly ProfileName: string;
  readonly Description?: string;
  /** the model source ARN (foundation model or system-defined profile) */
  readonly CopyFrom: string;
  readonly Tags: ProfileResourceTag[];
  /** take over an existing profile of the same name */
  readonly AdoptExisting: boolean;
  /** delete an adopted profile when the resource is deleted */
  readonly DeleteAdoptedOnRemoval: boolean;
  /**
   * the IAM role (in another account) the handler assumes to manage the profile there
   * (schema version 2); absent: the handler's own account
   */
  readonly TargetRoleArn?: string;
  /** the external id the handler passes when it assumes `TargetRoleArn` (schema version 2) */
  readonly TargetExternalId?: string;
}

/** The attributes the handler returns (`Fn::GetAtt` names). */
export const PROFILE_ATTRIBUTES = {
  profileArn: 'ProfileArn',
  profileId: 'ProfileId',
  profileName: 'ProfileName',
  status: 'Status',
  modelArns: 'ModelArns',
  adopted: 'Adopted',
} as const;

/** The data of a handler response: every attribute, as strings. */
export type ProfileResourceAttributes = { readonly [K in (typeof PROFILE_ATTRIBUTES)[keyof typeof PROFILE_ATTRIBUTES]]: string };

/**
 * The physical ID of a profile resource is the profile ARN; an adopted profile's is prefixed with
 * this, so that a delete knows not to remove a profile the stack did not create.
 */
export const ADOPTED_PHYSICAL_ID_PREFIX = 'adopted:';
