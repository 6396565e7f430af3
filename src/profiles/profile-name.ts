import { IConstruct } from 'constructs';
import { PROFILE_NAME_RULES } from '../contracts/bedrock-rules';
import { generateName, stableText } from '../util/names';

export { PROFILE_NAME_RULES } from '../contracts/bedrock-rules';

/**
 * A profile name for a construct (the library's one name scheme, `generateName`): its address
 * followed by a short hash of the model source and description. Fits `([0-9a-zA-Z][ _-]?)+` and
 * 64 characters, so two uses never collide, and a change of model or description yields a new
 * name — which the provider turns into a new profile (the old one is deleted after the update).
 */
export function generateProfileName(scope: IConstruct, sourceIdentity: string, description: string | undefined): string {
  return generateName(scope, {
    maxLength: PROFILE_NAME_RULES.nameMaxLength,
    identity: `${sourceIdentity}\n${stableText(description)}`,
  });
}
