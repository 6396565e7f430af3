import { CostAllocationTagSchema } from '../../tags/cost-allocation-tag-schema';

/**
 * The findings of a CloudFormation tag list (`[{ Key, Value }]`, as resolved) against a tag
 * schema: `MissingTag::<key>` for a required key that is absent, `InvalidTag::<key>` for a key
 * or value the schema (or AWS's tag rules) refuses.
 *
 * Tokens are not judged: a value that is a token (an intrinsic once resolved) passes, a key that
 * is a token makes the missing-key check impossible (skipped), and a whole list that is a token
 * cannot be read at all (`undefined`).
 * @returns the findings, or undefined when the list cannot be judged
 */
export function tagFindings(tags: unknown, schema: CostAllocationTagSchema): string[] | undefined {
  if (tags !== undefined && !Array.isArray(tags)) return undefined;
  const present = new Set<string>();
  const literal: Array<[string, string]> = [];
  let tokenKey = false;
  for (const tag of (tags ?? []) as unknown[]) {
    const { Key: key, Value: value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof key !== 'string') {
      tokenKey = true;
      continue;
    }
    present.add(key);
    if (typeof value === 'string') literal.push([key, value]);
  }
  const findings: string[] = [];
  if (!tokenKey) findings.push(...schema.requiredKeys.filter((k) => !present.has(k)).map((k) => `MissingTag::${k}`));
  for (const [key, value] of literal) {
    // one key at a time, without the missing-key problems (computed above from every key present)
    const problems = schema.validate({ [key]: value }).filter((p) => !p.startsWith('missing required tag'));
    if (problems.length > 0) findings.push(`InvalidTag::${key}`);
  }
  return findings;
}
