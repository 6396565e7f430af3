import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { assetBucketName, LONGEST_REGION_NAME, MAX_ASSET_BUCKET_PREFIX_LENGTH as MAX_PREFIX } from '../contracts/asset-replication';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { isToken, propError } from '../util/validation';

/** The longest bucket prefix (47): see the contract. */
export const MAX_ASSET_BUCKET_PREFIX_LENGTH = MAX_PREFIX;

/**
 * The prefix: lowercase letters, digits and single or double hyphens, starting with a letter or
 * digit (the Region suffix supplies the last character of the name). Dots, which S3 allows, are
 * refused: a bucket name with dots breaks virtual-hosted-style HTTPS (the `*.s3.<Region>.amazonaws.com`
 * certificate does not match it) and Transfer Acceleration, and S3's naming rules advise against them
 * ("Avoid using periods (.) in bucket names", bucketnamingrules.html, best practices).
 */
const PREFIX_SHAPE = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Prefixes and suffixes S3 reserves (bucketnamingrules.html): `xn--`, `sthree-`,
 * `amzn-s3-demo-` at the start; `-s3alias` (access point aliases), `--ol-s3` (Object Lambda access
 * point aliases), `.mrap` (Multi-Region Access Points), `--x-s3` (directory buckets) at the end.
 * The suffixes cannot occur in `<prefix>-<Region>` (it ends with the Region's number) but are checked
 * on the whole name all the same.
 */
const RESERVED_STARTS = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_ENDS = ['-s3alias', '--ol-s3', '.mrap', '--x-s3'];

/** The name of the asset bucket of a Region: `<prefix>-<Region>` (src/contracts/asset-replication.ts). */
export function organizationAssetBucketName(prefix: string, region: string): string {
  return assetBucketName(prefix, region);
}

/**
 * Why a bucket prefix (and the name it makes in `region`) breaks S3's naming rules, or undefined.
 * A token is not judged; with `region` a token, only the prefix is.
 */
export function assetBucketPrefixProblem(prefix: string, region?: string): string | undefined {
  if (isToken(prefix)) return undefined;
  if (prefix.length === 0 || prefix.length > MAX_ASSET_BUCKET_PREFIX_LENGTH) {
    return `'${prefix}' must be 1–${MAX_ASSET_BUCKET_PREFIX_LENGTH} characters long (got ${prefix.length}), so that `
      + `'<prefix>-<Region>' fits S3's 63-character bucket names in every Region (the longest, ${LONGEST_REGION_NAME}, has ${LONGEST_REGION_NAME.length})`;
  }
  if (!PREFIX_SHAPE.test(prefix)) {
    return `'${prefix}' must match ${PREFIX_SHAPE.source}: lowercase letters, digits and hyphens, starting with a letter or digit `
      + '(dots are refused: they break virtual-hosted-style HTTPS)';
  }
  const reservedStart = RESERVED_STARTS.find((s) => prefix.startsWith(s));
  if (reservedStart) return `'${prefix}' must not start with '${reservedStart}' (reserved by S3)`;
  if (region === undefined || isToken(region)) return undefined;
  const name = organizationAssetBucketName(prefix, region);
  if (name.length > 63) return `'${prefix}' makes the bucket name '${name}' of ${name.length} characters in ${region}; S3 allows 63`;
  const reservedEnd = RESERVED_ENDS.find((s) => name.endsWith(s));
  if (reservedEnd) return `'${prefix}' makes the bucket name '${name}', which ends with '${reservedEnd}' (reserved by S3)`;
  return undefined;
}

/** Throws a {@link propError} naming `prop` when the prefix breaks S3's bucket naming rules in any of `regions`. */
export function requireAssetBucketPrefix(scope: IConstruct, prop: string, prefix: string, regions: readonly string[]): void {
  for (const region of regions.length ? regions : [undefined]) {
    const problem = assetBucketPrefixProblem(prefix, region);
    if (problem) throw propError(scope, prop, problem);
  }
}

/** An AWS Organizations organization ID (Organization.Id in the Organizations API: `o-` and 10–32 lowercase letters or digits). */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** Properties of an {@link OrganizationAssetBucket}. */
export interface OrganizationAssetBucketProps {
  /**
   * The prefix of the asset buckets: this one is named `<bucketPrefix>-<Region>`. Lowercase
   * letters, digits and hyphens, starting with a letter or digit, at most 47 characters (so that
   * the name fits S3's 63 characters in every Region). S3 bucket names are global: choose a prefix
   * no other account uses, e.g. one with your organization ID in it.
   */
  readonly bucketPrefix: string;

  /**
   * The organization whose accounts may read the assets (`aws:PrincipalOrgID`), e.g. `o-a1b2c3d4e5`.
   */
  readonly organizationId: string;

  /**
   * What happens to the bucket when it leaves the stack. A bucket that still holds objects cannot
   * be deleted by CloudFormation.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Where S3 writes the bucket's server access logs.
   * @default - no server access logs (the cdk-nag AwsSolutions-S1 finding is acknowledged: CloudTrail data events can record reads)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * The prefix of the access logs in `serverAccessLogsBucket`.
   * @default - none
   */
  readonly serverAccessLogsPrefix?: string;
}

/**
 * The bucket of one Region from which the member accounts of an organization read the file assets
 * (Lambda code) of a template deployed by StackSets: `<bucketPrefix>-<Region>`, in the deploying
 * (management or delegated administrator) account. Put one in a stack of every Region the stack set
 * deploys to: Lambda reads a function's code only from a bucket in the function's own Region
 * ("An Amazon S3 bucket in the same AWS Region as your function. The bucket can be in a different
 * AWS account.", Lambda API, FunctionCode.S3Bucket). `StackSetAssetReplication` copies the assets
 * into it.
 *
 * The bucket: S3 Block Public Access on all four settings, ACLs disabled, SSL-only, versioned,
 * SSE-S3, and a bucket policy that lets any principal of the organization read objects
 * (`s3:GetObject` on `<bucket>/*` with `aws:PrincipalOrgID`). The policy is not "public": S3 treats
 * a policy whose `Principal: *` is bound by `aws:PrincipalOrgID` as non-public, so Block Public
 * Access leaves it in force (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html,
 * "The meaning of public").
 *
 * Only `s3:GetObject` is granted: CloudFormation passes Lambda the bucket and key of the code
 * without `S3ObjectVersion` (the CDK writes none), so Lambda reads the current version with the
 * caller's `s3:GetObject`; `s3:GetObjectVersion` would only be needed for a template naming a
 * version. Nothing lists the bucket.
 *
 * Encryption is SSE-S3, not SSE-KMS, on purpose: with a customer managed key every member account's
 * deploying principal (the StackSets execution role calling Lambda) would need `kms:Decrypt` through
 * the key policy for the whole organization, and the AWS managed `aws/s3` key cannot be shared across
 * accounts at all. The objects are function code that every account of the organization may read
 * anyway; SSE-S3 encrypts them at rest with no key to share.
 */
export class OrganizationAssetBucket extends Construct {
  /**
   * The longest bucket prefix (47): `<prefix>-<Region>` must fit S3's 63 characters for the longest
   * Region name (us-isof-south-1).
   */
  public static readonly MAX_PREFIX_LENGTH: number = MAX_PREFIX;

  /** The name of a Region's asset bucket: `<prefix>-<Region>` (what a stack-set template reads its code from). */
  public static bucketNameFor(prefix: string, region: string): string {
    return organizationAssetBucketName(prefix, region);
  }

  /** The bucket. */
  public readonly bucket: s3.Bucket;

  /** The bucket's name: `<bucketPrefix>-<Region>`. */
  public readonly bucketName: string;

  /** The Region of the bucket (the stack's). */
  public readonly region: string;

  constructor(scope: Construct, id: string, props: OrganizationAssetBucketProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      throw propError(this, 'env.region', 'of the stack must be a literal Region (e.g. env: { region: \'eu-west-1\' }): the bucket is named '
        + '<bucketPrefix>-<Region> and the stack-set template reads the bucket of its own Region by that name');
    }
    requireAssetBucketPrefix(this, 'bucketPrefix', props.bucketPrefix, [region]);
    if (!isToken(props.organizationId) && !ORGANIZATION_ID.test(props.organizationId)) {
      throw propError(this, 'organizationId', `'${props.organizationId}' must match ${ORGANIZATION_ID.source} (an AWS Organizations organization ID)`);
    }
    if (props.serverAccessLogsPrefix !== undefined && !props.serverAccessLogsBucket) {
      throw propError(this, 'serverAccessLogsPrefix', 'needs serverAccessLogsBucket');
    }
    this.region = region;
    this.bucketName = organizationAssetBucketName(props.bucketPrefix, region);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: this.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [{
        id: 'ExpireReplacedVersions',
        // keys are content hashes: a replaced version held the same bytes
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
      ...(props.serverAccessLogsBucket
        ? { serverAccessLogsBucket: props.serverAccessLogsBucket, serverAccessLogsPrefix: props.serverAccessLogsPrefix }
        : {}),
    });
    // IAM global condition context keys, aws:PrincipalOrgID: "Compare the identifier of the organization
    // in AWS Organizations to which the requesting principal belongs with the identifier specified in
    // the policy" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid)
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'OrganizationReadsAssets',
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
    }));
    if (!props.serverAccessLogsBucket) {
      acknowledgeNagFinding(this.bucket, 'AwsSolutions-S1',
        'The bucket holds content-addressed copies of CDK file assets (function code) that the organization\'s accounts read while deploying; '
        + 'CloudTrail data events can record the reads. Pass serverAccessLogsBucket to turn on server access logs.');
    }
  }
}
