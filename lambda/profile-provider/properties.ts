/**
 * The custom resource's properties (what `ApplicationInferenceProfile` synthesizes), parsed and
 * validated as the Bedrock API would, so that a bad value fails before any call is made.
 */

import { boolProp } from '../shared/cfn-event';

/** The newest property schema this handler understands. */
export const HANDLER_SCHEMA_VERSION = 1;

export interface ProfileSpec {
  readonly name: string;
  readonly description?: string;
  readonly copyFrom: string;
  readonly tags: Record<string, string>;
  readonly adoptExisting: boolean;
  readonly deleteAdoptedOnRemoval: boolean;
}

const NAME = /^([0-9a-zA-Z][ _-]?)+$/;
const DESCRIPTION = /^([0-9a-zA-Z:.][ _-]?)+$/;
const COPY_FROM = /^arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|foundation-model)\/[a-zA-Z0-9-:.]+$/;
const TAG_CHARS = /^[a-zA-Z0-9\s._:/=+@-]*$/;

export class InvalidPropertiesError extends Error {
  constructor(problems: string[]) {
    super(`Invalid properties of the application inference profile: ${problems.join('; ')}`);
    this.name = 'InvalidPropertiesError';
  }
}

/** Parses and validates the properties; throws {@link InvalidPropertiesError} listing every problem. */
export function parseProperties(props: Record<string, unknown>): ProfileSpec {
  const problems: string[] = [];
  const version = Number(props.SchemaVersion);
  if (!Number.isInteger(version) || version < 1) {
    problems.push(`SchemaVersion '${String(props.SchemaVersion)}' must be a positive integer`);
  } else if (version > HANDLER_SCHEMA_VERSION) {
    problems.push(`SchemaVersion ${version} is newer than this handler understands (${HANDLER_SCHEMA_VERSION}): deploy with the library version that synthesized it`);
  }
  const name = props.ProfileName;
  if (typeof name !== 'string' || name.length < 1 || name.length > 64 || !NAME.test(name)) {
    problems.push(`ProfileName '${String(name)}' must be 1–64 characters matching ([0-9a-zA-Z][ _-]?)+`);
  }
  const description = props.Description;
  if (description !== undefined && (typeof description !== 'string' || description.length < 1 || description.length > 200 || !DESCRIPTION.test(description))) {
    problems.push('Description must be 1–200 characters matching ([0-9a-zA-Z:.][ _-]?)+');
  }
  const copyFrom = props.CopyFrom;
  if (typeof copyFrom !== 'string' || copyFrom.length > 2048 || !COPY_FROM.test(copyFrom)) {
    problems.push(`CopyFrom '${String(copyFrom)}' must be a foundation-model or inference-profile ARN`);
  }
  const tags = parseTags(props.Tags, problems);
  if (problems.length > 0) throw new InvalidPropertiesError(problems);
  return {
    name: name as string,
    description: description as string | undefined,
    copyFrom: copyFrom as string,
    tags,
    adoptExisting: boolProp(props.AdoptExisting),
    deleteAdoptedOnRemoval: boolProp(props.DeleteAdoptedOnRemoval),
  };
}

function parseTags(value: unknown, problems: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  if (value === undefined) return tags;
  if (!Array.isArray(value)) {
    problems.push('Tags must be a list of { Key, Value }');
    return tags;
  }
  if (value.length > 200) problems.push(`Tags must hold at most 200 tags (got ${value.length})`);
  for (const entry of value) {
    const key = (entry as { Key?: unknown })?.Key;
    const val = (entry as { Value?: unknown })?.Value ?? '';
    if (typeof key !== 'string' || key.length < 1 || key.length > 128 || !TAG_CHARS.test(key) || key.toLowerCase().startsWith('aws:')) {
      problems.push(`tag key '${String(key)}' must be 1–128 characters of [a-zA-Z0-9\\s._:/=+@-], not starting with aws:`);
      continue;
    }
    if (typeof val !== 'string' || val.length > 256 || !TAG_CHARS.test(val)) {
      problems.push(`tag value of '${key}' must be 0–256 characters of [a-zA-Z0-9\\s._:/=+@-]`);
      continue;
    }
    if (key in tags) problems.push(`tag key '${key}' appears twice`);
    tags[key] = val;
  }
  return tags;
}

/** Parses old properties of an update leniently: they were valid when deployed, but may predate this handler. */
export function parseOldProperties(props: Record<string, unknown>): ProfileSpec | undefined {
  try {
    return parseProperties(props);
  } catch {
    return undefined;
  }
}
