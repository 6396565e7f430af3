import { ProfileSpec } from './properties';
import { errorMessage, errorName } from '../shared/log';

/**
 * Turns a Bedrock error into one that says what to do. The original error's name is kept in the
 * message so that logs and CloudFormation events show both.
 */
export function explain(error: unknown, spec: ProfileSpec, region: string): Error {
  const name = errorName(error);
  const detail = errorMessage(error);
  switch (name) {
    case 'ConflictException':
      return new Error(`An application inference profile named '${spec.name}' already exists in ${region} (${name}: ${detail}). `
        + 'Set adoptExisting: true to take it over, or choose another profileName (names are unique per account and Region).');
    case 'ServiceQuotaExceededException':
      return new Error(`The account has reached its quota of application inference profiles in ${region} (1,000 by default; ${name}: ${detail}). `
        + 'Delete profiles that are no longer used, or request an increase of the Amazon Bedrock quota "Inference profiles per account" '
        + '(quota code L-40EC9882) in Service Quotas.');
    case 'ValidationException':
      return new Error(`Amazon Bedrock rejected profile '${spec.name}' (${name}: ${detail}). `
        + `Check the name, description, tags and the model source ${spec.copyFrom} (it must exist in ${region} and be enabled for the account).`);
    case 'ResourceNotFoundException':
      return new Error(`The model source ${spec.copyFrom} of profile '${spec.name}' was not found in ${region} (${name}: ${detail}). `
        + 'Check the model ID and Region, and that the model is available to the account.');
    case 'AccessDeniedException':
      if (spec.target) {
        return new Error(`The role ${spec.target.roleArn} may not manage profile '${spec.name}' or read ${spec.copyFrom} in account `
          + `${spec.target.accountId} (${name}: ${detail}). The member account's role needs the inference-profile, tagging and `
          + 'model-source permissions of ProfileManagementRole; check also service control policies and permission boundaries there.');
      }
      return new Error(`The provider's role may not manage profile '${spec.name}' or read ${spec.copyFrom} (${name}: ${detail}). `
        + 'Check service control policies and permission boundaries that apply to the role.');
    case 'TooManyTagsException':
      return new Error(`Profile '${spec.name}' would carry too many tags (${name}: ${detail}); a resource takes at most 200.`);
    default:
      return error instanceof Error ? error : new Error(detail);
  }
}
