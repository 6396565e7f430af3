/**
 * Amazon Bedrock's rules for what the library sends it, from the Bedrock API model
 * (../shared/aws-models/bedrock.json): one source for the constructs (synth-time checks) and the
 * handlers (request validation). Dependency-free.
 */

/**
 * Resource tags (Bedrock's TagKey / TagValue shapes, TagResource): key 1–128 and value 0–256
 * characters of `[a-zA-Z0-9\s._:/=+@-]`, no `aws:` prefix (reserved by AWS), at most 200 tags per
 * resource (TagList max 200).
 */
export const TAG_RULES = {
  keyMinLength: 1,
  keyMaxLength: 128,
  valueMaxLength: 256,
  pattern: '[a-zA-Z0-9\\s._:/=+@-]*',
  reservedPrefix: 'aws:',
  maxTagsPerResource: 200,
  /** the practical ceiling for user-defined cost allocation tags that are useful in billing */
  costAllocationPracticalLimit: 50,
} as const;

/**
 * Application inference profile names and descriptions (CreateInferenceProfile:
 * InferenceProfileName `([0-9a-zA-Z][ _-]?)+` 1–64, InferenceProfileDescription
 * `([0-9a-zA-Z:.][ _-]?)+` 1–200).
 */
export const PROFILE_NAME_RULES = {
  namePattern: '([0-9a-zA-Z][ _-]?)+',
  nameMinLength: 1,
  nameMaxLength: 64,
  descriptionPattern: '([0-9a-zA-Z:.][ _-]?)+',
  descriptionMinLength: 1,
  descriptionMaxLength: 200,
} as const;

/**
 * A model source ARN (InferenceProfileModelSource.copyFrom, the InferenceProfileModelSourceArn
 * pattern, anchored): a foundation model or a system-defined inference profile. Groups: partition,
 * Region, account, resource type, id.
 */
export const MODEL_SOURCE_ARN =
  /^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):bedrock:([0-9a-z-]{0,20}):([0-9]{12}|):(inference-profile|foundation-model)\/([a-zA-Z0-9-:.]+)$/;

/** The longest model source ARN (InferenceProfileModelSourceArn max length). */
export const MODEL_SOURCE_ARN_MAX_LENGTH = 2048;

/**
 * An application inference profile ARN
 * (`arn:<partition>:bedrock:<region>:<account>:application-inference-profile/<id>`). Groups:
 * partition, Region, account, id.
 */
export const APPLICATION_PROFILE_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]+):([0-9]{12}):application-inference-profile\/([a-zA-Z0-9]+)$/;

/** Matches `pattern` (an unanchored fragment of an AWS model) against the whole of `value`. */
export function matchesWhole(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(value);
}

/** Problems of one tag key, as Bedrock would judge it. */
export function tagKeyRuleProblems(key: string): string[] {
  const problems: string[] = [];
  if (key.length < TAG_RULES.keyMinLength || key.length > TAG_RULES.keyMaxLength) {
    problems.push(`tag key '${key}' must be ${TAG_RULES.keyMinLength}–${TAG_RULES.keyMaxLength} characters long`);
  }
  if (!matchesWhole(TAG_RULES.pattern, key)) problems.push(`tag key '${key}' must match ${TAG_RULES.pattern}`);
  if (key.toLowerCase().startsWith(TAG_RULES.reservedPrefix)) {
    problems.push(`tag key '${key}' must not start with the reserved prefix '${TAG_RULES.reservedPrefix}'`);
  }
  return problems;
}

/** Problems of one tag value, as Bedrock would judge it. */
export function tagValueRuleProblems(key: string, value: string): string[] {
  const problems: string[] = [];
  if (value.length > TAG_RULES.valueMaxLength) {
    problems.push(`tag value of '${key}' must be at most ${TAG_RULES.valueMaxLength} characters long (got ${value.length})`);
  }
  if (!matchesWhole(TAG_RULES.pattern, value)) problems.push(`tag value '${value}' of '${key}' must match ${TAG_RULES.pattern}`);
  return problems;
}
