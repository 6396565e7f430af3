import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
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

  /**
   * Profile batches (fleets) only: how many CreateInferenceProfile and DeleteInferenceProfile
   * calls per second the provider makes, across all its concurrent invocations and every stack
   * that shares `pacingTable`. AWS publishes no rate quota for these operations (Amazon Bedrock
   * endpoints and quotas lists none), so the default is the library's choice: 1,000 profiles take
   * about 8 minutes; CloudFormation allows a custom resource one hour. Throttling that happens
   * anyway is retried with jittered backoff. More than 0, at most 100.
   * @default 2
   */
  readonly profileCallsPerSecond?: number;

  /**
   * Profile batches (fleets) only: the DynamoDB table (partition key `pk`, a string) that holds
   * the schedule of those calls. Give several stacks of one account and Region the same table so
   * that their fleets share one pace.
   * @default - a table of the stack's batch provider (shared by every fleet of the stack)
   */
  readonly pacingTable?: dynamodb.ITable;
}
