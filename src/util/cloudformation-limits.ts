/**
 * CloudFormation quotas the library places its resources to respect (internal): dashboards
 * today; fleets and StackSets that split cost centers over several stacks use the same numbers.
 *
 * Quotas ("Understand CloudFormation quotas",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
 * a template uploaded to Amazon S3 (as the CDK CLI does with every template over 50 KB) is at
 * most 1 MB; a template declares at most 200 parameters and 500 resources. "1 MB" is taken as
 * aws-cdk-lib's `Stack` takes it (1,000,000 characters of the template file; it warns from
 * 80 %).
 */
export const CLOUDFORMATION_LIMITS = {
  templateBytes: 1_000_000,
  parametersPerTemplate: 200,
  resourcesPerTemplate: 500,
} as const;
