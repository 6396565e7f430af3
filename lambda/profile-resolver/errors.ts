import { RESOLVER_ERRORS } from '../../src/contracts/profile-resolver';

export type ResolverErrorName = typeof RESOLVER_ERRORS[keyof typeof RESOLVER_ERRORS];

/**
 * An error a caller can act on. The Lambda Node.js runtime reports a thrown error's `name` as the
 * `errorType` of the failed invocation and its `message` as `errorMessage`
 * (aws/aws-lambda-nodejs-runtime-interface-client, src/Errors.js `toRapidResponse`), so the name
 * is one of RESOLVER_ERRORS and the message says what to do.
 */
export class ResolverError extends Error {
  constructor(public readonly name: ResolverErrorName, message: string) {
    super(message);
  }
}

export function invalidRequest(message: string): ResolverError {
  return new ResolverError(RESOLVER_ERRORS.invalidRequest, message);
}

export function notFound(message: string): ResolverError {
  return new ResolverError(RESOLVER_ERRORS.notFound, message);
}

export function ambiguous(message: string): ResolverError {
  return new ResolverError(RESOLVER_ERRORS.ambiguous, message);
}

export function unavailable(message: string): ResolverError {
  return new ResolverError(RESOLVER_ERRORS.unavailable, message);
}

export function misconfigured(message: string): ResolverError {
  return new ResolverError(RESOLVER_ERRORS.misconfigured, message);
}
