import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A Cost Explorer expression as the JSON string CloudFormation takes (MonitorSpecification,
 * ThresholdExpression): plain text when it holds no token, else a token that CloudFormation joins
 * (`Fn::Join`) at deploy time. Internal to the library.
 */
export function expressionJson(scope: IConstruct, expression: object): string {
  const stack = Stack.of(scope);
  const json = stack.toJsonString(expression);
  const resolved: unknown = stack.resolve(json);
  return typeof resolved === 'string' ? resolved : json;
}
