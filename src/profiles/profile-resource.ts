/** The CloudFormation type of the custom resource. */
export const PROFILE_RESOURCE_TYPE = 'Custom::BedrockApplicationInferenceProfile';

/**
 * The version of the custom resource's property schema. The handler accepts every version up to
 * its own, so later capabilities (another target account, several profiles per resource) add
 * properties without replacing the profiles deployed with an earlier version.
 */
export const PROFILE_SCHEMA_VERSION = '1';
