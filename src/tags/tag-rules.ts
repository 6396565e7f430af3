import { isToken, matchesWhole } from '../util/validation';

/**
 * The rules AWS applies to resource tags (Bedrock's TagKey/TagValue shapes, and the tagging
 * rules shared by most services): key 1–128 and value 0–256 characters of
 * `[a-zA-Z0-9\s._:/=+@-]`, no `aws:` prefix, at most 200 tags on a resource.
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

/** Problems of one tag key (empty when valid or a token). */
export function tagKeyProblems(key: string): string[] {
  if (isToken(key)) return [];
  const problems: string[] = [];
  if (key.length < TAG_RULES.keyMinLength || key.length > TAG_RULES.keyMaxLength) {
    problems.push(`tag key '${key}' must be ${TAG_RULES.keyMinLength}–${TAG_RULES.keyMaxLength} characters long`);
  }
  if (!matchesWhole(TAG_RULES.pattern, key)) {
    problems.push(`tag key '${key}' must match ${TAG_RULES.pattern}`);
  }
  if (key.toLowerCase().startsWith(TAG_RULES.reservedPrefix)) {
    problems.push(`tag key '${key}' must not start with the reserved prefix '${TAG_RULES.reservedPrefix}'`);
  }
  return problems;
}

/** Problems of one tag value (empty when valid or a token). */
export function tagValueProblems(key: string, value: string): string[] {
  if (isToken(value)) return [];
  const problems: string[] = [];
  if (value.length > TAG_RULES.valueMaxLength) {
    problems.push(`tag value of '${key}' must be at most ${TAG_RULES.valueMaxLength} characters long (got ${value.length})`);
  }
  if (!matchesWhole(TAG_RULES.pattern, value)) {
    problems.push(`tag value '${value}' of '${key}' must match ${TAG_RULES.pattern}`);
  }
  return problems;
}

/** Every problem of a tag map, in key order: formats of keys and values, and the count limit. */
export function tagMapProblems(tags: { [key: string]: string }): string[] {
  const keys = Object.keys(tags);
  const problems: string[] = [];
  if (keys.length > TAG_RULES.maxTagsPerResource) {
    problems.push(`must have at most ${TAG_RULES.maxTagsPerResource} tags (got ${keys.length})`);
  }
  for (const key of keys) {
    problems.push(...tagKeyProblems(key), ...tagValueProblems(key, tags[key]));
  }
  return problems;
}
