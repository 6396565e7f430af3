import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { matchesWhole } from '../contracts/bedrock-rules';

/**
 * Builds the error thrown for a prop that breaks a rule: it names the construct path, the prop
 * and the rule, so a synth failure points at the line to change.
 *
 * aws-cdk-lib's own `ValidationError` is `@internal`, so the library throws plain `Error`s.
 */
export function propError(scope: IConstruct, prop: string, rule: string): Error {
  return new Error(`${scope.node.path}: ${prop} ${rule}`);
}

/** A 12-digit AWS account ID. */
export const ACCOUNT_ID = /^[0-9]{12}$/;

/** The shape of an AWS Region name (src/contracts/region-name.ts, shared with the handlers). */
export { REGION_NAME } from '../contracts/region-name';

/** True when the value (string, number or list) carries an unresolved CDK token. */
export function isToken(value: unknown): boolean {
  return value !== undefined && value !== null && Token.isUnresolved(value);
}


/**
 * Checks a string prop against a length range and an AWS-model pattern; a token is not judged.
 * @returns a description of the first rule broken, or undefined when the value is valid
 */
export function checkString(value: string, min: number, max: number, pattern?: string): string | undefined {
  if (isToken(value)) return undefined;
  if (value.length < min || value.length > max) {
    return `must be ${min}–${max} characters long (got ${value.length})`;
  }
  if (pattern !== undefined && !matchesWhole(pattern, value)) {
    return `'${value}' must match ${pattern} (${min}–${max} chars)`;
  }
  return undefined;
}

/** Throws {@link propError} when {@link checkString} finds a broken rule. */
export function requireString(scope: IConstruct, prop: string, value: string, min: number, max: number, pattern?: string): void {
  const problem = checkString(value, min, max, pattern);
  if (problem) throw propError(scope, prop, problem);
}
