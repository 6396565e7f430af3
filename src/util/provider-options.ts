import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';

/** Network placement, logging and encryption of the library's custom resource providers. */
export interface ProviderOptions {
  /**
   * The VPC to run the provider's functions in (AWS Control Tower control CT.LAMBDA.PR.3
   * requires Lambda functions in a VPC). The subnets need a route to the AWS APIs the handler
   * calls (a NAT gateway or interface endpoints).
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` to use.
   * @default - the private subnets with egress of `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the functions in `vpc`.
   * @default - one security group with all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * How long the provider's logs are kept. At least one year passes AWS Control Tower control
   * CT.CLOUDWATCH.PR.2.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the provider's log groups (AWS Control Tower control
   * CT.CLOUDWATCH.PR.3). Its key policy must let CloudWatch Logs use it.
   * @default - a new key with rotation enabled, usable by CloudWatch Logs of this account and Region only
   */
  readonly logEncryptionKey?: kms.IKey;
}
