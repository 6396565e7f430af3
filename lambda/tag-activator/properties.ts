import { boolProp } from '../shared/cfn-event';

/** The activation custom resource's properties, parsed and validated before any call. */
export const HANDLER_SCHEMA_VERSION = 1;

export interface ActivationSpec {
  readonly tagKeys: string[];
  readonly stateParameterName: string;
  readonly backfillMonths?: number;
  readonly deactivateOnDelete: boolean;
}

const PARAMETER_NAME = /^\/[a-zA-Z0-9_.\-/]{1,1010}$/;

export function parseActivationProperties(props: Record<string, unknown>): ActivationSpec {
  const problems: string[] = [];
  const version = Number(props.SchemaVersion);
  if (!Number.isInteger(version) || version < 1 || version > HANDLER_SCHEMA_VERSION) {
    problems.push(`SchemaVersion '${String(props.SchemaVersion)}' must be an integer from 1 to ${HANDLER_SCHEMA_VERSION}`);
  }
  const keys = props.TagKeys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => typeof k !== 'string' || k.length < 1 || k.length > 1024)) {
    problems.push('TagKeys must be a non-empty list of tag keys (1–1024 characters each)');
  }
  const name = props.StateParameterName;
  if (typeof name !== 'string' || !PARAMETER_NAME.test(name)) {
    problems.push(`StateParameterName '${String(name)}' must be an SSM parameter path`);
  }
  let backfillMonths: number | undefined;
  if (props.BackfillMonths !== undefined) {
    backfillMonths = Number(props.BackfillMonths);
    if (!Number.isInteger(backfillMonths) || backfillMonths < 0 || backfillMonths > 12) {
      problems.push(`BackfillMonths '${String(props.BackfillMonths)}' must be an integer from 0 to 12`);
    }
  }
  if (problems.length > 0) throw new Error(`Invalid properties of the cost allocation tag activation: ${problems.join('; ')}`);
  return {
    tagKeys: [...new Set(keys as string[])],
    stateParameterName: name as string,
    backfillMonths,
    deactivateOnDelete: boolProp(props.DeactivateOnDelete),
  };
}
