/**
 * The custom resource's properties (what `ApplicationInferenceProfile` synthesizes), parsed and
 * validated as the Bedrock API would, so that a bad value fails before any call is made. The
 * property names, the schema version and the rules come from the one contract both sides use.
 */

import { accountOfRoleArn, EXTERNAL_ID_RULES, ROLE_ARN } from '../../src/contracts/assume-role';
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
  /** the account the profile lives in, through an assumed role; undefined: the handler's own */
  readonly target?: TargetSpec;
}

/** The role the handler assumes to manage a profile in another account. */
export interface TargetSpec {
  readonly roleArn: string;
  readonly externalId?: string;
  /** the role's account: where the profile lives */
  readonly accountId: string;
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
  const target = parseTargetProblems(props, problems);
  if (problems.length > 0) throw new InvalidPropertiesError('the application inference profile', problems);
  return {
    ...fields,
    // a system-defined profile's ARN names the account that uses it: in another account, that account
    copyFrom: target ? inAccount(fields.copyFrom, target.accountId) : fields.copyFrom,
    adoptExisting: boolProp(props.AdoptExisting),
    deleteAdoptedOnRemoval: boolProp(props.DeleteAdoptedOnRemoval),
    target,
  };
}

/**
 * The target of the properties (TargetRoleArn, TargetExternalId), adding problems to `problems`;
 * undefined when the profile lives in the handler's own account.
 */
function parseTargetProblems(props: Delivered, problems: string[]): TargetSpec | undefined {
  const roleArn = props.TargetRoleArn;
  const externalId = props.TargetExternalId;
  if (roleArn === undefined || roleArn === '') {
    if (externalId !== undefined) problems.push('TargetExternalId requires TargetRoleArn');
    return undefined;
  }
  const found: string[] = [];
  if (typeof roleArn !== 'string' || !ROLE_ARN.test(roleArn)) {
    found.push(`TargetRoleArn '${String(roleArn)}' must be an IAM role ARN (arn:<partition>:iam::<account>:role/<path/name>)`);
  }
  const r = EXTERNAL_ID_RULES;
  if (externalId !== undefined && (typeof externalId !== 'string' || externalId.length < r.minLength || externalId.length > r.maxLength
    || !matchesWhole(r.pattern, externalId))) {
    found.push(`TargetExternalId must be ${r.minLength}–${r.maxLength} characters matching ${r.pattern}`);
  }
  problems.push(...found);
  if (found.length > 0) return undefined;
  return { roleArn: roleArn as string, externalId: externalId as string | undefined, accountId: accountOfRoleArn(roleArn as string)! };
}

/**
 * The target of a resource's properties, read on its own (leniently: the rest of the properties
 * may predate this handler), so that a delete acts in the account the profile was created in.
 * Throws when the properties name a target that cannot be read: guessing the account would
 * delete in the wrong one.
 */
export function parseTarget(raw: Record<string, unknown>): TargetSpec | undefined {
  const problems: string[] = [];
  const target = parseTargetProblems(raw as Delivered, problems);
  if (problems.length > 0) throw new InvalidPropertiesError('the application inference profile', problems);
  return target;
}

/** A system-defined inference profile ARN moved to `accountId`; other ARNs (foundation models) unchanged. */
function inAccount(copyFrom: string, accountId: string): string {
  const m = MODEL_SOURCE_ARN.exec(copyFrom);
  if (!m || m[4] !== 'inference-profile') return copyFrom;
  const [, partition, region, , type, id] = m;
  return `arn:${partition}:bedrock:${region}:${accountId}:${type}/${id}`;
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
