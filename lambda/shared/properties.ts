/**
 * What every custom resource handler of the library checks first in the properties CloudFormation
 * delivers: the schema version (src/contracts: each contract's SCHEMA_VERSION), and how it reports
 * every problem at once.
 */

/** The properties of a custom resource are not valid: the message lists every problem. */
export class InvalidPropertiesError extends Error {
  /** @param resource what the properties describe, e.g. "the application inference profile" */
  constructor(resource: string, problems: string[]) {
    super(`Invalid properties of ${resource}: ${problems.join('; ')}`);
    this.name = 'InvalidPropertiesError';
  }
}

/**
 * Why a delivered SchemaVersion is refused (CloudFormation delivers it as a string), or undefined:
 * it must be a positive integer no newer than the handler's own version, since a newer construct
 * may have written properties this handler does not know.
 */
export function schemaVersionProblem(value: unknown, handlerVersion: number): string | undefined {
  const version = Number(value);
  if (!Number.isInteger(version) || version < 1) return `SchemaVersion '${String(value)}' must be a positive integer`;
  if (version > handlerVersion) {
    return `SchemaVersion ${version} is newer than this handler understands (${handlerVersion}): deploy with the library version that synthesized it`;
  }
  return undefined;
}
