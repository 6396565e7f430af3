/**
 * The custom resource's properties (what `ApplicationInferenceProfile` synthesizes), parsed and
 * validated as the Bedrock API would, so that a bad value fails before any call is made. The
 * property names, the schema version and the rules come from the one contract both sides use.
 */

import {
  MODEL_SOURCE_ARN, MODEL_SOURCE_ARN_MAX_LENGTH, PROFILE_NAME_RULES, TAG_RULES, matchesWhole, tagKeyRuleProblems, tagValueRuleProblems,
} from '../../src/contracts/bedrock-rules';
import { PROFILE_SCHEMA_VERSION, ProfileResourceProperties } from '../../src/contracts/profile-resource';
import { boolProp } from '../shared/cfn-event';
import { InvalidPropertiesError, schemaVersionProblem } from '../shared/properties';

/** The newest property schema this handler understands. */
export const HANDLER_SCHEMA_VERSION = PROFILE_SCHEMA_VERSION;

export interface ProfileSpec {
  readonly name: string;
  readonly description?: string;
  readonly copyFrom: string;
  readonly tags: Record<string, string>;
  readonly adoptExisting: boolean;
  readonly deleteAdoptedOnRemoval: boolean;
}

/** The properties as CloudFormation delivers them: the contract's names, scalars as strings. */
type Delivered = { readonly [K in keyof ProfileResourceProperties]?: unknown };

/** Parses and validates the properties; throws InvalidPropertiesError listing every problem. */
export function parseProperties(raw: Record<string, unknown>): ProfileSpec {
  const props = raw as Delivered;
  const problems: string[] = [];
  const versionProblem = schemaVersionProblem(props.SchemaVersion, HANDLER_SCHEMA_VERSION);
  if (versionProblem) problems.push(versionProblem);
  const fields = parseProfileFields(props, problems);
  if (problems.length > 0) throw new InvalidPropertiesError('the application inference profile', problems);
  return {
    ...fields,
    adoptExisting: boolProp(props.AdoptExisting),
    deleteAdoptedOnRemoval: boolProp(props.DeleteAdoptedOnRemoval),
  };
}

/** The fields that describe one profile (name, description, model source, tags). */
export type ProfileFields = Pick<ProfileSpec, 'name' | 'description' | 'copyFrom' | 'tags'>;

/**
 * Checks the fields of one profile (ProfileName, Description, CopyFrom, Tags) as Bedrock would,
 * adding every problem to `problems` (each prefixed with `label`, e.g. a batch member's position).
 * The values returned are meaningful only when no problem was added.
 */
export function parseProfileFields(props: Record<string, unknown>, problems: string[], label = ''): ProfileFields {
  const found: string[] = [];
  const r = PROFILE_NAME_RULES;
  const name = props.ProfileName;
  if (typeof name !== 'string' || name.length < r.nameMinLength || name.length > r.nameMaxLength || !matchesWhole(r.namePattern, name)) {
    found.push(`ProfileName '${String(name)}' must be ${r.nameMinLength}–${r.nameMaxLength} characters matching ${r.namePattern}`);
  }
  const description = props.Description;
  if (description !== undefined && (typeof description !== 'string' || description.length < r.descriptionMinLength
    || description.length > r.descriptionMaxLength || !matchesWhole(r.descriptionPattern, description))) {
    found.push(`Description must be ${r.descriptionMinLength}–${r.descriptionMaxLength} characters matching ${r.descriptionPattern}`);
  }
  const copyFrom = props.CopyFrom;
  if (typeof copyFrom !== 'string' || copyFrom.length > MODEL_SOURCE_ARN_MAX_LENGTH || !MODEL_SOURCE_ARN.test(copyFrom)) {
    found.push(`CopyFrom '${String(copyFrom)}' must be a foundation-model or inference-profile ARN`);
  }
  const tags = parseTags(props.Tags, found);
  problems.push(...found.map((p) => `${label}${p}`));
  return {
    name: name as string,
    description: description as string | undefined,
    copyFrom: copyFrom as string,
    tags,
  };
}

function parseTags(value: unknown, problems: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  if (value === undefined) return tags;
  if (!Array.isArray(value)) {
    problems.push('Tags must be a list of { Key, Value }');
    return tags;
  }
  if (value.length > TAG_RULES.maxTagsPerResource) problems.push(`Tags must hold at most ${TAG_RULES.maxTagsPerResource} tags (got ${value.length})`);
  for (const entry of value) {
    const key = (entry as { Key?: unknown })?.Key;
    const val = (entry as { Value?: unknown })?.Value ?? '';
    if (typeof key !== 'string') {
      problems.push(`tag key '${String(key)}' must be a string`);
      continue;
    }
    const keyProblems = tagKeyRuleProblems(key);
    if (keyProblems.length > 0) {
      problems.push(...keyProblems);
      continue;
    }
    if (typeof val !== 'string') {
      problems.push(`tag value of '${key}' must be a string`);
      continue;
    }
    const valueProblems = tagValueRuleProblems(key, val);
    if (valueProblems.length > 0) {
      problems.push(...valueProblems);
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
