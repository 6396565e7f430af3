import { Fn, Token } from 'aws-cdk-lib';

/**
 * The ID of an application inference profile from its ARN (the part after the last `/`),
 * token-aware.
 */
export function profileIdFromArn(arn: string): string {
  if (Token.isUnresolved(arn)) return Fn.select(1, Fn.split('/', arn));
  return arn.slice(arn.lastIndexOf('/') + 1);
}
