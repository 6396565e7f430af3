import { Document, LineCounter, parseDocument } from 'yaml';
import { Checker, describe, isPlainObject, lineColumn, tableError, TablePath } from './cost-center-table-problems';
import { CostCenterTableRow } from './cost-center-table-row';
import { BudgetAlert } from '../budgets/budget-alert';
import { BUDGET_LIMITS } from '../budgets/budget-limits';
import { BudgetThreshold, THRESHOLD_RULES } from '../budgets/budget-threshold';
import { EnforcementApproval } from '../budgets/enforcement-approval';
import { SpendCap } from '../metering/spend-cap';
import { ModelSource } from '../models/model-source';
import { CostCenter } from '../tags/cost-center';
import { EMAIL_RULES, PLAUSIBLE_EMAIL } from '../util/email';
import { ACCOUNT_ID, isToken, REGION_NAME } from '../util/validation';

/**
 * The reading of a cost-center table file (internal): parse JSON or YAML, check every field,
 * collect every problem with where it is (row, field, line), merge the defaults into the rows.
 * The public API is `CostCenterTable` (cost-center-table.ts); the format is documented there and
 * in docs/cost-center-table.md.
 */

/** The schema version this library reads. */
export const TABLE_SCHEMA_VERSION = 1;

/** An enforcement of the file: roles by name or ARN, imported when the table is bound to a scope. */
export interface ParsedEnforcement {
  readonly denyRoles: string[];
  readonly threshold?: BudgetThreshold;
  readonly approval?: EnforcementApproval;
}

/** The caps of the file, roles by name or ARN. */
export interface ParsedCaps {
  readonly monthlyUsd?: number;
  readonly dailyUsd?: number;
  readonly denyRoles?: string[];
}

/** A row of the file, defaults merged: everything but what needs a scope (`enforcement`, `caps`) is in `row`. */
export interface ParsedRow {
  readonly row: CostCenterTableRow;
  /** `line:column` of the row in its file, when read from one. */
  readonly location?: string;
  readonly enforcement?: ParsedEnforcement;
  readonly caps?: ParsedCaps;
}

/** A table file, read. */
export interface ParsedTable {
  readonly schemaVersion: number;
  readonly rows: ParsedRow[];
}

/** The fields a row shares with `defaults`, in the order they are checked. */
const SHARED_FIELDS = ['profiles', 'monthlyBudget', 'alerts', 'alertEmails', 'enforcement', 'caps', 'accounts', 'regions'] as const;
type SharedField = typeof SHARED_FIELDS[number];
/** The fields of a row only. */
const ROW_FIELDS = ['name', 'tags', 'description'] as const;
/** The fields that belong to a budget: a row without monthlyBudget does not inherit them. */
const BUDGET_FIELDS: readonly SharedField[] = ['alerts', 'alertEmails', 'enforcement'];
const TOP_FIELDS = ['schemaVersion', 'defaults', 'costCenters'] as const;
const THRESHOLD_FIELDS = ['actual', 'forecasted', 'actualUsd', 'forecastedUsd'] as const;

/** A role name (IAM `roleNameType`) or a role ARN, with or without a path. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/([\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;

/** The values of the shared fields, parsed. */
interface SharedValues {
  profiles?: { [key: string]: ModelSource | null };
  monthlyBudget?: number;
  alerts?: BudgetAlert[];
  alertEmails?: string[];
  enforcement?: ParsedEnforcement;
  caps?: ParsedCaps;
  accounts?: string[];
  regions?: string[];
}

/**
 * Reads a table from its text; throws one error listing every problem found (each with the
 * source, line and column when known, the row and the field).
 */
export function parseTableText(text: string, yaml: boolean, source: string): ParsedTable {
  const lineCounter = new LineCounter();
  let value: unknown;
  let doc: Document | undefined;
  if (typeof text !== 'string') {
    throw new Error(`${source}: the table must be given as a string (got ${describe(text)})`);
  }
  if (yaml) {
    doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw tableError(source, lineCounter, doc, doc.errors.map((e) => ({
        path: [], message: `is not valid YAML: ${e.message}`, linePos: lineCounter.linePos(e.pos[0]),
      })), []);
    }
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      throw new Error(`${source}: is not a valid table: ${(error as Error).message}`);
    }
  } else {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const at = /at position (\d+)/.exec(message);
      throw tableError(source, lineCounter, undefined, [{
        path: [], message: `is not valid JSON: ${message}`, linePos: at ? lineColumn(text, Number(at[1])) : undefined,
      }], []);
    }
    // JSON is YAML: the YAML parser gives the positions of the values, and finds the duplicate keys
    // that JSON.parse silently resolves (the last one wins).
    const positions = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const duplicates = positions.errors.filter((e) => e.code === 'DUPLICATE_KEY');
    if (duplicates.length > 0) {
      throw tableError(source, lineCounter, undefined, duplicates.map((e) => ({
        path: [], message: 'repeats a key of its object (JSON.parse would silently keep the last one)', linePos: lineCounter.linePos(e.pos[0]),
      })), []);
    }
    doc = positions.errors.length === 0 ? positions : undefined;
  }
  const checker = new Checker();
  const table = readTable(checker, value);
  if (checker.problems.length > 0) throw tableError(source, lineCounter, doc, checker.problems, checker.rowNames);
  // each row's line and column, for the errors of whoever uses the rows (the fleet, the facade)
  const rows = table!.rows.map((entry, i) => {
    const node = doc?.getIn(['costCenters', i], true) as { range?: [number, number, number] } | undefined;
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
    return pos ? { ...entry, location: `${pos.line}:${pos.col}` } : entry;
  });
  return { ...table!, rows };
}

/** Checks rows given in code: unique names, account IDs and Region names (the fleet checks the rest). */
export function checkCodeRows(rows: CostCenterTableRow[], source: string): void {
  const checker = new Checker();
  const path = (i: number, ...rest: Array<string | number>) => ['rows', i, ...rest];
  const seen = new Map<string, number>();
  (rows ?? []).forEach((row, i) => {
    if (typeof row?.name !== 'string' || row.name.length === 0) {
      checker.add(path(i, 'name'), `must be a non-empty string (got ${describe(row?.name)})`);
      return;
    }
    checker.rowNames[i] = row.name;
    if (isToken(row.name)) {
      checker.add(path(i, 'name'), 'must be a literal string, not a token (it names the resources of the cost center)');
    } else if (seen.has(row.name)) {
      checker.add(path(i, 'name'), `'${row.name}' is the name of rows[${seen.get(row.name)}] already: names are unique`);
    } else {
      seen.set(row.name, i);
    }
    (row.accounts ?? []).forEach((account, j) => {
      if (!isToken(account) && !ACCOUNT_ID.test(account)) checker.add(path(i, 'accounts', j), `must be an account ID of 12 digits (got ${describe(account)})`);
    });
    (row.regions ?? []).forEach((region, j) => {
      if (!isToken(region) && !REGION_NAME.test(region)) checker.add(path(i, 'regions', j), `must be a Region name such as 'us-east-1' (got ${describe(region)})`);
    });
  });
  if (checker.problems.length > 0) throw tableError(source, new LineCounter(), undefined, checker.problems, checker.rowNames, 'rows');
}

function readTable(checker: Checker, value: unknown): ParsedTable | undefined {
  if (value === null || value === undefined) {
    checker.add([], 'is empty: a table needs schemaVersion and costCenters');
    return undefined;
  }
  const top = checker.record(value, [], TOP_FIELDS, 'the table');
  if (!top) return undefined;
  if (!('schemaVersion' in top)) {
    checker.add([], `needs schemaVersion: ${TABLE_SCHEMA_VERSION} (the version of the file format)`);
    return undefined;
  }
  const version = top.schemaVersion;
  if (typeof version !== 'number') {
    checker.add(['schemaVersion'], `must be the number ${TABLE_SCHEMA_VERSION} (got ${describe(version)})`);
    return undefined;
  }
  if (version !== TABLE_SCHEMA_VERSION) {
    // the other fields may mean something else in another version: nothing else is checked
    checker.add(['schemaVersion'], `${version} is not a version this version of cdk-bedrock-cost-governance reads: it reads schemaVersion ${TABLE_SCHEMA_VERSION}`);
    return undefined;
  }
  const defaults = top.defaults === undefined ? {} : readDefaults(checker, top.defaults);
  if (!('costCenters' in top)) {
    checker.add([], 'needs costCenters: a list of cost centers (it may be empty)');
    return undefined;
  }
  const list = checker.list(top.costCenters, ['costCenters'], 'a list of cost centers');
  if (!list) return undefined;
  // names first, so that every message of a row can name it
  list.forEach((raw, i) => {
    const name = isPlainObject(raw) ? raw.name : undefined;
    if (typeof name === 'string' && name.length > 0) checker.rowNames[i] = name;
  });
  const seen = new Map<string, number>();
  const rows: ParsedRow[] = [];
  list.forEach((raw, i) => {
    const row = readRow(checker, raw, i, defaults);
    if (!row) return;
    const first = seen.get(row.row.name);
    if (first !== undefined) {
      checker.add(['costCenters', i, 'name'], `'${row.row.name}' is the name of costCenters[${first}] already: names are unique in a table`);
      return;
    }
    seen.set(row.row.name, i);
    rows.push(row);
  });
  return { schemaVersion: version, rows };
}

function readDefaults(checker: Checker, value: unknown): SharedValues {
  const obj = checker.record(value, ['defaults'], SHARED_FIELDS, 'defaults', `(${ROW_FIELDS.join(', ')} belong to each row)`);
  if (!obj) return {};
  return readShared(checker, obj, ['defaults'], false).values;
}

function readRow(checker: Checker, value: unknown, index: number, defaults: SharedValues): ParsedRow | undefined {
  const path = ['costCenters', index];
  const obj = checker.record(value, path, [...ROW_FIELDS, ...SHARED_FIELDS], 'a cost center');
  if (!obj) return undefined;
  const before = checker.problems.length;
  const name = checker.string(obj.name, [...path, 'name'], true);
  const tags = readTags(checker, obj.tags, [...path, 'tags']);
  const description = obj.description === undefined ? undefined : checker.string(obj.description, [...path, 'description'], false);
  if (name !== undefined && tags !== undefined) {
    try {
      new CostCenter({ name, tags });
    } catch (error) {
      checker.add(path, `: ${(error as Error).message.replace(/^CostCenter '.*?': /, '')}`);
    }
  }
  const { values, dropped } = readShared(checker, obj, path, true);

  // merging: a row's value replaces the default's; null drops it; profiles merge by key
  const merged: SharedValues = {};
  for (const field of SHARED_FIELDS) {
    if (dropped.has(field)) continue;
    const own = values[field];
    const inherited = defaults[field];
    if (field in obj) (merged as any)[field] = own;
    else if (inherited !== undefined) (merged as any)[field] = inherited;
  }
  if (!dropped.has('profiles') && (defaults.profiles || values.profiles)) {
    const profiles: { [key: string]: ModelSource | null } = { ...defaults.profiles, ...values.profiles };
    for (const key of Object.keys(profiles)) if (profiles[key] === null) delete profiles[key];
    merged.profiles = profiles;
  }
  if (merged.monthlyBudget === undefined && !('monthlyBudget' in obj && obj.monthlyBudget !== null)) {
    for (const field of BUDGET_FIELDS) {
      if (field in obj && obj[field] !== null) {
        checker.add([...path, field], `needs monthlyBudget${'monthlyBudget' in defaults ? '' : ' (in the row or in defaults)'}: alerts, alertEmails and enforcement belong to the budget`);
      }
      delete merged[field]; // inherited ones apply to rows with a budget only
    }
  }
  if (checker.problems.length > before || name === undefined || tags === undefined) return undefined;

  const row: { [key: string]: unknown } = { name, tags };
  if (description !== undefined) row.description = description;
  for (const field of ['profiles', 'monthlyBudget', 'alerts', 'alertEmails', 'accounts', 'regions'] as const) {
    if (merged[field] !== undefined) row[field] = merged[field];
  }
  return {
    row: row as unknown as CostCenterTableRow,
    ...(merged.enforcement ? { enforcement: merged.enforcement } : {}),
    ...(merged.caps ? { caps: merged.caps } : {}),
  };
}

function readTags(checker: Checker, value: unknown, path: TablePath): { [key: string]: string } | undefined {
  if (value === undefined) {
    checker.add(path, 'is required: the cost allocation tags that identify the cost center\'s spend, e.g. { dept: claims }');
    return undefined;
  }
  const obj = checker.record(value, path, undefined, 'a mapping of tag keys to values');
  if (!obj) return undefined;
  let ok = true;
  for (const [key, v] of Object.entries(obj)) {
    if (typeof v !== 'string') {
      checker.add([...path, key], `must be a string (got ${describe(v)}${typeof v === 'number' || typeof v === 'boolean' ? ': quote it in YAML' : ''})`);
      ok = false;
    }
  }
  return ok ? obj as { [key: string]: string } : undefined;
}

/** Reads the fields a row shares with defaults; `null` (rows only) drops a default. */
function readShared(checker: Checker, obj: { [key: string]: unknown }, path: TablePath, inRow: boolean)
  : { values: SharedValues; dropped: Set<SharedField> } {
  const values: SharedValues = {};
  const dropped = new Set<SharedField>();
  for (const field of SHARED_FIELDS) {
    if (!(field in obj)) continue;
    const value = obj[field];
    const at = [...path, field];
    if (value === null) {
      if (inRow) dropped.add(field);
      else checker.add(at, 'must not be null in defaults (null is for a row, to drop a default)');
      continue;
    }
    switch (field) {
      case 'profiles': values.profiles = readProfiles(checker, value, at, inRow); break;
      case 'monthlyBudget': values.monthlyBudget = checker.number(value, at, budgetProblem); break;
      case 'alerts': values.alerts = readAlerts(checker, value, at); break;
      case 'alertEmails': values.alertEmails = readEmails(checker, value, at); break;
      case 'enforcement': values.enforcement = readEnforcement(checker, value, at); break;
      case 'caps': values.caps = readCaps(checker, value, at); break;
      case 'accounts': values.accounts = readUniqueStrings(checker, value, at, accountProblem, 'account IDs'); break;
      case 'regions': values.regions = readUniqueStrings(checker, value, at, regionProblem, 'Region names'); break;
    }
  }
  return { values, dropped };
}

function readProfiles(checker: Checker, value: unknown, path: TablePath, inRow: boolean): { [key: string]: ModelSource | null } | undefined {
  const obj = checker.record(value, path, undefined, 'a mapping of profile keys to model sources');
  if (!obj) return undefined;
  const profiles: { [key: string]: ModelSource | null } = {};
  for (const [key, v] of Object.entries(obj)) {
    const at = [...path, key];
    if (v === null) {
      if (inRow) profiles[key] = null;
      else checker.add(at, 'must not be null in defaults (null is for a row, to drop a default profile)');
    } else if (typeof v !== 'string') {
      checker.add(at, `must be a model source string such as 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' or 'amazon.nova-pro-v1:0' (got ${describe(v)})`);
    } else {
      try {
        profiles[key] = ModelSource.fromString(v);
      } catch (error) {
        checker.add(at, `is not a model source: ${(error as Error).message.replace(/^ModelSource\.from(String|Arn): /, '')}`);
      }
    }
  }
  return profiles;
}

function readAlerts(checker: Checker, value: unknown, path: TablePath): BudgetAlert[] | undefined {
  const list = checker.list(value, path, 'a list of alerts such as [{ actual: 80 }, { forecasted: 100 }]');
  if (!list) return undefined;
  if (list.length > BUDGET_LIMITS.maxNotifications) {
    checker.add(path, `must hold at most ${BUDGET_LIMITS.maxNotifications} alerts, as AWS Budgets allows (got ${list.length})`);
  }
  const alerts = list.map((item, i) => readThreshold(checker, item, [...path, i], 'an alert'));
  return alerts.every((t) => t !== undefined) ? alerts.map((t) => BudgetAlert.at(t!)) : undefined;
}

function readThreshold(checker: Checker, value: unknown, path: TablePath, what: string): BudgetThreshold | undefined {
  const before = checker.problems.length;
  const obj = checker.record(value, path, THRESHOLD_FIELDS, what);
  if (!obj) return undefined;
  const given = THRESHOLD_FIELDS.filter((f) => f in obj);
  if (given.length === 0 && checker.problems.length > before) return undefined; // a typo, reported with a suggestion
  if (given.length !== 1) {
    checker.add(path, `must have exactly one of actual, forecasted (% of the budget), actualUsd, forecastedUsd (USD) (got ${given.length === 0 ? 'none' : given.join(' and ')})`);
    return undefined;
  }
  const field = given[0];
  const percent = field === 'actual' || field === 'forecasted';
  const max = percent ? THRESHOLD_RULES.maxPercent : THRESHOLD_RULES.maxAmount;
  const n = checker.number(obj[field], [...path, field], (v) => v >= THRESHOLD_RULES.min && v <= max
    ? undefined : `must be a number from ${THRESHOLD_RULES.min} to ${max} (${percent ? '% of the budget' : 'USD'})`);
  if (n === undefined) return undefined;
  switch (field) {
    case 'actual': return BudgetThreshold.actual(n);
    case 'forecasted': return BudgetThreshold.forecasted(n);
    case 'actualUsd': return BudgetThreshold.actualAmount(n);
    default: return BudgetThreshold.forecastedAmount(n);
  }
}

function readEmails(checker: Checker, value: unknown, path: TablePath): string[] | undefined {
  const max = EMAIL_RULES.BUDGETS_SUBSCRIBER.maxCount;
  return readUniqueStrings(checker, value, path, (v) => PLAUSIBLE_EMAIL.test(v) ? undefined : 'must be an email address', 'email addresses', max);
}

function readEnforcement(checker: Checker, value: unknown, path: TablePath): ParsedEnforcement | undefined {
  const obj = checker.record(value, path, ['denyRoles', 'threshold', 'approval'], 'an enforcement');
  if (!obj) return undefined;
  if (!('denyRoles' in obj)) {
    checker.add(path, 'needs denyRoles: the roles (names or ARNs, of the budget\'s account) denied invocation when the budget is exceeded');
    return undefined;
  }
  const denyRoles = readUniqueStrings(checker, obj.denyRoles, [...path, 'denyRoles'], roleProblem, 'role names or ARNs', BUDGET_LIMITS.maxActionTargets);
  const threshold = obj.threshold === undefined ? undefined : readThreshold(checker, obj.threshold, [...path, 'threshold'], 'a threshold');
  let approval: EnforcementApproval | undefined;
  if (obj.approval !== undefined) {
    if (obj.approval === 'automatic') approval = EnforcementApproval.AUTOMATIC;
    else if (obj.approval === 'manual') approval = EnforcementApproval.MANUAL;
    else checker.add([...path, 'approval'], `must be 'automatic' or 'manual' (got ${describe(obj.approval)})`);
  }
  if (!denyRoles || (obj.threshold !== undefined && !threshold)) return undefined;
  return { denyRoles, ...(threshold ? { threshold } : {}), ...(approval ? { approval } : {}) };
}

function readCaps(checker: Checker, value: unknown, path: TablePath): ParsedCaps | undefined {
  const obj = checker.record(value, path, ['monthlyUsd', 'dailyUsd', 'denyRoles'], 'caps');
  if (!obj) return undefined;
  const before = checker.problems.length;
  const positive = (v: number) => v > 0 ? undefined : 'must be a number greater than 0 (USD)';
  const monthlyUsd = obj.monthlyUsd === undefined ? undefined : checker.number(obj.monthlyUsd, [...path, 'monthlyUsd'], positive);
  const dailyUsd = obj.dailyUsd === undefined ? undefined : checker.number(obj.dailyUsd, [...path, 'dailyUsd'], positive);
  const denyRoles = obj.denyRoles === undefined ? undefined
    : readUniqueStrings(checker, obj.denyRoles, [...path, 'denyRoles'], roleProblem, 'role names or ARNs');
  if (checker.problems.length > before) return undefined;
  try {
    // the spend meter's own rules (an amount at least, daily not over monthly)
    SpendCap.costCenter('table', { monthlyUsd, dailyUsd });
  } catch (error) {
    checker.add(path, `: ${(error as Error).message.replace(/^SpendCap\.costCenter\('table'\): /, '')}`);
    return undefined;
  }
  return {
    ...(monthlyUsd !== undefined ? { monthlyUsd } : {}),
    ...(dailyUsd !== undefined ? { dailyUsd } : {}),
    ...(denyRoles ? { denyRoles } : {}),
  };
}

function readUniqueStrings(checker: Checker, value: unknown, path: TablePath, problem: (v: string) => string | undefined,
  what: string, max?: number): string[] | undefined {
  const list = checker.list(value, path, `a list of ${what}`);
  if (!list) return undefined;
  const before = checker.problems.length;
  if (list.length === 0) checker.add(path, `must hold at least one of the ${what} (omit it${path[0] === 'costCenters' ? ', or set it to null to drop a default' : ''})`);
  if (max !== undefined && list.length > max) checker.add(path, `must hold at most ${max} ${what} (got ${list.length})`);
  const seen = new Map<string, number>();
  list.forEach((v, i) => {
    const at = [...path, i];
    if (typeof v !== 'string') {
      // an unquoted account ID is a number to YAML, which drops its leading zeros
      const hint = typeof v !== 'number' ? '' : path[path.length - 1] === 'accounts'
        ? `: quote it in YAML, with its leading zeros if it has any, e.g. '${String(v).padStart(12, '0')}'` : ': quote it in YAML';
      checker.add(at, `must be a string (got ${describe(v)}${hint})`);
      return;
    }
    const p = problem(v);
    if (p) checker.add(at, `${p} (got ${describe(v)})`);
    else if (seen.has(v)) checker.add(at, `repeats ${path[path.length - 1]}[${seen.get(v)}] (${describe(v)})`);
    seen.set(v, seen.get(v) ?? i);
  });
  return checker.problems.length > before ? undefined : list as string[];
}

function budgetProblem(n: number): string | undefined {
  if (!(n > 0)) return 'must be a number greater than 0 (USD)';
  if (!BUDGET_LIMITS.amountPattern.test(String(n))) return 'must be an amount in USD written without an exponent';
  return undefined;
}

function accountProblem(v: string): string | undefined {
  return ACCOUNT_ID.test(v) ? undefined : 'must be an account ID of 12 digits';
}

function regionProblem(v: string): string | undefined {
  return REGION_NAME.test(v) ? undefined : `must be a Region name such as 'us-east-1' (matching ${REGION_NAME.source})`;
}

function roleProblem(v: string): string | undefined {
  return ROLE_NAME.test(v) || ROLE_ARN.test(v) ? undefined
    : 'must be a role name (1–64 characters of letters, digits and +=,.@_-) or a role ARN (arn:<partition>:iam::<account>:role/[<path>/]<name>)';
}
