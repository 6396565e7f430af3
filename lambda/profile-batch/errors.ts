/**
 * What a batch tells the operator when something goes wrong: the single handler's explanations
 * (lambda/profile-provider/errors.ts) where they fit, and the batch's own for name conflicts.
 * Messages stay short: the failure response CloudFormation gets (stack trace included) must fit
 * in its 4,096 bytes too.
 */
import { MemberSpec } from './properties';
import { PROFILE_BATCH_OWNER_TAG } from '../../src/contracts/profile-batch';
import { explain } from '../profile-provider/errors';
import { errorName } from '../shared/log';

/** Explains an error of a create, delete or tag call about one member. */
export function explainMember(error: unknown, member: MemberSpec, region: string): Error {
  if (errorName(error) === 'ConflictException') return conflictError([member.name], region);
  const explained = explain(error, { ...member, adoptExisting: false, deleteAdoptedOnRemoval: false }, region);
  return explained === error ? explained : new Error(`Member '${member.key}': ${explained.message}`);
}

/** Profiles of the batch's names that the batch does not own (no owner tag, or another batch's). */
export function conflictError(names: string[], region: string): Error {
  const shown = names.slice(0, 5).map((n) => `'${n}'`).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
  const one = names.length === 1;
  return new Error(`Application inference profile${one ? '' : 's'} ${shown} already exist${one ? 's' : ''} in ${region} `
    + `without this batch's owner tag (${PROFILE_BATCH_OWNER_TAG}): made outside this resource, or by another one. A batch never `
    + `adopts or deletes a profile it did not create. Give the member${one ? '' : 's'} another ProfileName, or delete the existing `
    + `profile${one ? '' : 's'} (aws bedrock delete-inference-profile --region ${region} --inference-profile-identifier <ARN>) if no one uses `
    + `${one ? 'it' : 'them'}.`);
}
