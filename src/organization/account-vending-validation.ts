import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  ACCOUNT_ID_PATTERN, ORGANIZATIONAL_UNIT_ID, PARAMETER_KEY, PARAMETER_VALUE_MAX_BYTES, STACK_SET_NAME, TAG_KEY_MAX,
} from '../contracts/account-vending';
import { propError, REGION_NAME } from '../util/validation';

/** A stack set as `AccountVendingHookProps.stackSets` gives it (the shape the checks need). */
interface StackSetLike {
  readonly stackSetName: string;
  readonly regions: readonly string[];
  readonly region?: string;
  readonly organizationalUnits?: readonly string[];
}

/** Operation preferences as the checks need them. */
interface PreferencesLike {
  readonly maxConcurrentCount?: number;
  readonly maxConcurrentPercentage?: number;
  readonly failureToleranceCount?: number;
  readonly failureTolerancePercentage?: number;
  readonly concurrencyMode?: string;
}

const unresolved = (v: unknown) => Token.isUnresolved(v);

/** Stack set names (CloudFormation's pattern, no duplicates) and their Regions. */
export function checkStackSets(scope: IConstruct, stackSets: readonly StackSetLike[]): void {
  if (stackSets.length === 0) throw propError(scope, 'stackSets', 'must name at least one stack set');
  const seen = new Set<string>();
  stackSets.forEach((s, i) => {
    const prop = `stackSets[${i}]`;
    if (!unresolved(s.stackSetName)) {
      if (!STACK_SET_NAME.test(s.stackSetName)) {
        throw propError(scope, `${prop}.stackSetName`, `'${s.stackSetName}' must match ${STACK_SET_NAME.source} `
          + '(alphanumeric and hyphens, starting with a letter, at most 128 characters: CreateStackSetInput.StackSetName)');
      }
      if (seen.has(s.stackSetName)) throw propError(scope, `${prop}.stackSetName`, `'${s.stackSetName}' is named twice`);
      seen.add(s.stackSetName);
    }
    if (s.region !== undefined && !unresolved(s.region) && !REGION_NAME.test(s.region)) {
      throw propError(scope, `${prop}.region`, `'${s.region}' is not a Region name (e.g. us-east-1)`);
    }
    if (s.organizationalUnits !== undefined && !unresolved(s.organizationalUnits)) {
      if (s.organizationalUnits.length === 0) throw propError(scope, `${prop}.organizationalUnits`, 'must name at least one OU or the root when given');
      s.organizationalUnits.forEach((ou, j) => {
        if (!unresolved(ou) && !ORGANIZATIONAL_UNIT_ID.test(ou)) {
          throw propError(scope, `${prop}.organizationalUnits[${j}]`, `'${ou}' must be an OU ID (ou-…) or the root ID (r-…): ${ORGANIZATIONAL_UNIT_ID.source}`);
        }
      });
    }
    if (unresolved(s.regions)) return;
    if (s.regions.length === 0) throw propError(scope, `${prop}.regions`, 'must name at least one Region');
    s.regions.forEach((r, j) => {
      if (!unresolved(r) && !REGION_NAME.test(r)) throw propError(scope, `${prop}.regions[${j}]`, `'${r}' is not a Region name (e.g. us-east-1)`);
    });
    if (new Set(s.regions).size !== s.regions.length) throw propError(scope, `${prop}.regions`, 'names a Region twice');
  });
}

function checkParameter(scope: IConstruct, prop: string, key: string, value?: string): void {
  if (!unresolved(key) && !PARAMETER_KEY.test(key)) {
    throw propError(scope, prop, `key '${key}' must be a template parameter name: alphanumeric, 1–255 characters`);
  }
  if (value !== undefined && !unresolved(value) && Buffer.byteLength(value) > PARAMETER_VALUE_MAX_BYTES) {
    throw propError(scope, `${prop}.${key}`, `is ${Buffer.byteLength(value)} bytes; a parameter value may have ${PARAMETER_VALUE_MAX_BYTES}`);
  }
}

/** Account IDs, parameter keys and values of the static parameters. */
export function checkParameters(scope: IConstruct, parameters: { [accountId: string]: { [key: string]: string } }): void {
  for (const [account, values] of Object.entries(parameters)) {
    if (!unresolved(account) && !ACCOUNT_ID_PATTERN.test(account)) {
      throw propError(scope, 'parameters', `key '${account}' must be a 12-digit account ID`);
    }
    for (const [key, value] of Object.entries(values)) checkParameter(scope, `parameters.${account}`, key, value);
  }
}

/** Tag keys (Organizations: 1–128, no `aws:` prefix) and the parameter keys they map to. */
export function checkTagMapping(scope: IConstruct, mapping: { [tagKey: string]: string }): void {
  for (const [tagKey, parameterKey] of Object.entries(mapping)) {
    if (unresolved(tagKey)) continue;
    if (tagKey.length < 1 || tagKey.length > TAG_KEY_MAX || tagKey.toLowerCase().startsWith('aws:')) {
      throw propError(scope, 'parametersFromAccountTags', `tag key '${tagKey}' must be 1–${TAG_KEY_MAX} characters without the aws: prefix`);
    }
    checkParameter(scope, `parametersFromAccountTags.${tagKey}`, parameterKey);
  }
}

/**
 * Operation preferences as StackSetOperationPreferences takes them ([model] cloudformation.json):
 * a count or a percentage, not both; MaxConcurrentCount ≥ 1, MaxConcurrentPercentage 1–100,
 * FailureToleranceCount ≥ 0, FailureTolerancePercentage 0–100; and "MaxConcurrentCount is at most one
 * more than the FailureToleranceCount if you're using STRICT_FAILURE_TOLERANCE" ([model]
 * `StackSetOperationPreferences.MaxConcurrentCount`), checked when both counts are literal.
 * @param defaultMode the ConcurrencyMode the caller sends when `concurrencyMode` is not set
 */
export function checkPreferences(scope: IConstruct, p: PreferencesLike, defaultMode: string = 'SOFT_FAILURE_TOLERANCE'): void {
  const prop = 'operationPreferences';
  if (p.maxConcurrentCount !== undefined && p.maxConcurrentPercentage !== undefined) {
    throw propError(scope, prop, 'may set maxConcurrentCount or maxConcurrentPercentage, not both');
  }
  if (p.failureToleranceCount !== undefined && p.failureTolerancePercentage !== undefined) {
    throw propError(scope, prop, 'may set failureToleranceCount or failureTolerancePercentage, not both');
  }
  const range = (name: Exclude<keyof PreferencesLike, 'concurrencyMode'>, min: number, max: number) => {
    const v = p[name];
    if (v === undefined || unresolved(v)) return;
    if (!Number.isInteger(v) || v < min || v > max) throw propError(scope, `${prop}.${name}`, `must be an integer from ${min} to ${max} (got ${v})`);
  };
  range('maxConcurrentCount', 1, Number.MAX_SAFE_INTEGER);
  range('maxConcurrentPercentage', 1, 100);
  range('failureToleranceCount', 0, Number.MAX_SAFE_INTEGER);
  range('failureTolerancePercentage', 0, 100);
  const mode = p.concurrencyMode ?? defaultMode;
  const count = p.maxConcurrentCount;
  const tolerance = p.failureToleranceCount;
  if (mode === 'STRICT_FAILURE_TOLERANCE' && count !== undefined && tolerance !== undefined && !unresolved(count) && !unresolved(tolerance)
    && count > tolerance + 1) {
    throw propError(scope, `${prop}.maxConcurrentCount`, `is ${count}; with STRICT_FAILURE_TOLERANCE${p.concurrencyMode === undefined ? ' (the default)' : ''} `
      + `it may be at most failureToleranceCount + 1 (${tolerance + 1}): StackSetOperationPreferences.MaxConcurrentCount`);
  }
}
