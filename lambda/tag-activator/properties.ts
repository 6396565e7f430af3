/**
 * The activation custom resource's properties (what `CostAllocationTagActivation` synthesizes),
 * parsed and validated before any call. The property names, the schema version and the limits
 * come from the one contract both sides use.
 */
import {
  BACKFILL_MONTHS, isStateParameterName, STATE_PARAMETER_PREFIX, TAG_ACTIVATION_SCHEMA_VERSION, TAG_KEY_MAX_LENGTH, TagActivationProperties,
} from '../../src/contracts/tag-activation';
import { boolProp } from '../shared/cfn-event';
import { InvalidPropertiesError, schemaVersionProblem } from '../shared/properties';

/** The newest property schema this handler understands. */
export const HANDLER_SCHEMA_VERSION = TAG_ACTIVATION_SCHEMA_VERSION;

export interface ActivationSpec {
  readonly tagKeys: string[];
  readonly stateParameterName: string;
  readonly backfillMonths?: number;
  readonly deactivateOnDelete: boolean;
}

/** The properties as CloudFormation delivers them: the contract's names, scalars as strings. */
type Delivered = { readonly [K in keyof TagActivationProperties]?: unknown };

/** Parses and validates the properties; throws InvalidPropertiesError listing every problem. */
export function parseActivationProperties(raw: Record<string, unknown>): ActivationSpec {
  const props = raw as Delivered;
  const problems: string[] = [];
  const versionProblem = schemaVersionProblem(props.SchemaVersion, HANDLER_SCHEMA_VERSION);
  if (versionProblem) problems.push(versionProblem);
  const keys = props.TagKeys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => typeof k !== 'string' || k.length < 1 || k.length > TAG_KEY_MAX_LENGTH)) {
    problems.push(`TagKeys must be a non-empty list of tag keys (1–${TAG_KEY_MAX_LENGTH} characters each)`);
  }
  const name = props.StateParameterName;
  if (typeof name !== 'string' || !isStateParameterName(name)) {
    problems.push(`StateParameterName '${String(name)}' must be an SSM parameter name below ${STATE_PARAMETER_PREFIX}/`);
  }
  let backfillMonths: number | undefined;
  if (props.BackfillMonths !== undefined) {
    backfillMonths = Number(props.BackfillMonths);
    if (!Number.isInteger(backfillMonths) || backfillMonths < BACKFILL_MONTHS.min || backfillMonths > BACKFILL_MONTHS.max) {
      problems.push(`BackfillMonths '${String(props.BackfillMonths)}' must be an integer from ${BACKFILL_MONTHS.min} to ${BACKFILL_MONTHS.max}`);
    }
  }
  if (problems.length > 0) throw new InvalidPropertiesError('the cost allocation tag activation', problems);
  return {
    tagKeys: [...new Set(keys as string[])],
    stateParameterName: name as string,
    backfillMonths,
    deactivateOnDelete: boolProp(props.DeactivateOnDelete),
  };
}
