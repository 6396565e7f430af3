/**
 * The contract between `ApplicationInferenceProfile` (src/profiles) and the profile-provider
 * handler (lambda/profile-provider): the one source both import. Dependency-free.
 */

/** The CloudFormation type of the custom resource. */
export const PROFILE_RESOURCE_TYPE = 'Custom::BedrockApplicationInferenceProfile';

/**
 * The version of the property schema. The handler accepts every version up to its own, so later
 * capabilities (another target account, several profiles per resource) add properties without
 * replacing the profiles deployed with an earlier version.
 */
export const PROFILE_SCHEMA_VERSION = 1;

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
