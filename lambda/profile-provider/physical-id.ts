/**
 * The physical ID of a profile resource is the profile ARN; an adopted profile's is prefixed
 * with `adopted:`, so that a delete knows not to remove a profile the stack did not create.
 */
const ADOPTED_PREFIX = 'adopted:';
const PROFILE_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:[0-9]{12}:application-inference-profile\/[a-zA-Z0-9]+$/;

export interface ProfileRef {
  readonly arn: string;
  readonly adopted: boolean;
}

export function physicalIdOf(ref: ProfileRef): string {
  return ref.adopted ? `${ADOPTED_PREFIX}${ref.arn}` : ref.arn;
}

/** The profile a physical ID names, or undefined when it names none (a create that failed before a profile existed). */
export function parsePhysicalId(physicalId: string): ProfileRef | undefined {
  const adopted = physicalId.startsWith(ADOPTED_PREFIX);
  const arn = adopted ? physicalId.slice(ADOPTED_PREFIX.length) : physicalId;
  return PROFILE_ARN.test(arn) ? { arn, adopted } : undefined;
}
