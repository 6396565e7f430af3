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

/**
 * The shape of an AWS Region name: `<area>[-gov|-iso…]-<direction>-<n>`, e.g. `us-east-1`,
 * `ap-southeast-7`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. A shape, not a list, so that
 * Regions opened after this version of the library are accepted (`SURVEYED_REGIONS` in
 * region-guard.ts lists the Regions the library has checked its resource types in).
 */
export const REGION_NAME = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$/;

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
