import { App, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ApplicationInferenceProfile, InferenceGeo, ModelSource } from '../../src';

/**
 * Model IDs current on 2026-11-27 (Amazon Bedrock user guide, "Supported foundation models" and
 * "Supported cross-Region inference profiles"). Claude Sonnet 4.5 and Llama 3.3 70B are invoked
 * on demand through cross-Region (US) inference profiles; Amazon Nova Pro is served in-Region in
 * us-east-1.
 */
export const MODELS = {
  claudeSonnet: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
  llama70b: 'meta.llama3-3-70b-instruct-v1:0',
  novaPro: 'amazon.nova-pro-v1:0',
} as const;

/**
 * An insurance company gives each department its own tagged application inference profile, so
 * that Bedrock spend shows up per department in billing, and lets the claims service invoke only
 * its department's profile.
 */
export class InsuranceBedrockStack extends Stack {
  public readonly claims: ApplicationInferenceProfile;
  public readonly underwriting: ApplicationInferenceProfile;
  public readonly customerService: ApplicationInferenceProfile;
  public readonly claimsFunction: lambda.Function;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    Tags.of(this).add('company', 'example-insurance');

    this.claims = new ApplicationInferenceProfile(this, 'Claims', {
      modelSource: ModelSource.crossRegion(InferenceGeo.US, MODELS.claudeSonnet),
      description: 'Claims department: first notice of loss triage',
      tags: { dept: 'claims' },
    });
    this.underwriting = new ApplicationInferenceProfile(this, 'Underwriting', {
      modelSource: ModelSource.crossRegion(InferenceGeo.US, MODELS.llama70b),
      description: 'Underwriting department: risk summaries',
      tags: { dept: 'underwriting' },
    });
    this.customerService = new ApplicationInferenceProfile(this, 'CustomerService', {
      modelSource: ModelSource.foundationModel(MODELS.novaPro),
      tags: { dept: 'customer-service' },
    });

    // the claims service: may invoke the model through the claims profile only
    const logKey = new kms.Key(this, 'ClaimsLogKey', { enableKeyRotation: true, description: 'Encrypts the claims service logs' });
    // AWS Control Tower CT.KMS.PR.3: only AWS services may create grants on the key
    logKey.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
    logKey.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` } },
    }));
    const logGroup = new logs.LogGroup(this, 'ClaimsLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: logKey });
    const role = new iam.Role(this, 'ClaimsRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    this.claimsFunction = new lambda.Function(this, 'ClaimsService', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ profile: process.env.PROFILE_ARN });'),
      environment: { PROFILE_ARN: this.claims.profileArn },
      role,
      logGroup,
    });
    this.claims.grantInvoke(this.claimsFunction);
  }
}

/** The example app; `outdir` defaults to `cdk.out`. */
export function buildInsuranceApp(outdir = 'cdk.out'): { app: App; stack: InsuranceBedrockStack } {
  const app = new App({ outdir });
  const stack = new InsuranceBedrockStack(app, 'InsuranceBedrock', {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
    description: 'cdk-bedrock-cost-governance example: an insurance company with a profile per department',
  });
  return { app, stack };
}
