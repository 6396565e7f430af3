import { invalidRequest } from './errors';
import { CompiledTagSchema, requestTagProblems } from './tag-schema';
import { TAG_RULES } from '../../src/contracts/bedrock-rules';
import { entryNameProblems, tenantKeyProblems } from '../../src/contracts/parameter-store';
import { ResolveRequest } from '../../src/contracts/profile-resolver';

/** A request that passed validation. */
export type ValidRequest =
  | { readonly kind: 'tags'; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'tenantKey'; readonly tenantKey: string };

/** Where tenant keys are looked up: the catalog's prefix and the length of the parameter ARN before a name. */
export interface CatalogLocation {
  readonly prefix: string;
  /** `arn:<partition>:ssm:<region>:<account>:parameter/`.length, for Parameter Store's 1011-character rule */
  readonly arnPrefixLength: number;
}

/**
 * Checks a ResolveRequest: exactly one of `tags` (a non-empty map of strings, every key and value
 * allowed by the schema and by Bedrock's tag rules) and `tenantKey` (Parameter Store's name rules,
 * src/contracts/parameter-store: levels of `a-zA-Z0-9_.-`, no leading or trailing slash, and the
 * whole `<prefix>/<tenantKey>` within the depth and length limits).
 */
export function parseRequest(event: ResolveRequest, schema: CompiledTagSchema, catalog: CatalogLocation | undefined): ValidRequest {
  const hasTags = event.tags !== undefined;
  const hasKey = event.tenantKey !== undefined;
  if (hasTags === hasKey) throw invalidRequest('send exactly one of "tags" (e.g. { "tags": { "dept": "claims" } }) and "tenantKey"');
  if (hasTags) {
    const tags = event.tags as unknown;
    if (!tags || typeof tags !== 'object' || Array.isArray(tags)) throw invalidRequest('"tags" must be an object of tag keys to values');
    const count = Object.keys(tags).length;
    if (count === 0) throw invalidRequest('"tags" must name at least one tag');
    if (count > TAG_RULES.maxTagsPerResource) throw invalidRequest(`"tags" names ${count} tags; a profile carries at most ${TAG_RULES.maxTagsPerResource}`);
    const problems = requestTagProblems(schema, tags as Record<string, string>);
    if (problems.length > 0) throw invalidRequest(`invalid tags: ${problems.join('; ')}`);
    return { kind: 'tags', tags: tags as Record<string, string> };
  }
  const key = event.tenantKey as unknown;
  if (typeof key !== 'string') throw invalidRequest(`tenantKey must be a string (got ${JSON.stringify(key)})`);
  const keyProblems = tenantKeyProblems(key);
  if (keyProblems.length > 0) {
    throw invalidRequest(`tenantKey ${keyProblems.join('; ')} (letters, digits and _ . - in levels separated by single '/', `
      + 'without a leading or trailing \'/\')');
  }
  if (catalog === undefined) {
    throw invalidRequest('this resolver has no catalog attached (CATALOG_PREFIX is not set): look profiles up by "tags"');
  }
  const nameProblems = entryNameProblems(parameterName(catalog.prefix, key), catalog.arnPrefixLength);
  if (nameProblems.length > 0) throw invalidRequest(`tenantKey '${key.slice(0, 60)}' makes no valid catalog entry: ${nameProblems.join('; ')}`);
  return { kind: 'tenantKey', tenantKey: key };
}

/** The catalog parameter of a tenant key: `<prefix>/<tenantKey>` (a trailing slash of the prefix is not doubled). */
export function parameterName(catalogPrefix: string, tenantKey: string): string {
  return `${catalogPrefix.replace(/\/+$/, '')}/${tenantKey}`;
}

/** A stable key of a tag set (order-independent), for the negative cache and logs. */
export function tagSetKey(tags: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.keys(tags).sort().map((k) => [k, tags[k]]));
}
