import { APPLICATION_PROFILE_ARN } from '../../src/contracts/bedrock-rules';
import { ADOPTED_PHYSICAL_ID_PREFIX } from '../../src/contracts/profile-resource';

/**
 * The physical ID of a profile resource is the profile ARN; an adopted profile's is prefixed
 * with `adopted:`, so that a delete knows not to remove a profile the stack did not create.
 */
export interface ProfileRef {
  readonly arn: string;
  readonly adopted: boolean;
}

export function physicalIdOf(ref: ProfileRef): string {
  return ref.adopted ? `${ADOPTED_PHYSICAL_ID_PREFIX}${ref.arn}` : ref.arn;
}

/** The profile a physical ID names, or undefined when it names none (a create that failed before a profile existed). */
export function parsePhysicalId(physicalId: string): ProfileRef | undefined {
  const adopted = physicalId.startsWith(ADOPTED_PHYSICAL_ID_PREFIX);
  const arn = adopted ? physicalId.slice(ADOPTED_PHYSICAL_ID_PREFIX.length) : physicalId;
  return APPLICATION_PROFILE_ARN.test(arn) ? { arn, adopted } : undefined;
}
