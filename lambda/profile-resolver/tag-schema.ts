import { misconfigured } from './errors';
import { tagKeyRuleProblems, tagValueRuleProblems } from '../../src/contracts/bedrock-rules';
import { ResolverTagKey, ResolverTagSchema } from '../../src/contracts/profile-resolver';

/** A tag schema ready to check requests: patterns compiled once per container. */
export interface CompiledTagSchema {
  readonly keys: ReadonlyMap<string, { readonly spec: ResolverTagKey; readonly pattern?: RegExp }>;
  readonly allowUnknownKeys: boolean;
}

/** No TAG_SCHEMA: any key, values as Bedrock allows them. */
export const OPEN_SCHEMA: CompiledTagSchema = { keys: new Map(), allowUnknownKeys: true };

/**
 * Parses the `TAG_SCHEMA` environment variable (JSON of ResolverTagSchema). A schema that cannot be
 * parsed is a deployment problem: ResolverMisconfigured, whatever the request.
 */
export function parseTagSchema(json: string | undefined): CompiledTagSchema {
  if (json === undefined || json.trim() === '') return OPEN_SCHEMA;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw misconfigured(`TAG_SCHEMA is not valid JSON: ${(error as Error).message}`);
  }
  const schema = raw as Partial<ResolverTagSchema> | null;
  if (!schema || typeof schema !== 'object' || !Array.isArray(schema.keys)) {
    throw misconfigured('TAG_SCHEMA must be a JSON object { keys: [{ key, required?, allowedValues?, pattern? }], allowUnknownKeys }');
  }
  const keys = new Map<string, { spec: ResolverTagKey; pattern?: RegExp }>();
  for (const spec of schema.keys) {
    if (!spec || typeof spec.key !== 'string') throw misconfigured(`TAG_SCHEMA: every key needs a string "key" (got ${JSON.stringify(spec)})`);
    if (spec.allowedValues !== undefined && !(Array.isArray(spec.allowedValues) && (spec.allowedValues as unknown[]).every((v) => typeof v === 'string'))) {
      throw misconfigured(`TAG_SCHEMA: allowedValues of '${spec.key}' must be a list of strings`);
    }
    let pattern: RegExp | undefined;
    if (spec.pattern !== undefined) {
      try {
        pattern = new RegExp(`^(?:${spec.pattern})$`);
      } catch (error) {
        throw misconfigured(`TAG_SCHEMA: pattern of '${spec.key}' is not a valid regular expression: ${(error as Error).message}`);
      }
    }
    keys.set(spec.key, { spec, pattern });
  }
  // the construct's schema allows unknown keys by default (CostAllocationTagSchemaProps.allowUnknownKeys)
  return { keys, allowUnknownKeys: schema.allowUnknownKeys !== false };
}

/**
 * Every problem of the tags of a request: keys outside the schema (unless it allows them), values
 * the schema refuses, and keys or values no profile can carry (Bedrock's TagKey/TagValue rules).
 * Required keys are not demanded: a request may name a subset, and several matches are then
 * reported as ambiguous.
 */
export function requestTagProblems(schema: CompiledTagSchema, tags: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string') {
      problems.push(`the value of tag '${key}' must be a string`);
      continue;
    }
    problems.push(...tagKeyRuleProblems(key), ...tagValueRuleProblems(key, value));
    const known = schema.keys.get(key);
    if (!known) {
      if (!schema.allowUnknownKeys) problems.push(`tag '${key}' is not in the tag schema (keys: ${[...schema.keys.keys()].join(', ')})`);
      continue;
    }
    if (known.spec.allowedValues && !known.spec.allowedValues.includes(value)) {
      problems.push(`tag '${key}' has value '${value}', allowed: ${known.spec.allowedValues.join(', ')}`);
    }
    if (known.pattern && !known.pattern.test(value)) problems.push(`tag '${key}' has value '${value}', which must match ${known.spec.pattern}`);
  }
  return problems;
}
