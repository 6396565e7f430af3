import { isToken } from '../util/validation';

/**
 * IAM's rules for the tags of a role (the `Tags` of AWS::IAM::Role, ../shared/cfn-schemas/aws-iam-role.json,
 * and the IAM API model's tagKeyType / tagValueType / tagListType): at most 50 tags; key 1–128
 * and value 0–256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]` (Unicode letters, separators and
 * numbers — so no tab or newline, which Bedrock's tag pattern `\s` allows); and keys are
 * case-insensitive: "you can't create two tags whose keys differ only in case"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html, "Rules for tagging").
 * `aws:` keys are reserved for AWS.
 */
export const IAM_TAG_RULES = {
  maxTagsPerRole: 50,
  keyMaxLength: 128,
  valueMaxLength: 256,
  keyPattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
  valuePattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  reservedPrefix: 'aws:',
} as const;

/**
 * Every problem of a role's tag map under IAM's rules (tokens are not judged).
 * @param from where each key comes from, for the messages
 */
export function iamRoleTagProblems(tags: { [key: string]: string }, from: (key: string) => string): string[] {
  const r = IAM_TAG_RULES;
  const problems: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > r.maxTagsPerRole) {
    problems.push(`the role would carry ${keys.length} tags; IAM allows at most ${r.maxTagsPerRole} per role`);
  }
  const byLowerCase = new Map<string, string>();
  for (const key of keys) {
    const value = tags[key];
    if (!isToken(key)) {
      if (key.length < 1 || key.length > r.keyMaxLength || !r.keyPattern.test(key)) {
        problems.push(`tag key ${JSON.stringify(key)} (${from(key)}) must be 1–${r.keyMaxLength} characters of ${r.keyPattern.source} for an IAM role`);
      }
      if (key.toLowerCase().startsWith(r.reservedPrefix)) problems.push(`tag key '${key}' (${from(key)}) must not start with '${r.reservedPrefix}'`);
      const same = byLowerCase.get(key.toLowerCase());
      if (same !== undefined) {
        problems.push(`tag keys '${same}' (${from(same)}) and '${key}' (${from(key)}) differ only in case: IAM tag keys are case-insensitive`);
      }
      byLowerCase.set(key.toLowerCase(), key);
    }
    if (!isToken(value) && (value.length > r.valueMaxLength || !r.valuePattern.test(value))) {
      problems.push(`tag value ${JSON.stringify(value)} of '${key}' (${from(key)}) must be 0–${r.valueMaxLength} characters of ${r.valuePattern.source} for an IAM role`);
    }
  }
  return problems;
}
