import { readFileSync } from 'fs';
import { extname } from 'path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { checkCodeRows, ParsedRow, parseTableText, TABLE_SCHEMA_VERSION } from './cost-center-table-file';
import { CostCenterTableRow } from './cost-center-table-row';
import { BudgetEnforcement } from '../budgets/budget-enforcement';

/** The text format of a cost-center table. */
export enum CostCenterTableFormat {
  /** JSON */
  JSON = 'JSON',
  /** YAML 1.2 (anchors, aliases and `<<` merge keys allowed) */
  YAML = 'YAML',
}

/** The id of the construct, in the scope given to `rows()`, that holds the roles a table imports. */
const ROLES_ID = 'CostCenterTableRoles';

/**
 * A cost-center table as platform teams keep it in a repository and review changes to it: one
 * row per cost center (a `CostCenterTableRow`), read from a JSON or YAML file, or given in code.
 *
 * The file (schemaVersion 1; see docs/cost-center-table.md):
 *
 * ```yaml
 * schemaVersion: 1                     # required; this version of the library reads 1
 * defaults:                            # optional: what every row inherits unless it sets it
 *   profiles: { chat: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }
 *   monthlyBudget: 1000
 *   alerts: [{ actual: 80 }, { forecasted: 100 }]
 *   regions: [us-east-1]
 * costCenters:
 *   - name: claims                     # unique in the table
 *     tags: { dept: claims }
 *     description: Claims processing
 *     profiles: { summarize: amazon.nova-pro-v1:0 }   # merged with the default profiles by key
 *     monthlyBudget: 5000
 *     alerts: [{ actual: 80 }, { forecastedUsd: 6000 }]
 *     alertEmails: [claims-lead@example.com]
 *     enforcement: { denyRoles: [claims-app], threshold: { actual: 100 }, approval: automatic }
 *     caps: { monthlyUsd: 5500, dailyUsd: 400, denyRoles: [claims-app] }
 *     accounts: ['111122223333']
 *     regions: [us-east-1, eu-west-1]
 * ```
 *
 * - **Fields of a row**: `name` and `tags` (required), `description`, `profiles` (key → model
 *   source string, read by `ModelSource.fromString`), `monthlyBudget` (USD), `alerts` (each one of
 *   `actual`/`forecasted` in % of the budget or `actualUsd`/`forecastedUsd` in USD), `alertEmails`,
 *   `enforcement` (`denyRoles`: role names or ARNs; `threshold` like an alert, default
 *   `{ actual: 100 }`; `approval`: `automatic` (default) or `manual`), `caps` (`monthlyUsd`,
 *   `dailyUsd`, `denyRoles`), `accounts` (12-digit strings: quote them in YAML) and `regions`.
 * - **Defaults** hold any field of a row but `name`, `tags` and `description`. A row's value
 *   replaces the default's (lists and mappings are not merged), except `profiles`, which merge by
 *   key (the row's model source wins for a key both have). In a row, `null` drops a default
 *   (`monthlyBudget: null`, `profiles: { chat: null }`). The budget's fields (`alerts`,
 *   `alertEmails`, `enforcement`) are inherited by rows with a `monthlyBudget` only.
 * - **Strict**: unknown keys (typos), numbers written as strings (`"5000"`), non-string tag values
 *   and account IDs written as numbers are errors. All the problems of a file are reported
 *   together, each with the file, line and column, row (index and name) and field.
 *
 * Roles cannot be made without a construct scope: `rows(scope)` imports them (`mutable: false`)
 * and builds each row's `BudgetEnforcement.denyInvocation` and caps.
 *
 * @example
 * const table = CostCenterTable.fromFile('cost-centers.yaml');
 * // the rows, with the roles of their enforcements and caps imported in this stack
 * const rows = table.rows(this);
 */
export class CostCenterTable {
  /** The version of the file format (`schemaVersion`) this version of the library reads. */
  public static readonly SCHEMA_VERSION: number = TABLE_SCHEMA_VERSION;

  /**
   * Reads a table file: `.json`, or `.yaml`/`.yml`. Every problem of the file is reported in one
   * error, with the file, line, row and field.
   * @param path the file, e.g. `config/cost-centers.yaml` (relative to the working directory)
   */
  public static fromFile(path: string): CostCenterTable {
    const extension = extname(path).toLowerCase();
    let format: CostCenterTableFormat;
    if (extension === '.json') format = CostCenterTableFormat.JSON;
    else if (extension === '.yaml' || extension === '.yml') format = CostCenterTableFormat.YAML;
    else throw new Error(`CostCenterTable.fromFile: '${path}' must be a .json, .yaml or .yml file (the extension decides the format)`);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`CostCenterTable.fromFile: cannot read '${path}': ${(error as Error).message}`);
    }
    // a byte order mark (some Windows editors write one) is not part of the table
    return CostCenterTable.fromString(text.replace(/^\uFEFF/, ''), format, path);
  }

  /**
   * Reads a table from text, e.g. generated content.
   * @param text the table, in the file format
   * @param format JSON or YAML
   * @param source what the text is, named in error messages (`<string>` when not given)
   */
  public static fromString(text: string, format: CostCenterTableFormat, source?: string): CostCenterTable {
    if (format !== CostCenterTableFormat.JSON && format !== CostCenterTableFormat.YAML) {
      throw new Error(`CostCenterTable.fromString: format must be CostCenterTableFormat.JSON or YAML (got ${format})`);
    }
    const where = source ?? '<string>';
    const parsed = parseTableText(text, format === CostCenterTableFormat.YAML, where);
    return new CostCenterTable(where, parsed.schemaVersion, parsed.rows);
  }

  /**
   * A table of rows written in code (roles included). Names must be unique; accounts and
   * Regions are checked as in a file.
   * @param rows the rows
   */
  public static fromRows(rows: CostCenterTableRow[]): CostCenterTable {
    const source = 'CostCenterTable.fromRows';
    checkCodeRows(rows, source);
    return new CostCenterTable(source, TABLE_SCHEMA_VERSION, rows.map((row) => ({ row })));
  }

  /** The file path the table was read from, the source given to `fromString` (`<string>` by default), or `CostCenterTable.fromRows`. */
  public readonly source: string;

  /** The schema version of the file (`CostCenterTable.SCHEMA_VERSION` for rows given in code). */
  public readonly schemaVersion: number;

  private readonly entries: ParsedRow[];

  private constructor(source: string, schemaVersion: number, entries: ParsedRow[]) {
    this.source = source;
    this.schemaVersion = schemaVersion;
    this.entries = entries;
  }

  /** The names of the cost centers, in the table's order. */
  public get names(): string[] {
    return this.entries.map((e) => e.row.name);
  }

  /**
   * Where each row is, for messages: `<source>:<line>:<column>` when read from a file, else the source.
   * @internal
   */
  public _rowLocations(): string[] {
    return this.entries.map((e) => (e.location ? `${this.source}:${e.location}` : this.source));
  }

  /** The number of cost centers. */
  public get length(): number {
    return this.entries.length;
  }

  /**
   * The rows, bound to a scope: the roles of `enforcement.denyRoles` and `caps.denyRoles` are
   * imported in `scope` (`iam.Role.fromRoleName` or `fromRoleArn`, `mutable: false`), under a
   * `CostCenterTableRoles` construct, each with the role name or ARN as its id: the same role
   * named by several rows (or tables) is imported once per scope, and calling `rows` again
   * returns the same roles.
   * @param scope where the roles are imported (a stack or a construct in the stack of the budgets)
   */
  public rows(scope: Construct): CostCenterTableRow[] {
    return this.entries.map((entry) => {
      if (!entry.enforcement && !entry.caps) return { ...entry.row };
      const row: { -readonly [K in keyof CostCenterTableRow]: CostCenterTableRow[K] } = { ...entry.row };
      if (entry.enforcement) {
        row.enforcement = BudgetEnforcement.denyInvocation({
          roles: entry.enforcement.denyRoles.map((ref) => importRole(scope, ref)),
          threshold: entry.enforcement.threshold,
          approval: entry.enforcement.approval,
        });
      }
      if (entry.caps) {
        const { denyRoles, ...amounts } = entry.caps;
        row.caps = { ...amounts, ...(denyRoles ? { roles: denyRoles.map((ref) => importRole(scope, ref)) } : {}) };
      }
      return row;
    });
  }
}

/** The role named by `ref` (a name or an ARN), imported once per scope. */
function importRole(scope: Construct, ref: string): iam.IRole {
  const holder = scope.node.tryFindChild(ROLES_ID) as Construct | undefined ?? new Construct(scope, ROLES_ID);
  // a construct id cannot hold '/', which a role ARN with a path does; names never hold ':'
  const id = ref.replace(/\//g, '|');
  const existing = holder.node.tryFindChild(id) as iam.IRole | undefined;
  if (existing) return existing;
  return ref.startsWith('arn:')
    ? iam.Role.fromRoleArn(holder, id, ref, { mutable: false })
    : iam.Role.fromRoleName(holder, id, ref, { mutable: false });
}
