/**
 * A file asset of a template deployed outside the CDK's bootstrap (by StackSets, by Service
 * Catalog): where `cdk deploy` publishes it in the account that deploys the template (its
 * bootstrap asset bucket and content-hash key), and so where it is copied from into the
 * organization-readable bucket of each Region.
 */
export interface StackSetAsset {
  /** The bucket the CDK publishes the asset to (the deploying stack's bootstrap asset bucket). */
  readonly sourceBucketName: string;
  /** The object key: the same in the source bucket and in every Region's asset bucket. */
  readonly objectKey: string;
}

/**
 * A CloudFormation template that member accounts deploy (through a stack set, a Service Catalog
 * product or Customizations for Control Tower) without the CDK bootstrap of their own: its file
 * assets are read from `<assetBucketPrefix>-<Region>`, buckets of the deploying account that the
 * organization can read (`OrganizationAssetBucket`).
 */
export interface IStackSetTemplate {
  /**
   * The template's URL (https, the deploying stack's bootstrap asset bucket), for
   * `AWS::CloudFormation::StackSet.TemplateURL` or a Service Catalog provisioning artifact.
   */
  readonly templateUrl: string;
  /** The file assets the template reads from the Region's asset bucket (copied there first). */
  readonly assets: StackSetAsset[];
  /** The prefix of the per-Region asset buckets the template reads from (`<prefix>-<Region>`). */
  readonly assetBucketPrefix: string;
  /** The template's parameters (their logical IDs), which parameter overrides may set. */
  readonly parameterNames: string[];
  /** The parameters without a default: every stack of the template needs a value for each. */
  readonly requiredParameterNames: string[];
}
