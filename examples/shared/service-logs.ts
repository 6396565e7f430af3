import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The log group of an example's own service (not a library construct): kept a year
 * (CT.CLOUDWATCH.PR.2), encrypted with a rotated key (CT.CLOUDWATCH.PR.3, CT.KMS.PR.1) on which
 * only AWS services may create grants (CT.KMS.PR.3) and CloudWatch Logs of this account may encrypt.
 */
export function serviceLogGroup(scope: Construct, id: string, what: string): logs.LogGroup {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, `${id}Key`, { enableKeyRotation: true, description: `Encrypts the ${what} logs` });
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
  }));
  return new logs.LogGroup(scope, id, { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key });
}
