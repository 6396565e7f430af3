/**
 * The batch resource's properties (what `ProfileBatch` synthesizes), parsed and validated as the
 * Bedrock API would, so that a bad value fails before any call is made: the schema version, then
 * every member as the single-profile handler checks a profile (the same rules, from the same
 * contract), then what only a batch has (at most PROFILE_BATCH_MAX_MEMBERS members, unique keys,
 * names and attributes, room for the owner tag).
 */
import { TAG_RULES } from '../../src/contracts/bedrock-rules';
import {
  memberAttribute, PROFILE_BATCH_MAX_MEMBERS, PROFILE_BATCH_OWNER_TAG, PROFILE_BATCH_SCHEMA_VERSION, ProfileBatchProperties,
} from '../../src/contracts/profile-batch';
import { parseProfileFields, ProfileFields } from '../profile-provider/properties';
import { InvalidPropertiesError, schemaVersionProblem } from '../shared/properties';

/** The newest property schema this handler understands. */
export const HANDLER_SCHEMA_VERSION = PROFILE_BATCH_SCHEMA_VERSION;

/** The problems listed in an error message at most (the rest are logged): a failure response must fit CloudFormation's 4,096 bytes too. */
export const MAX_PROBLEMS_IN_MESSAGE = 10;

/** One member, validated. */
export interface MemberSpec extends ProfileFields {
  readonly key: string;
}

export interface BatchSpec {
  readonly members: MemberSpec[];
}

/** The properties as CloudFormation delivers them: the contract's names, scalars as strings. */
type Delivered = { readonly [K in keyof ProfileBatchProperties]?: unknown };

/** The invalid properties of a batch: `problems` holds every one, the message the first {@link MAX_PROBLEMS_IN_MESSAGE}. */
export class InvalidBatchPropertiesError extends InvalidPropertiesError {
  constructor(public readonly problems: string[]) {
    super('the application inference profile batch', boundedList(problems, MAX_PROBLEMS_IN_MESSAGE));
  }
}

/** The first `max` items, and a count of the others. */
export function boundedList(items: string[], max: number): string[] {
  return items.length <= max ? items : [...items.slice(0, max), `and ${items.length - max} more (listed in the function's log)`];
}

/** Parses and validates the properties; throws {@link InvalidBatchPropertiesError} listing every problem. */
export function parseBatchProperties(raw: Record<string, unknown>): BatchSpec {
  const props = raw as Delivered;
  const problems: string[] = [];
  const versionProblem = schemaVersionProblem(props.SchemaVersion, HANDLER_SCHEMA_VERSION);
  if (versionProblem) problems.push(versionProblem);
  const members: MemberSpec[] = [];
  if (!Array.isArray(props.Members)) {
    problems.push('Members must be a list of members { Key, ProfileName, Description?, CopyFrom, Tags }');
  } else {
    const list = props.Members as unknown[];
    if (list.length > PROFILE_BATCH_MAX_MEMBERS) {
      problems.push(`Members must hold at most ${PROFILE_BATCH_MAX_MEMBERS} members (got ${list.length})`);
    }
    const keys = new Map<string, number>();
    const names = new Map<string, number>();
    const attributes = new Map<string, number>();
    list.forEach((entry, i) => {
      const member = (entry && typeof entry === 'object' ? entry : {}) as Record<string, unknown>;
      const key = member.Key;
      const label = `Members[${i}]${typeof key === 'string' ? ` (Key '${key}')` : ''}: `;
      if (typeof key !== 'string' || key.length === 0) {
        problems.push(`${label}Key must be a non-empty string`);
      } else {
        if (keys.has(key)) problems.push(`${label}Key '${key}' is also the key of Members[${keys.get(key)}]`);
        else keys.set(key, i);
        const attribute = memberAttribute(key);
        const other = attributes.get(attribute);
        if (other !== undefined && (list[other] as { Key?: unknown }).Key !== key) {
          problems.push(`${label}Key '${key}' has the same attribute name (${attribute}) as Members[${other}]: change one of the keys`);
        } else {
          attributes.set(attribute, i);
        }
      }
      const fields = parseProfileFields(member, problems, label);
      if (typeof fields.name === 'string') {
        if (names.has(fields.name)) problems.push(`${label}ProfileName '${fields.name}' is also the name of Members[${names.get(fields.name)}]`);
        else names.set(fields.name, i);
      }
      if (PROFILE_BATCH_OWNER_TAG in fields.tags) problems.push(`${label}tag key '${PROFILE_BATCH_OWNER_TAG}' is reserved for the batch's owner tag`);
      if (Object.keys(fields.tags).length > TAG_RULES.maxTagsPerResource - 1) {
        problems.push(`${label}Tags must hold at most ${TAG_RULES.maxTagsPerResource - 1} tags (a profile takes ${TAG_RULES.maxTagsPerResource}, `
          + 'one of them the owner tag)');
      }
      members.push({ key: key as string, ...fields });
    });
  }
  if (problems.length > 0) throw new InvalidBatchPropertiesError(problems);
  return { members };
}

/**
 * Parses properties leniently (the old properties of an update, or those of a delete): they were
 * valid when deployed, but may come from another library version. Undefined when they do not parse.
 */
export function parseBatchPropertiesLeniently(raw: Record<string, unknown> | undefined): BatchSpec | undefined {
  try {
    return raw ? parseBatchProperties(raw) : undefined;
  } catch {
    return undefined;
  }
}

/** The profile names the properties mention, whatever else is wrong with them (for deletes: never leave a profile behind). */
export function memberNamesOf(raw: Record<string, unknown> | undefined): string[] {
  const members = (raw as Delivered | undefined)?.Members;
  if (!Array.isArray(members)) return [];
  const names = members.map((m: unknown) => (m as { ProfileName?: unknown } | null)?.ProfileName).filter((n): n is string => typeof n === 'string');
  return [...new Set(names)];
}
