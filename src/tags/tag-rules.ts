import { TAG_RULES, tagKeyRuleProblems, tagValueRuleProblems } from '../contracts/bedrock-rules';
import { isToken } from '../util/validation';

// The rules live in the contract that the handlers check too (one source).
export { TAG_RULES } from '../contracts/bedrock-rules';

/** Problems of one tag key (empty when valid or a token). */
export function tagKeyProblems(key: string): string[] {
  return isToken(key) ? [] : tagKeyRuleProblems(key);
}

/** Problems of one tag value (empty when valid or a token). */
export function tagValueProblems(key: string, value: string): string[] {
  return isToken(value) ? [] : tagValueRuleProblems(key, value);
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
