import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { organizationAssetBucketName, requireAssetBucketPrefix } from './organization-asset-bucket';
import { StackSetAsset } from './stackset-template';
import { ASSET_REPLICATION_RESOURCE_TYPE, ASSET_REPLICATION_SCHEMA_VERSION, MAX_OBJECT_KEY_BYTES } from '../contracts/asset-replication';
import { HandlerProvider } from '../util/handler-provider';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';
import { ProviderOptions } from '../util/provider-options';
import { StackSingleton } from '../util/stack-singleton';
import { isToken, propError, REGION_NAME } from '../util/validation';

const MAX_KEY_BYTES = MAX_OBJECT_KEY_BYTES;

const PROVIDER_ID = 'StackSetAssetReplicationProvider';

/** Properties of a {@link StackSetAssetReplication}. */
export interface StackSetAssetReplicationProps {
  /**
   * The file assets to copy: each from its source bucket (the deploying stack's bootstrap asset
   * bucket) to the same key in every Region's asset bucket. At least one.
   */
  readonly assets: StackSetAsset[];

  /** The prefix of the asset buckets (`OrganizationAssetBucket.bucketPrefix`): the copies go to `<bucketPrefix>-<Region>`. */
  readonly bucketPrefix: string;

  /**
   * The Regions whose asset buckets receive the copies (literal Region names, no duplicates, at
   * least one): the Regions the stack set deploys to. Each needs its `OrganizationAssetBucket`.
   */
  readonly regions: string[];

  /**
   * Network, logging and encryption settings of the stack's replication provider (the first
   * replication of the stack sets them; later ones must pass the same object or none).
   * @default - not in a VPC, logs kept a year, encrypted with a new key
   */
  readonly providerOptions?: ProviderOptions;
}

/**
 * Copies the file assets of a stack-set template from the deploying stack's bootstrap bucket into
 * the organization-readable asset bucket of every Region (`<bucketPrefix>-<Region>`), before the
 * stack set is created or updated: make the stack set depend on this construct
 * (`stackSet.node.addDependency(replication)`).
 *
 * One custom resource (`Custom::StackSetAssetReplication`) lists the assets and Regions; a change
 * of either (a new asset hash, a new Region) copies again. The stack's singleton provider does the
 * copies with S3 CopyObject, which copies across Regions server-side; an object already in a
 * destination is skipped (keys are content hashes). Nothing is deleted when the resource is:
 * the copies may serve other versions of the stack set or a rollback.
 *
 * The provider's role may read exactly the listed source objects and write (and read, to skip
 * what is there) objects of the listed Regions' asset buckets only. A bootstrap bucket encrypted
 * with the AWS managed `aws/s3` key (the CDK bootstrap's default) needs no KMS permission; with a
 * customer managed key, grant `kms:Decrypt` on it to `role`.
 */
export class StackSetAssetReplication extends Construct {
  /** The custom resource: depend on it (or on this construct) to run after the copies. */
  public readonly resource: CustomResource;

  /** The role of the function that copies (shared by every replication of the stack). */
  public readonly role: iam.IRole;

  /** The asset buckets the copies go to, one per Region. */
  public readonly bucketNames: string[];

  constructor(scope: Construct, id: string, props: StackSetAssetReplicationProps) {
    super(scope, id);
    const regions = validateRegions(this, props.regions);
    requireAssetBucketPrefix(this, 'bucketPrefix', props.bucketPrefix, regions);
    const assets = validateAssets(this, props.assets);
    this.bucketNames = regions.map((r) => organizationAssetBucketName(props.bucketPrefix, r));

    const provider = ReplicationProvider.of(this, props.providerOptions);
    this.role = provider.handler.role;
    provider.allow(assets, this.bucketNames);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.handler.serviceToken,
      resourceType: ASSET_REPLICATION_RESOURCE_TYPE,
      properties: {
        SchemaVersion: String(ASSET_REPLICATION_SCHEMA_VERSION),
        BucketPrefix: props.bucketPrefix,
        Regions: regions,
        Assets: assets.map((a) => ({ SourceBucketName: a.sourceBucketName, ObjectKey: a.objectKey })),
        // S3's ExpectedBucketOwner: a bucket of that name owned by another account (names are global) is refused, never written to
        BucketOwner: Stack.of(this).account,
      },
      // the handler deletes nothing: the copies may serve other stack set versions or a rollback
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

function validateRegions(scope: IConstruct, regions: readonly string[]): string[] {
  if (isToken(regions)) throw propError(scope, 'regions', 'must be a literal list of Regions (the bucket names and permissions are made from them)');
  if (regions.length === 0) throw propError(scope, 'regions', 'must name at least one Region');
  const seen = new Set<string>();
  for (const region of regions) {
    if (isToken(region)) throw propError(scope, 'regions', 'must be literal Region names, not tokens (the bucket names are made from them)');
    if (!REGION_NAME.test(region)) throw propError(scope, 'regions', `'${region}' must be a Region name matching ${REGION_NAME.source}`);
    if (seen.has(region)) throw propError(scope, 'regions', `name '${region}' more than once`);
    seen.add(region);
  }
  return [...regions];
}

function validateAssets(scope: IConstruct, assets: readonly StackSetAsset[]): StackSetAsset[] {
  if (isToken(assets)) throw propError(scope, 'assets', 'must be a literal list (the permissions are made from it)');
  if (assets.length === 0) throw propError(scope, 'assets', 'must list at least one asset (a template without file assets needs no replication)');
  const byKey = new Map<string, StackSetAsset>();
  const unique: StackSetAsset[] = [];
  assets.forEach((asset, i) => {
    const { sourceBucketName: bucket, objectKey: key } = asset;
    if (!isToken(bucket) && bucket.length === 0) throw propError(scope, `assets[${i}].sourceBucketName`, 'must not be empty');
    if (isToken(key)) throw propError(scope, `assets[${i}].objectKey`, 'must be a literal key (the content hash the CDK gave the asset)');
    if (key.length === 0 || Buffer.byteLength(key) > MAX_KEY_BYTES) {
      throw propError(scope, `assets[${i}].objectKey`, `'${key}' must be 1–${MAX_KEY_BYTES} bytes of UTF-8 (an S3 object key)`);
    }
    const previous = byKey.get(key);
    if (previous) {
      const resolved = (b: string) => JSON.stringify(Stack.of(scope).resolve(b));
      if (resolved(previous.sourceBucketName) !== resolved(bucket)) {
        throw propError(scope, `assets[${i}].objectKey`, `'${key}' is listed with two source buckets: each key has one destination in every Region`);
      }
      return;
    }
    byKey.set(key, asset);
    unique.push(asset);
  });
  return unique;
}

/** The stack's replication provider (one per stack); each replication adds its own permissions. */
class ReplicationProvider extends Construct {
  public static of(scope: IConstruct, options: ProviderOptions | undefined): ReplicationProvider {
    return StackSingleton.withOptions(scope, PROVIDER_ID, 'providerOptions', options,
      (stack, given) => new ReplicationProvider(stack, PROVIDER_ID, given ?? {}));
  }

  public readonly handler: HandlerProvider;
  private readonly sources = new Set<string>();
  private readonly destinations = new Set<string>();

  private constructor(scope: Construct, id: string, options: ProviderOptions) {
    super(scope, id);
    this.handler = new HandlerProvider(this, 'Handler', {
      handlerName: 'asset-replication',
      description: 'the copies of stack-set file assets to the organization\'s asset buckets',
      // Lambda's longest run: many assets times many Regions, each copy up to 5 GB server-side
      timeout: Duration.minutes(15),
      options,
    });
  }

  /**
   * CopyObject needs `s3:GetObject` on the source object and `s3:PutObject` on the destination
   * (CopyObject API reference, "Permissions": "you must have s3:GetObject permission to read the
   * source object that is being copied … s3:PutObject permission to write the object copy to the
   * destination bucket"; https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html). No
   * tagging or ACL variant is used (the copy names no tags and no ACL). HeadObject needs
   * `s3:GetObject` (API_HeadObject.html), and answers 404 for a missing key only to a caller
   * allowed `s3:ListBucket` (403 otherwise), hence ListBucket on the destination buckets.
   */
  public allow(assets: readonly StackSetAsset[], bucketNames: readonly string[]): void {
    const stack = Stack.of(this);
    const role = this.handler.role;
    const objectArn = (bucket: string, key: string) => `arn:${stack.partition}:s3:::${bucket}/${key}`;
    const newSources = assets.map((a) => objectArn(a.sourceBucketName, a.objectKey)).filter((arn) => this.remember(this.sources, arn));
    if (newSources.length) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: newSources }));
    }
    const newBuckets = bucketNames.filter((b) => this.remember(this.destinations, b));
    if (newBuckets.length === 0) return;
    const destinationObjects = newBuckets.map((b) => objectArn(b, '*'));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: destinationObjects }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: newBuckets.map((b) => `arn:${stack.partition}:s3:::${b}`) }));
    const policy = role.node.findChild('DefaultPolicy');
    for (const arn of destinationObjects) {
      acknowledgeNagFinding(policy, 'AwsSolutions-IAM5',
        'The asset bucket of a Region holds only content-addressed copies of stack-set file assets; the provider writes any of them '
        + '(one statement per key would exceed IAM\'s policy size for many assets in many Regions).', `Resource::${arn}`);
    }
  }

  private remember(set: Set<string>, value: unknown): boolean {
    const key = JSON.stringify(Stack.of(this).resolve(value));
    if (set.has(key)) return false;
    set.add(key);
    return true;
  }
}
